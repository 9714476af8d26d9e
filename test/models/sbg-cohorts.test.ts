import { describe, expect, it } from "vitest";
import { lnGamma } from "../../models/numeric/distributions";
import { fitSbgCohorts, survivorsToAccounts } from "../../models/clv/sbg-cohorts";

describe("fitSbgCohorts", () => {
  it("one cohort reproduces Fader & Hardie (2007) 'regular': alpha 0.704, beta 1.182", () => {
    // Survivors of the "regular" cohort, years 0-7 (Fader & Hardie 2007, Table 1).
    const r = fitSbgCohorts(survivorsToAccounts([1000, 631, 468, 382, 326, 289, 262, 241]));
    expect(r.alpha).toBeCloseTo(0.704, 3);
    expect(r.beta).toBeCloseTo(1.182, 3);
  });
  it("one cohort reproduces Fader & Hardie (2007) 'high end': alpha 0.668, beta 3.806", () => {
    const r = fitSbgCohorts(survivorsToAccounts([1000, 869, 743, 653, 593, 551, 517, 491]));
    expect(r.alpha).toBeCloseTo(0.668, 3);
    expect(r.beta).toBeCloseTo(3.806, 3);
  });
  it("censoring: logLik equals the Beta-function likelihood written here, and is maximal there", () => {
    // Three cohorts joined 1, 2 and 4 periods ago (active accounts censored at their own tenure).
    const periods: number[] = [],
      churned: number[] = [];
    const add = (t: number, c: number, k: number) => {
      for (let i = 0; i < k; i++) {
        periods.push(t);
        churned.push(c);
      }
    };
    add(1, 1, 30);
    add(1, 0, 70); // cohort A: 1 period observed
    add(1, 1, 25);
    add(2, 1, 12);
    add(2, 0, 63); // cohort B: 2 periods
    add(1, 1, 28);
    add(2, 1, 14);
    add(3, 1, 9);
    add(4, 1, 6);
    add(4, 0, 43); // cohort C: 4 periods
    const r = fitSbgCohorts({ periods, churned });
    // Fader & Hardie (2007) eqs. 3-4 with B(a, b) = Γ(a)Γ(b)/Γ(a+b): P(T=t) = B(α+1, β+t−1)/B(α,β), S(t) = B(α, β+t)/B(α,β).
    const lnB = (a: number, b: number) => lnGamma(a) + lnGamma(b) - lnGamma(a + b);
    const ll = (a: number, b: number) =>
      periods.reduce((s, t, i) => s + (churned[i] ? lnB(a + 1, b + t - 1) : lnB(a, b + t)) - lnB(a, b), 0);
    expect(r.logLik).toBeCloseTo(ll(r.alpha, r.beta), 6);
    for (const [da, db] of [
      [1.01, 1],
      [0.99, 1],
      [1, 1.01],
      [1, 0.99],
    ]) {
      expect(ll(r.alpha * da, r.beta * db)).toBeLessThan(r.logLik);
    }
  });
  it("named errors", () => {
    expect(() => fitSbgCohorts({ periods: [1, 2], churned: [0, 0] })).toThrow(/No account has churned/);
    expect(() => fitSbgCohorts({ periods: [0], churned: [1] })).toThrow(/whole number/);
  });
});

describe("fitSbgCohorts without heterogeneity", () => {
  it("constant churn falls back to the geometric model: θ = churns / periods at risk (counted here)", () => {
    // Every account churns with probability exactly 0.2 each period (expected counts, one cohort of 10,000):
    // survivors 10000, 8000, 6400, 5120, 4096 → no heterogeneity, the sBG MLE runs off to α, β → ∞.
    const r = fitSbgCohorts(survivorsToAccounts([10000, 8000, 6400, 5120, 4096]));
    // Periods at risk: 10000 + 8000 + 6400 + 5120 = 29520; churns 5904 → θ = 0.2 exactly.
    expect(r.model).toBe("geometric");
    expect(r.alpha / (r.alpha + r.beta)).toBeCloseTo(5904 / 29520, 12);
    expect(r.warnings[0]).toMatch(/no heterogeneity/);
  });
});
