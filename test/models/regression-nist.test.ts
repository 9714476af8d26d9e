import { describe, expect, it } from "vitest";
import { ModelError } from "../../models/numeric/errors";
import { fitRegression, type LinearFit } from "../../models/regression/fit";
import { lre, readNist } from "./nist";

// Certified values: NIST StRD linear regression datasets (/work/shared/datasets/nist/*.dat), parsed
// from each file's "Certified Values" block. Accuracy is judged by the log relative error (LRE, the
// number of correct significant digits), as in NIST's and McCullough's (1998) assessments.

function fitNist(name: string) {
  const c = readNist(name);
  const data: Record<string, number[]> = { y: c.y };
  const predictors: string[] = [];
  const noIntercept = name.startsWith("NoInt");
  if (c.x.length > 1)
    c.x.forEach((col, j) => {
      data[`x${j + 1}`] = col;
      predictors.push(`x${j + 1}`);
    });
  else {
    const degree = noIntercept ? 1 : c.estimates.length - 1;
    for (let k = 1; k <= degree; k++) {
      data[`x^${k}`] = c.x[0].map((v) => v ** k);
      predictors.push(`x^${k}`);
    }
  }
  return { c, fit: () => fitRegression({ kind: "linear", data, outcome: "y", predictors, intercept: !noIntercept }) };
}

// Minimum LRE required: [estimates, standard deviations, residual SD, R²].
const cases: [string, number, number, number, number][] = [
  ["Norris", 11, 11, 11, 11],
  ["Pontius", 12, 12, 12, 12],
  ["NoInt1", 13, 13, 13, 13],
  ["NoInt2", 13, 13, 13, 13],
  ["Longley", 10, 10, 10, 12],
  // Exact fits (certified SDs 0): LRE of an SD is −log10 |computed| there, i.e. residual noise of ~1e-9
  // on y values up to 3.6e6 (relative 1e-15).
  ["Wampler1", 9, 8.5, 8.5, 13],
  ["Wampler2", 12, 12, 12, 13],
  ["Wampler3", 9, 12, 12, 13],
  ["Wampler4", 7, 12, 12, 13],
];

describe("OLS reproduces NIST StRD certified values", () => {
  for (const [name, lb, ls, lsd, lr2] of cases) {
    it(name, () => {
      const { c, fit } = fitNist(name);
      const r = fit();
      const f = r.fit as LinearFit;
      expect(r.coefficients.length).toBe(c.estimates.length);
      r.coefficients.forEach((co, j) => {
        expect(lre(co.estimate, c.estimates[j]), `${co.term} estimate`).toBeGreaterThanOrEqual(lb);
        expect(lre(co.stdError ?? 0, c.stdDevs[j]), `${co.term} SD`).toBeGreaterThanOrEqual(ls);
      });
      expect(lre(f.sigma, c.residualSd)).toBeGreaterThanOrEqual(lsd);
      expect(lre(f.rSquared, c.rSquared)).toBeGreaterThanOrEqual(lr2);
      if (Number.isFinite(c.fStatistic)) expect(lre(f.fStatistic!, c.fStatistic)).toBeGreaterThanOrEqual(9);
      // JSON-safe: no NaN / Infinity anywhere in the result.
      expect(JSON.stringify(r)).not.toMatch(/NaN|Infinity/);
      expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    });
  }

  // Filip and Wampler5 are the hardest: either an answer with the digits double precision allows
  // (and a warning about conditioning when it is poor), or a named collinear_predictors error.
  for (const [name, minDigits] of [
    ["Filip", 6],
    ["Wampler5", 5],
  ] as const) {
    it(`${name}: correct to ${minDigits}+ digits or a clear collinearity error`, () => {
      const { c, fit } = fitNist(name);
      let r;
      try {
        r = fit();
      } catch (e) {
        expect(e).toBeInstanceOf(ModelError);
        expect((e as ModelError).code).toBe("collinear_predictors");
        return;
      }
      r.coefficients.forEach((co, j) => expect(lre(co.estimate, c.estimates[j]), co.term).toBeGreaterThanOrEqual(minDigits));
      if (name === "Filip") expect(r.warnings.join(" ")).toMatch(/nearly collinear/);
    });
  }
});

describe("OLS statistics", () => {
  it("Longley summary statistics match statsmodels' published Longley example", () => {
    // statsmodels docs, "OLS" example on the Longley data (statsmodels.datasets.longley):
    // R-squared 0.995, Adj. R-squared 0.992, F-statistic 330.3, Log-Likelihood -109.62, AIC 233.2, BIC 238.6.
    const r = fitNist("Longley").fit();
    const f = r.fit as LinearFit;
    expect(f.adjRSquared).toBeCloseTo(0.992, 3);
    expect(f.logLik!).toBeCloseTo(-109.62, 2);
    expect(f.aic!).toBeCloseTo(233.2, 1);
    expect(f.bic!).toBeCloseTo(238.6, 1);
    expect(f.dfResid).toBe(9);
  });
});
