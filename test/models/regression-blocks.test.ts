import { describe, expect, it } from "vitest";
import { buildDesign, designBlock, designRowsAt, planDesign } from "../../models/regression/design";
import { ModelError } from "../../models/numeric/errors";
import { validateHoldout } from "../../models/regression/holdout";
import { fitRegression, type LinearFit, type LogisticFit, type RegressionInput } from "../../models/regression/fit";
import { fitRegressionBlocks } from "../../models/regression/fit-blocks";
import { makeRng } from "../../models/numeric/rng";
import { DATA, num, readCsv, UCLA_LOGIT, ucla } from "./published-data";

// fitRegressionBlocks (the design built a few rows at a time, fed to the block fitters) against published
// values and against the in-memory fitRegression, which test/models/regression-logit.test.ts and
// regression-nist.test.ts check independently against UCLA, statsmodels and NIST.

/** Every field equal: strings, booleans and null exactly, numbers to 1e-9 relative (1e-12 absolute near 0). */
function expectSame(a: unknown, b: unknown, path = "result", rel = 1e-9): void {
  if (typeof a === "number" && typeof b === "number") {
    const tol = rel * Math.max(Math.abs(a), Math.abs(b)) + 1e-12;
    expect(Math.abs(a - b), `${path}: ${a} vs ${b}`).toBeLessThanOrEqual(tol);
    return;
  }
  if (Array.isArray(a) || (a && typeof a === "object")) {
    expect(b !== null && typeof b === "object", `${path} is an object on both sides`).toBe(true);
    const ka = Object.keys(a as object).sort();
    expect(Object.keys(b as object).sort(), `${path} keys`).toEqual(ka);
    for (const k of ka) expectSame((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`, rel);
    return;
  }
  expect(b, path).toEqual(a);
}

function modelError(fn: () => unknown): ModelError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ModelError);
    return e as ModelError;
  }
  throw new Error("expected a ModelError");
}

describe("design by blocks", () => {
  it("designBlock and designRowsAt give buildDesign's rows (categorical, excluded rows)", () => {
    const data = { x: [1, NaN, 3, 4, 5], g: ["b", "a", null, "c", "a"], y: [1, 0, 1, NaN, 0] };
    const d = buildDesign(data, ["x", "g"], { required: ["y"] });
    const plan = planDesign(data, ["x", "g"], { required: ["y"] });
    // By hand: rows 0 and 4 are kept (row 1 x missing, row 2 g missing, row 3 y missing); levels a, b
    // (c only in an excluded row) → terms Intercept, x, g[T.b].
    expect(d.terms).toEqual(["Intercept", "x", "g[T.b]"]);
    expect(Array.from(d.X)).toEqual([1, 1, 1, 1, 5, 0]);
    expect([plan.n, plan.excluded, plan.terms]).toEqual([d.n, d.excluded, d.terms]);
    expect(Array.from(designBlock(plan, data, 1, 2))).toEqual([1, 5, 0]);
    expect(Array.from(designRowsAt(plan, data, [1, 0]))).toEqual([1, 5, 0, 1, 1, 1]);
  });
});

describe("logistic over blocks: UCLA admissions (admit ~ gre + gpa + C(rank))", () => {
  const input: RegressionInput = { kind: "logistic", data: ucla(), outcome: "admit", predictors: ["gre", "gpa", "rank"] };
  const r = fitRegressionBlocks(input, 37); // 400 rows in 11 blocks
  it("reproduces the published estimates and standard errors", () => {
    // UCLA IDRE "Logit regression | R data analysis examples" (glm output), also in PROVENANCE.md.
    expect(r.terms).toEqual(UCLA_LOGIT.terms);
    const est = UCLA_LOGIT.estimates;
    const se = UCLA_LOGIT.stdErrors;
    r.coefficients.forEach((c, j) => {
      expect(c.estimate).toBeCloseTo(est[j], 6);
      expect(c.stdError!).toBeCloseTo(se[j], 6);
    });
    // UCLA page: residual deviance 458.52, null deviance 499.98, AIC 470.52.
    const f = r.fit as LogisticFit;
    expect(f.deviance).toBeCloseTo(458.52, 2);
    expect(f.nullDeviance).toBeCloseTo(499.98, 2);
    expect(f.aic).toBeCloseTo(470.52, 2);
    // statsmodels Logit(...).get_margeff(at="overall") dydx, as in regression-logit.test.ts.
    expect(r.marginalEffects[0].dydx).toBeCloseTo(0.000440567895, 9);
    expect(r.marginalEffects[1].dydx).toBeCloseTo(0.156433976761, 9);
  });
  it("equals the in-memory fit on every field, for several block sizes", () => {
    const mem = fitRegression(input);
    for (const rows of [1, 37, 256, 1000]) expectSame(mem, fitRegressionBlocks(input, rows), `blockRows ${rows}`);
  });
  it("the 80/20 holdout with the training refit over blocks equals the in-memory one", () => {
    expectSame(validateHoldout(input), validateHoldout(input, undefined, { blockRows: 37 }));
  });
});

describe("linear over blocks", () => {
  it("NIST Longley: certified estimates and SDs; equals the in-memory fit (nonrobust and HC3)", () => {
    const c = readCsv(`${DATA}/nist/longley.csv`);
    const data = Object.fromEntries(Object.entries(c).map(([k, v]) => [k, num(v)]));
    const input: RegressionInput = { kind: "linear", data, outcome: "y", predictors: ["x1", "x2", "x3", "x4", "x5", "x6"] };
    const r = fitRegressionBlocks(input, 3); // 16 rows in 6 blocks
    // NIST StRD Longley certified values (Longley.dat): B0 and B6 estimates, B0's SD, and the residual SD
    // √92936.0061673238 (certified residual mean square).
    const f = r.fit as LinearFit;
    expect(Math.abs(r.coefficients[0].estimate - -3482258.63459582) / 3482258.63459582).toBeLessThan(1e-9);
    expect(Math.abs(r.coefficients[0].stdError! - 890420.383607373) / 890420.383607373).toBeLessThan(1e-9);
    expect(Math.abs(r.coefficients[6].estimate - 1829.15146461355) / 1829.15146461355).toBeLessThan(1e-9);
    expect(Math.abs(f.sigma - 304.854073561965) / 304.854073561965).toBeLessThan(1e-9);
    // Longley's scaled condition makes two QR orders agree to ~1e-9 (see regression-logit.test.ts): 1e-8 here.
    expectSame(fitRegression(input), r, "Longley nonrobust", 1e-8);
    const hc3 = fitRegressionBlocks({ ...input, covariance: "HC3" }, 5);
    // statsmodels 0.13.5 HC3 bse and F (Wald), as in regression-logit.test.ts "OLS with HC3 covariance".
    const se = [
      1.799477229537e6, 9.111938645586e1, 5.562398829749e-2, 8.221335008291e-1, 2.987892575682e-1, 3.249058208701e-1, 9.228078411854e2,
    ];
    hc3.coefficients.forEach((co, j) => expect(Math.abs(co.stdError! - se[j]) / se[j]).toBeLessThan(1e-8));
    expect(Math.abs((hc3.fit as LinearFit).fStatistic! - 227.5718446652812) / 227.5718446652812).toBeLessThan(1e-8);
    expectSame(fitRegression({ ...input, covariance: "HC3" }), hc3, "Longley HC3", 1e-8);
  });

  it("categorical predictor (gpa ~ gre + admit + C(rank)), HC3: equals the in-memory fit and a textbook computation", () => {
    const input: RegressionInput = {
      kind: "linear",
      data: ucla(),
      outcome: "gpa",
      predictors: ["gre", "admit", "rank"],
      covariance: "HC3",
    };
    const r = fitRegressionBlocks(input, 23);
    expectSame(fitRegression(input), r);
    expectSame(fitRegression({ ...input, covariance: "nonrobust" }), fitRegressionBlocks({ ...input, covariance: "nonrobust" }, 23));
    // Independent computation: β = (XᵀX)⁻¹Xᵀy by Gauss–Jordan on the normal equations (well conditioned here),
    // HC3 = (XᵀX)⁻¹ Xᵀ diag(eᵢ²/(1−hᵢ)²) X (XᵀX)⁻¹ with hᵢ = xᵢ(XᵀX)⁻¹xᵢᵀ (MacKinnon & White 1985).
    const d = ucla();
    const X = d.gre.map((g, i) => [1, g, d.admit[i], d.rank[i] === "2" ? 1 : 0, d.rank[i] === "3" ? 1 : 0, d.rank[i] === "4" ? 1 : 0]);
    const p = 6;
    const xtx = Array.from({ length: p }, (_, a) => Array.from({ length: p }, (_, b) => X.reduce((s, x) => s + x[a] * x[b], 0)));
    const inv = gaussJordanInverse(xtx);
    const xty = Array.from({ length: p }, (_, a) => X.reduce((s, x, i) => s + x[a] * d.gpa[i], 0));
    const beta = inv.map((row) => row.reduce((s, v, b) => s + v * xty[b], 0));
    const meat = Array.from({ length: p }, () => new Array(p).fill(0));
    X.forEach((x, i) => {
      const e = d.gpa[i] - x.reduce((s, v, j) => s + v * beta[j], 0);
      const ax = inv.map((row) => row.reduce((s, v, b) => s + v * x[b], 0));
      const h = x.reduce((s, v, j) => s + v * ax[j], 0);
      const om = (e / (1 - h)) ** 2;
      for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) meat[a][b] += om * x[a] * x[b];
    });
    const cov = inv.map((row) => inv.map((_, b) => row.reduce((s, v, k) => s + v * meat[k].reduce((t, m, l) => t + m * inv[l][b], 0), 0)));
    expect(r.terms).toEqual(["Intercept", "gre", "admit", "rank[T.2]", "rank[T.3]", "rank[T.4]"]);
    r.coefficients.forEach((c, j) => {
      expect(Math.abs(c.estimate - beta[j]) / Math.abs(beta[j])).toBeLessThan(1e-9);
      expect(Math.abs(c.stdError! - Math.sqrt(cov[j][j])) / Math.sqrt(cov[j][j])).toBeLessThan(1e-9);
    });
  });

  it("named errors as in memory: too_few_rows, no_variance, collinear_predictors, HC3 leverage 1", () => {
    const same = (input: RegressionInput) => {
      const a = modelError(() => fitRegression(input));
      const b = modelError(() => fitRegressionBlocks(input, 2));
      expect([b.code, b.message, b.terms]).toEqual([a.code, a.message, a.terms]);
      return b.code;
    };
    // By construction: 2 rows for 2 terms; a constant x; x2 = 2·x1; a category with one row under HC3.
    expect(same({ kind: "linear", data: { y: [1, 2], x: [1, 3] }, outcome: "y", predictors: ["x"] })).toBe("too_few_rows");
    expect(same({ kind: "linear", data: { y: [1, 2, 4, 3], x: [5, 5, 5, 5] }, outcome: "y", predictors: ["x"] })).toBe("no_variance");
    expect(
      same({
        kind: "linear",
        data: { y: [1, 2, 4, 3, 7], x1: [1, 2, 3, 4, 6], x2: [2, 4, 6, 8, 12] },
        outcome: "y",
        predictors: ["x1", "x2"],
      }),
    ).toBe("collinear_predictors");
    expect(
      same({
        kind: "linear",
        data: { y: [1, 2, 4, 3, 7], g: ["a", "a", "a", "a", "b"] },
        outcome: "y",
        predictors: ["g"],
        covariance: "HC3",
      }),
    ).toBe("too_few_rows");
    expect(
      same({
        kind: "logistic",
        data: { y: [1, 0, 1, 0, 1, 1], x1: [1, 2, 3, 4, 6, 1], x2: [2, 4, 6, 8, 12, 2] },
        outcome: "y",
        predictors: ["x1", "x2"],
      }),
    ).toBe("collinear_predictors");
    expect(same({ kind: "logistic", data: { y: [1, 0, 2, 0], x: [1, 2, 3, 4] }, outcome: "y", predictors: ["x"] })).toBe("invalid_input");
    // A constant x beside a varying z; a category whose rows are all 1 (separation named by its level).
    expect(
      same({
        kind: "logistic",
        data: { y: [1, 0, 1, 0, 1, 0], x: [2, 2, 2, 2, 2, 2], z: [1, 3, 2, 5, 4, 4] },
        outcome: "y",
        predictors: ["x", "z"],
      }),
    ).toBe("no_variance");
    const sep = { y: [1, 1, 1, 0, 1, 0, 0, 1], z: [1, 3, 2, 5, 4, 4, 2, 3], g: ["b", "b", "b", "a", "a", "a", "a", "a"] };
    expect(same({ kind: "logistic", data: sep, outcome: "y", predictors: ["z", "g"] })).toBe("perfect_separation");
  });
});

describe("separation over blocks: Telco satisfaction predicts churn (PROVENANCE.md known quirk)", () => {
  it("perfect_separation naming csat, with the in-memory message", () => {
    const c = readCsv(`${DATA}/telco/telco_cx.csv`);
    const data = {
      renewed: c.churn_value.map((v) => 1 - Number(v)),
      csat: num(c.satisfaction_score),
      segment: c.contract,
      tenure_months: num(c.tenure_months),
    };
    const input: RegressionInput = { kind: "logistic", data, outcome: "renewed", predictors: ["csat", "segment", "tenure_months"] };
    const e = modelError(() => fitRegressionBlocks(input, 1000));
    expect(e.code).toBe("perfect_separation");
    expect(e.terms).toContain("csat");
    expect(e.message).toBe(modelError(() => fitRegression(input)).message);
    // Without csat it fits (7,043 accounts, PROVENANCE.md), the same as in memory.
    const fit = { ...input, predictors: ["segment", "tenure_months"] };
    expectSame(fitRegression(fit), fitRegressionBlocks(fit, 1000));
  });
});

describe("large n: the subsample warm start and chord steps run the same way over blocks", () => {
  it("250,000 rows of a known logistic model: same result as in memory, truth inside the intervals", () => {
    const rng = makeRng(7);
    const n = 250_000;
    const x = new Float64Array(n),
      z = new Float64Array(n),
      y = new Float64Array(n);
    const g: string[] = [];
    for (let i = 0; i < n; i++) {
      x[i] = rng.normal();
      z[i] = 3 * rng.uniform();
      g.push(rng.uniform() < 0.3 ? "B" : "A");
      // Truth: logit P(y = 1) = −0.5 + 0.8 x − 0.3 z + 0.6·[g = B] (generated here).
      const eta = -0.5 + 0.8 * x[i] - 0.3 * z[i] + (g[i] === "B" ? 0.6 : 0);
      y[i] = rng.uniform() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
    }
    const input: RegressionInput = { kind: "logistic", data: { y, x, z, g }, outcome: "y", predictors: ["x", "z", "g"] };
    const mem = fitRegression(input);
    const blocks = fitRegressionBlocks(input, 65_536);
    expectSame(mem, blocks);
    const truth = [-0.5, 0.8, -0.3, 0.6];
    blocks.coefficients.forEach((c, j) => {
      expect(c.ci95![0]).toBeLessThan(truth[j] + 0.02); // 4 intervals: a 2% slack keeps a 95% miss from failing
      expect(c.ci95![1]).toBeGreaterThan(truth[j] - 0.02);
    });
  });
});

function gaussJordanInverse(m: number[][]): number[][] {
  const p = m.length;
  const a = m.map((row, i) => [...row, ...Array.from({ length: p }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < p; c++) {
    let piv = c;
    for (let r = c + 1; r < p; r++) if (Math.abs(a[r][c]) > Math.abs(a[piv][c])) piv = r;
    [a[c], a[piv]] = [a[piv], a[c]];
    const d = a[c][c];
    for (let k = 0; k < 2 * p; k++) a[c][k] /= d;
    for (let r = 0; r < p; r++) {
      if (r === c) continue;
      const f = a[r][c];
      for (let k = 0; k < 2 * p; k++) a[r][k] -= f * a[c][k];
    }
  }
  return a.map((row) => row.slice(p));
}
