import { describe, expect, it } from "vitest";
import { renewalClv, renewalYears } from "../../models/clv/renewal-clv";

describe("renewal-based CLV: margin · ARR · Σ_t r_g^(t−1) / (1 + d)^(t−1)", () => {
  it("discounted expected years of revenue (hand-computed)", () => {
    // r = 0.8, H = 3, d = 0: 1 + 0.8 + 0.64 = 2.44. d = 0.1: 1 + 0.8/1.1 + 0.64/1.21 = 2.256198347...
    expect(renewalYears(0.8, 3, 0)).toBeCloseTo(2.44, 12);
    expect(renewalYears(0.8, 3, 0.1)).toBeCloseTo(1 + 0.8 / 1.1 + 0.64 / 1.21, 12);
    expect(renewalYears(0, 5, 0.1)).toBe(1); // year 1 is already contracted
  });
  it("each account carried by its NPS group's observed renewal rate (hand-computed)", () => {
    // Promoters (mean ≥ 9): A renewed, B did not → r = 0.5. Detractor C renewed → r = 1. D has no score → no CLV.
    // Margin 0.5, H = 2, d = 0: A = 0.5 · 100 · 1.5 = 75, B = 0.5 · 300 · 1.5 = 225, C = 0.5 · 200 · 2 = 200.
    const clv = renewalClv({
      by: "nps",
      satisfaction: Float64Array.of(9.5, 10, 3, NaN),
      arr: Float64Array.of(100, 300, 200, 50),
      renewed: Float64Array.of(1, 0, 1, 1),
      horizonYears: 2,
      annualDiscountRate: 0,
      grossMargin: 0.5,
    });
    expect(Array.from(clv.subarray(0, 3))).toEqual([75, 225, 200]);
    expect(clv[3]).toBeNaN();
  });
});
