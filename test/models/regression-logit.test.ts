import { describe, expect, it } from "vitest";
import { ModelError } from "../../models/numeric/errors";
import { fitRegression, type LinearFit, type LogisticFit } from "../../models/regression/fit";
import { fitLogit } from "../../models/regression/logistic";
import { DATA, num, readCsv, UCLA_LOGIT, ucla } from "./published-data";

function expectModelError(fn: () => unknown, code: string): ModelError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ModelError);
    expect((e as ModelError).code).toBe(code);
    return e as ModelError;
  }
  throw new Error(`expected ModelError ${code}`);
}

describe("logistic regression: UCLA admissions (admit ~ gre + gpa + C(rank))", () => {
  const r = fitRegression({ kind: "logistic", data: ucla(), outcome: "admit", predictors: ["gre", "gpa", "rank"] });
  it("reproduces the published estimates, standard errors and logLik", () => {
    // UCLA IDRE "Logit regression | R data analysis examples" (glm output), also in PROVENANCE.md.
    expect(r.terms).toEqual(UCLA_LOGIT.terms);
    const est = UCLA_LOGIT.estimates;
    const se = UCLA_LOGIT.stdErrors;
    r.coefficients.forEach((c, j) => {
      expect(c.estimate).toBeCloseTo(est[j], 6);
      expect(c.stdError!).toBeCloseTo(se[j], 6);
    });
    const f = r.fit as LogisticFit;
    expect(f.logLik).toBeCloseTo(-229.2587, 4);
    // UCLA page: residual deviance 458.52 on 394 df, null deviance 499.98 on 399 df; AIC 470.52.
    expect(f.deviance).toBeCloseTo(458.52, 2);
    expect(f.nullDeviance).toBeCloseTo(499.98, 2);
    expect(f.dfResid).toBe(394);
    expect(f.aic).toBeCloseTo(470.52, 2);
    expect(f.converged).toBe(true);
    expect(r.nObs).toBe(400);
  });
  it("z tests and intervals: UCLA page's Pr(>|z|) and confint.default", () => {
    // UCLA page: gre p = 0.038465, gpa p = 0.015388, rank2 p = 0.032829; confint.default gre (0.0001202, 0.0044086).
    expect(r.coefficients[1].pValue!).toBeCloseTo(0.038465, 5);
    expect(r.coefficients[2].pValue!).toBeCloseTo(0.015388, 5);
    expect(r.coefficients[3].pValue!).toBeCloseTo(0.032829, 5);
    expect(r.coefficients[1].ci95![0]).toBeCloseTo(0.0001202, 6);
    expect(r.coefficients[1].ci95![1]).toBeCloseTo(0.0044086, 6);
  });
  it("McFadden pseudo-R², BIC and average marginal effects match statsmodels", () => {
    // Independent computation: statsmodels 0.13.5 (Debian python3-statsmodels),
    //   smf.logit('admit ~ gre + gpa + C(rank)', d).fit(); m.prsquared, m.bic, m.get_margeff(at='overall').
    const f = r.fit as LogisticFit;
    expect(f.pseudoR2).toBeCloseTo(0.08292194470084713, 8);
    expect(f.bic).toBeCloseTo(494.4662797585469, 8);
    // Null model in closed form: 127 of 400 admitted (statsmodels fits it numerically: -249.98825881, same to 1e-7).
    expect(f.llNull).toBeCloseTo(127 * Math.log(127 / 400) + 273 * Math.log(273 / 400), 10);
    expect(f.llNull).toBeCloseTo(-249.98825881093052, 6);
    const dydx = {
      gre: 0.000440567895,
      gpa: 0.156433976761,
      "rank[T.2]": -0.131414538277,
      "rank[T.3]": -0.260750792685,
      "rank[T.4]": -0.301853604968,
    };
    const se = {
      gre: 0.00020911596,
      gpa: 0.06296203582,
      "rank[T.2]": 0.06016352947,
      "rank[T.3]": 0.062435068645,
      "rank[T.4]": 0.076310025275,
    };
    expect(r.marginalEffects.map((m) => m.term)).toEqual(Object.keys(dydx));
    for (const m of r.marginalEffects) {
      expect(m.dydx).toBeCloseTo(dydx[m.term as keyof typeof dydx], 9);
      expect(m.stdError!).toBeCloseTo(se[m.term as keyof typeof se], 9);
    }
  });
  it("reuses fixed levels and is JSON-safe", () => {
    const again = fitRegression({
      kind: "logistic",
      data: ucla(),
      outcome: "admit",
      predictors: ["gre", "gpa", "rank"],
      levels: r.design.levels,
    });
    expect(again.coefficients).toEqual(r.coefficients);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });
});

describe("named errors", () => {
  it("IBM Telco: satisfaction_score separates churn_value (quasi-complete separation)", () => {
    // PROVENANCE.md: satisfaction 1-2 always churn, 4-5 never; only 3 has both outcomes.
    const c = readCsv(`${DATA}/telco/telco_cx.csv`);
    const data = {
      churn_value: num(c.churn_value),
      satisfaction_score: num(c.satisfaction_score),
      tenure_months: num(c.tenure_months),
      contract: c.contract,
    };
    const e = expectModelError(
      () => fitRegression({ kind: "logistic", data, outcome: "churn_value", predictors: ["satisfaction_score"] }),
      "perfect_separation",
    );
    expect(e.terms).toEqual(["satisfaction_score"]);
    expect(e.message).toMatch(/satisfaction_score/);
    expect(e.message).toMatch(/quasi-complete/);
    // With controls the same predictor is named.
    const e2 = expectModelError(
      () =>
        fitRegression({ kind: "logistic", data, outcome: "churn_value", predictors: ["tenure_months", "contract", "satisfaction_score"] }),
      "perfect_separation",
    );
    expect(e2.terms).toEqual(["satisfaction_score"]);
  });
  it("separation by a combination of predictors is caught by divergence", () => {
    // y = 1 exactly when x1 + x2 > 0, with neither x alone separating: no finite MLE.
    const x1 = [-3, -1, 2, 4, -2, 1, 3, -4, 0.5, -0.5];
    const x2 = [1, 2, -1, -3, 3, 0.2, -1, 5, 1, -1];
    const y = x1.map((v, i) => (v + x2[i] > 0 ? 1 : 0));
    const e = expectModelError(
      () => fitRegression({ kind: "logistic", data: { y, x1, x2 }, outcome: "y", predictors: ["x1", "x2"] }),
      "perfect_separation",
    );
    expect(e.terms.sort()).toEqual(["x1", "x2"]);
  });
  it("a category whose rows all share one outcome is named with its level", () => {
    // g = c: y is 1 in both rows, so the g[T.c] coefficient diverges (quasi-complete separation by a dummy).
    const e = expectModelError(
      () =>
        fitRegression({
          kind: "logistic",
          data: { y: [0, 1, 0, 1, 1, 1, 0, 0], g: ["a", "a", "b", "b", "c", "c", "a", "b"] },
          outcome: "y",
          predictors: ["g"],
        }),
      "perfect_separation",
    );
    expect(e.terms).toEqual(["g"]);
    expect(e.message).toMatch(/y is 1 in every row with g = c/);
  });
  it("a categorical predictor with one level is no_variance; all rows missing is too_few_rows with the count", () => {
    const e = expectModelError(
      () => fitRegression({ kind: "linear", data: { y: [1, 2, 3, 4], g: ["a", "a", "a", "a"] }, outcome: "y", predictors: ["g"] }),
      "no_variance",
    );
    expect(e.terms).toEqual(["g"]);
    const f = expectModelError(
      () => fitRegression({ kind: "linear", data: { y: [1, 2, 3], x: [NaN, NaN, NaN] }, outcome: "y", predictors: ["x"] }),
      "too_few_rows",
    );
    expect(f.message).toMatch(/3 were left out/);
  });
  it("collinear_predictors names the terms", () => {
    const x1 = [1, 2, 3, 4, 5, 6, 7, 8];
    const x2 = [2, 1, 4, 3, 6, 5, 8, 9];
    const x3 = x1.map((v, i) => 2 * v - x2[i] + 3);
    const y = [1, 3, 2, 5, 4, 6, 8, 7];
    const e = expectModelError(
      () => fitRegression({ kind: "linear", data: { y, x1, x2, x3 }, outcome: "y", predictors: ["x1", "x2", "x3"] }),
      "collinear_predictors",
    );
    expect(e.terms.sort()).toEqual(["Intercept", "x1", "x2", "x3"]);
    const yb = [0, 1, 0, 1, 1, 0, 1, 0];
    expectModelError(
      () => fitRegression({ kind: "logistic", data: { y: yb, x1, x2, x3 }, outcome: "y", predictors: ["x1", "x2", "x3"] }),
      "collinear_predictors",
    );
  });
  it("too_few_rows, no_variance, invalid_input", () => {
    expectModelError(
      () => fitRegression({ kind: "linear", data: { y: [1, 2], x: [1, 3] }, outcome: "y", predictors: ["x"] }),
      "too_few_rows",
    );
    expectModelError(
      () => fitRegression({ kind: "linear", data: { y: [1, 2, 3, 4], x: [5, 5, 5, 5] }, outcome: "y", predictors: ["x"] }),
      "no_variance",
    );
    expectModelError(
      () => fitRegression({ kind: "linear", data: { y: [2, 2, 2, 2], x: [1, 2, 3, 5] }, outcome: "y", predictors: ["x"] }),
      "no_variance",
    );
    expectModelError(
      () => fitRegression({ kind: "logistic", data: { y: [0, 0, 0, 0], x: [1, 2, 3, 5] }, outcome: "y", predictors: ["x"] }),
      "no_variance",
    );
    expectModelError(
      () => fitRegression({ kind: "logistic", data: { y: [0, 2, 1, 0], x: [1, 2, 3, 5] }, outcome: "y", predictors: ["x"] }),
      "invalid_input",
    );
    expectModelError(
      () => fitRegression({ kind: "linear", data: { y: [0, 2, 1, 0] }, outcome: "y", predictors: ["nope"] }),
      "invalid_input",
    );
  });
  it("rows with missing values are excluded and counted", () => {
    const d = ucla();
    const gpa: (number | null)[] = [...d.gpa];
    gpa[0] = null;
    gpa[5] = NaN;
    const rank: (string | null)[] = [...d.rank];
    rank[7] = "";
    const r = fitRegression({
      kind: "logistic",
      data: { ...d, gpa: gpa as number[], rank },
      outcome: "admit",
      predictors: ["gre", "gpa", "rank"],
    });
    expect([r.nObs, r.excluded]).toEqual([397, 3]);
  });
});

describe("OLS with HC3 covariance", () => {
  it("matches statsmodels on Longley", () => {
    // Independent computation (Longley is ill-conditioned, so two QR codes agree to ~1e-9): statsmodels 0.13.5, smf.ols('y ~ x1+...+x6', longley.csv).fit(cov_type='HC3').bse, .fvalue
    const c = readCsv(`${DATA}/nist/longley.csv`);
    const data = Object.fromEntries(Object.entries(c).map(([k, v]) => [k, num(v)]));
    const r = fitRegression({ kind: "linear", data, outcome: "y", predictors: ["x1", "x2", "x3", "x4", "x5", "x6"], covariance: "HC3" });
    const se = [
      1.799477229537e6, 9.111938645586e1, 5.562398829749e-2, 8.221335008291e-1, 2.987892575682e-1, 3.249058208701e-1, 9.228078411854e2,
    ];
    r.coefficients.forEach((co, j) => expect(Math.abs(co.stdError! - se[j]) / se[j]).toBeLessThan(1e-8));
    expect(Math.abs((r.fit as LinearFit).fStatistic! - 227.5718446652812) / 227.5718446652812).toBeLessThan(1e-8);
    expect(r.covarianceType).toBe("HC3");
  });
});

describe("fitLogit refuses an outcome that is not 0/1, naming the first such row", () => {
  // The values are placed here, so the row named is known: data rows are 1-based.
  const n = 20;
  const p = 2;
  const X = new Float64Array(n * p);
  for (let i = 0; i < n; i++) X.set([1, i / n], i * p);
  it.each([
    [2, 7, "data row 7 has 2"],
    [0.5, 1, "data row 1 has 0.5"],
    [NaN, 20, "data row 20 has NaN"],
    [-1, 13, "data row 13 has -1"],
  ])("%s at data row %i", (value, row, message) => {
    const y = Float64Array.from({ length: n }, (_, i) => i % 2);
    y[row - 1] = value;
    if (row < 20) y[19] = 0.25; // a second bad value after the first one: the first is named
    expect(() => fitLogit(X, y, n, p, ["Intercept", "x"], ["Intercept", "x"], "renewed")).toThrow(message);
    expect(expectModelError(() => fitLogit(X, y, n, p, ["Intercept", "x"], ["Intercept", "x"], "renewed"), "invalid_input").terms).toEqual([
      "renewed",
    ]);
  });
});
