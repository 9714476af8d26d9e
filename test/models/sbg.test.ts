import { describe, expect, it } from "vitest";
import { ModelError } from "../../models/numeric/errors";
import { fitSbg, sbgDerl, sbgProjection } from "../../models/clv/sbg";

// Survivor counts of 1,000 customers at the start of years 0-12 (/work/shared/datasets/sbg, from
// Fader & Hardie 2007, Table 1; years 8-12 are the paper's holdout).
const regular = [1000, 631, 468, 382, 326, 289, 262, 241];
const regularHoldout = [223, 207, 194, 183, 173];
const highEnd = [1000, 869, 743, 653, 593, 551, 517, 491];
const highEndHoldout = [468, 445, 427, 409, 394];

describe("sBG (Fader & Hardie 2007)", () => {
  it("regular cohort: α 0.704, β 1.182 as published", () => {
    const r = fitSbg(regular, { horizon: 12 });
    expect(r.alpha).toBeCloseTo(0.704, 3);
    expect(r.beta).toBeCloseTo(1.182, 3);
    // LL -1680.27 (PROVENANCE.md re-fit); SEs 0.06560 / 0.15248 from an independent scipy Nelder-Mead fit
    // with a finite-difference Hessian of the betaln log-likelihood.
    expect(r.logLik).toBeCloseTo(-1680.2652, 3);
    expect(r.stdErrors.alpha!).toBeCloseTo(0.0656, 4);
    expect(r.stdErrors.beta!).toBeCloseTo(0.1525, 4);
    expect(r.converged).toBe(true);
    expect(r.survival).toHaveLength(13);
    expect(r.retention).toHaveLength(12);
  });
  it("high-end cohort: α 0.668, β 3.806 as published", () => {
    const r = fitSbg(highEnd, { horizon: 12 });
    expect(r.alpha).toBeCloseTo(0.668, 3);
    expect(r.beta).toBeCloseTo(3.806, 3);
    expect(r.logLik).toBeCloseTo(-1611.1581, 3);
    expect(r.stdErrors.alpha!).toBeCloseTo(0.1037, 4);
    expect(r.stdErrors.beta!).toBeCloseTo(0.7855, 3);
  });
  it("projections for years 8-12 are close to the holdout, as in the paper's Figure 5", () => {
    // The paper's own sBG projections miss the high-end holdout by up to ~4% by year 12 (model 378 vs
    // actual 394 per PROVENANCE.md); we require every year within 5% and the regular cohort within 3%.
    const reg = fitSbg(regular, { horizon: 12 }).expectedSurvivors.slice(8);
    reg.forEach((v, i) => expect(Math.abs(v - regularHoldout[i]) / regularHoldout[i]).toBeLessThan(0.03));
    expect(reg[4]).toBeCloseTo(170, -1);
    const hi = fitSbg(highEnd, { horizon: 12 }).expectedSurvivors.slice(8);
    hi.forEach((v, i) => expect(Math.abs(v - highEndHoldout[i]) / highEndHoldout[i]).toBeLessThan(0.05));
    expect(Math.round(hi[4])).toBeGreaterThanOrEqual(375);
    expect(Math.round(hi[4])).toBeLessThanOrEqual(381);
  });
  it("DERL matches the hypergeometric closed form", () => {
    // Independent computation: scipy B(α, β+n)/B(α, β+n−1) · hyp2f1(1, β+n; α+β+n; 1/1.1) (Fader & Hardie 2010, eq. 6).
    expect(sbgDerl(0.704, 1.182, 0.1, 0)).toBeCloseTo(2.964662146132029, 12);
    expect(sbgDerl(0.704, 1.182, 0.1, 4)).toBeCloseTo(5.894422859844158, 12);
    expect(sbgDerl(0.668, 3.806, 0.1, 0)).toBeCloseTo(5.414856048374033, 12);
    expect(sbgDerl(0.668, 3.806, 0.1, 4)).toBeCloseTo(6.897057397746086, 12);
    expect(fitSbg(regular, { discountRatePerPeriod: 0.1 }).derl).toBeGreaterThan(2.9);
  });
  it("projection recursion: α = β = 1 gives S(t) = 1/(t+1)", () => {
    // Beta(1,1) churn probabilities: S(t) = B(1, 1+t)/B(1, 1) = 1/(t+1).
    expect(sbgProjection(1, 1, 3).survival).toEqual([1, 1 / 2, 1 / 3, 1 / 4]);
  });
  it("rejects bad survivor lists with named errors", () => {
    const code = (s: number[]) => {
      try {
        fitSbg(s);
      } catch (e) {
        return (e as ModelError).code;
      }
      return "none";
    };
    expect(code([1000, 900])).toBe("too_few_rows");
    expect(code([1000, 900, 950])).toBe("invalid_input");
    expect(code([1000, 1000, 1000])).toBe("no_variance");
    expect(code([1000, -1, 0])).toBe("invalid_input");
  });
});
