import { describe, expect, it } from "vitest";
import { bgnbdExpectedPurchasesNew, bgnbdLogLik, bgnbdProbabilityOfN } from "../../models/clv/bgnbd-predict";
import { bgnbdExpectedPurchases, fitBgnbd } from "../../models/clv/bgnbd";
import { readCsv, DATA, num } from "./published-data";

/** The parameters lifetimes' test suite uses for its BTYD comparison (rounded FHL 2005 CDNOW fit). */
const BTYD = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

describe("BG/NBD predictions at given parameters", () => {
  it("P(X(t) = n) equals BTYD's bgnbd.pmf values quoted in lifetimes' tests", () => {
    // lifetimes tests/test_estimation.py, test_probability_of_n_purchases_up_to_time_same_as_R_BTYD
    // (values from R BTYD's bgnbd.pmf): P(X(2) = 10) = 1.07869e-07, P(X(39) = 0) = 0.5737864, and the PMF at t = 30.
    expect(bgnbdProbabilityOfN(BTYD, 2, 10)).toBeCloseTo(1.07869e-7, 11);
    expect(bgnbdProbabilityOfN(BTYD, 39, 0)).toBeCloseTo(0.5737864, 7);
    const pmf = [
      0.0019995214, 0.0015170236, 0.001163315, 0.0009003148, 0.0007023638, 0.0005517902, 0.0004361913, 0.0003467171, 0.0002769613,
      0.000222226,
    ];
    pmf.forEach((v, i) => expect(bgnbdProbabilityOfN(BTYD, 30, 11 + i)).toBeCloseTo(v, 9));
  });
  it("the PMF sums to 1 over n", () => {
    let s = 0;
    for (let n = 0; n < 400; n++) s += bgnbdProbabilityOfN(BTYD, 39, n);
    expect(s).toBeCloseTo(1, 4);
  });
  it("expected purchases of a new customer equal Hardie's BG/NBD spreadsheet (quoted in lifetimes' tests)", () => {
    // lifetimes test_expectation_returns_same_value_Hardie_excel_sheet: E[X(t)] at the fitted CDNOW parameters (the sheet
    // shows 4 decimals from rounded parameters: agreement to 1e-3).
    const c = readCsv(`${DATA}/cdnow/cdnow_customers_summary.csv`);
    const fit = fitBgnbd({ frequency: num(c.frequency), recency: num(c.recency), T: num(c.T) });
    const times = [0.1429, 1.0, 3.0, 31.8571, 32.0, 78.0];
    const expected = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576];
    times.forEach((t, i) => expect(bgnbdExpectedPurchasesNew(fit, t)).toBeCloseTo(expected[i], 3));
    // Hardie's conditional expectation for x = 2, tₓ = 30.43, T = 38.86 over 39 weeks: 1.226.
    expect(bgnbdExpectedPurchases(fit, 2, 30.43, 38.86, 39)).toBeCloseTo(1.226, 3);
  });
  it("the per-customer log-likelihoods sum to the published CDNOW LL −9582.4", () => {
    const c = readCsv(`${DATA}/cdnow/cdnow_customers_summary.csv`);
    const [x, tx, T] = [num(c.frequency), num(c.recency), num(c.T)];
    const par = { r: 0.242593, alpha: 4.413603, a: 0.792924, b: 2.425842 };
    let ll = 0;
    for (let i = 0; i < x.length; i++) ll += bgnbdLogLik(par, x[i], tx[i], T[i]);
    // FHL 2005: LL = −9582.4 at the MLE.
    expect(ll).toBeCloseTo(-9582.43, 1);
  });
});
