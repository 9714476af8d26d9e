import { describe, expect, it } from "vitest";
import { ModelError } from "../../models/numeric/errors";
import {
  cesFromMoments,
  cesSummary,
  combineMoments,
  csatFromCounts,
  csatSummary,
  moments,
  npsFromCounts,
  npsSummary,
  wilson,
} from "../../models/survey/metrics";
import { tQuantile } from "../../models/numeric/distributions";

const close = (a: number | null | undefined, b: number, tol = 1e-9) => {
  expect(a).not.toBeNull();
  expect(Math.abs((a as number) - b)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b)));
};

describe("NPS (worked examples 1-3)", () => {
  it("example 1: 200 promoters, 300 passives, 500 detractors → NPS −30", () => {
    // docs/methods.md#example-1.
    const s = npsFromCounts(200, 300, 500);
    close(s.score, -30);
    expect(s.n).toBe(1000);
    // Hand computation of the interval from the variance formula of docs/methods.md#nps:
    // p = 0.2, d = 0.5, var = (0.7 − 0.09)/1000 = 0.00061, z = Φ⁻¹(0.975) = 1.959963984540054 (scipy norm.ppf).
    const half = 1.959963984540054 * 100 * Math.sqrt(0.00061);
    close(s.ci95![0], -30 - half);
    close(s.ci95![1], -30 + half);
    expect(half).toBeCloseTo(4.8408, 3); // 1.96 × 2.4698 ≈ 4.84 by hand
  });
  it("a tiny sample's Wald interval is clipped to the scale, −100..100 (as CSAT's to 0..100)", () => {
    // 3 promoters, 1 detractor: NPS 50, p = 0.75, d = 0.25, var = (1 − 0.25)/4 = 0.1875,
    // half = 1.959963984540054 · 100 · √0.1875 = 84.8689... by hand, so the upper end 134.87 would pass 100.
    const half = 1.959963984540054 * 100 * Math.sqrt(0.1875);
    expect(half).toBeCloseTo(84.8689, 3);
    const s = npsFromCounts(3, 0, 1);
    close(s.score, 50);
    close(s.ci95![0], 50 - half);
    expect(s.ci95![1]).toBe(100);
    // The mirror image: 1 promoter, 3 detractors → NPS −50, lower end clipped to −100.
    const m = npsFromCounts(1, 0, 3);
    expect(m.ci95![0]).toBe(-100);
    close(m.ci95![1], -50 + half);
  });
  it("example 2: 65% promoters, 12% detractors → NPS 53", () => {
    // docs/methods.md#example-2 (any n; 100 responses here).
    close(npsFromCounts(65, 23, 12).score, 53);
    close(npsFromCounts(650, 230, 120).score, 53);
  });
  it("example 3: 40% promoters, 30% detractors → NPS 10", () => {
    // docs/methods.md#example-3.
    close(npsFromCounts(40, 30, 30).score, 10);
  });
  it("classifies raw 0-10 answers (9-10 promoter, 7-8 passive, 0-6 detractor) and skips NaN", () => {
    // Hand count: promoters {10, 9}, passives {8, 7}, detractors {6, 0, 3}, NaN skipped → (2 − 3)/7.
    const s = npsSummary([10, 9, 8, 7, 6, 0, 3, NaN]);
    expect([s.promoters, s.passives, s.detractors, s.n]).toEqual([2, 2, 3, 7]);
    close(s.score, (100 * (2 - 3)) / 7);
    expect(npsSummary(Float64Array.from([1, 2, 3])).score).toBe(-100);
  });
  it("gives null score and interval, never NaN, for no answers", () => {
    expect(npsSummary([])).toEqual({ score: null, promoters: 0, passives: 0, detractors: 0, n: 0, ci95: null });
    expect(npsSummary([NaN, NaN]).score).toBeNull();
  });
  it("rejects answers outside 0-10 with a named error", () => {
    expect(() => npsSummary([11])).toThrowError(ModelError);
    expect(() => npsSummary([7.5])).toThrowError(/whole numbers 0-10/);
    expect(() => npsFromCounts(-1, 0, 0)).toThrowError(ModelError);
  });
});

describe("CSAT with the Wilson interval", () => {
  it("matches statsmodels proportion_confint(8, 10, method='wilson')", () => {
    // statsmodels 0.13.5: proportion_confint(8, 10, alpha=0.05, method="wilson")
    //   = (0.49016247153664183, 0.9433178485456247)
    const s = csatSummary([5, 5, 4, 4, 5, 4, 5, 4, 2, 3]);
    close(s.score, 80);
    close(s.mean, 41 / 10);
    close(s.ci95![0], 49.016247153664183);
    close(s.ci95![1], 94.33178485456247);
  });
  it("uses the top two boxes of a 10-point scale by default, or positiveFrom", () => {
    // Hand count: answers ≥ 9 are 9, 10, 10 → 3 of 7; statsmodels wilson(3, 7) = (0.15821985525146964, 0.7495416354723428).
    const s = csatSummary([1, 9, 10, 10, 8, 5, 7], { scale: 10 });
    close(s.score, (100 * 3) / 7);
    close(s.ci95![0], 15.821985525146964);
    close(s.ci95![1], 74.95416354723428);
    // positiveFrom 8: 9, 10, 10, 8 → 4 of 7.
    close(csatSummary([1, 9, 10, 10, 8, 5, 7], { scale: 10, positiveFrom: 8 }).score, (100 * 4) / 7);
  });
  it("computes the Wilson interval from its textbook formula (independent hand computation)", () => {
    // Wilson (1927): (p + z²/2n ± z√(p(1−p)/n + z²/4n²)) / (1 + z²/n), with k = 37, n = 50.
    const z = 1.959963984540054,
      n = 50,
      p = 37 / 50;
    const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
    const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / (1 + (z * z) / n);
    const [lo, hi] = wilson(37, 50);
    close(lo, centre - half);
    close(hi, centre + half);
    // statsmodels wilson(0, 5) = (0.0, 0.43448246478317487): the bound is clipped at 0.
    close(csatFromCounts(0, 5, 5).ci95![1], 43.448246478317487);
    expect(csatFromCounts(0, 5, 5).ci95![0]).toBe(0);
  });
  it("gives nulls for no answers and rejects answers off the scale", () => {
    expect(csatSummary([NaN])).toEqual({ score: null, mean: null, n: 0, ci95: null });
    expect(() => csatSummary([0])).toThrowError(ModelError);
    expect(() => csatSummary([6])).toThrowError(/1-5/);
  });
});

describe("CES with the Student-t interval", () => {
  it("matches a 40-digit mpmath computation of the t interval for [2, 3, 3, 5, 7, 1, 4]", () => {
    // mpmath (dps = 40): t = root of 1 − I_{6/(6+t²)}(3, 1/2)/2 = 0.975 → 2.44691185114497;
    // mean 25/7 ± t·s/√7 = (1.732780107797091, 5.410077035060052).
    // (scipy 1.10 stats.t.interval gives 1.7327801095653903, off by 1e-9: its t.ppf is only ~1e-11 accurate.)
    const s = cesSummary([2, 3, 3, 5, 7, 1, 4, NaN]);
    expect(s.n).toBe(7);
    close(s.mean, 25 / 7);
    close(s.ci95![0], 1.732780107797091);
    close(s.ci95![1], 5.410077035060052);
  });
  it("has t quantiles equal to published tables", () => {
    // mpmath (dps = 40) roots of the t CDF written with the regularized incomplete beta = 0.975:
    // df 1 → 12.706204736174705 (= tan(0.475π)), 2 → 4.302652729749464 (closed form for df 2: t = (2p − 1)·√(2 / (4p(1 − p)))),
    // 4 → 2.7764451051977943, 9 → 2.2621571627982055, 29 → 2.0452296421327043, 1000 → 1.9623390808264085.
    close(tQuantile(0.975, 1), Math.tan(0.475 * Math.PI), 1e-12);
    close(tQuantile(0.975, 1), 12.706204736174705, 1e-12);
    close(tQuantile(0.975, 2), 4.302652729749464, 1e-12);
    close(tQuantile(0.975, 2), (2 * 0.975 - 1) * Math.sqrt(2 / (4 * 0.975 * 0.025)), 1e-12);
    close(tQuantile(0.975, 4), 2.7764451051977943, 1e-12);
    close(tQuantile(0.975, 9), 2.2621571627982055, 1e-12);
    close(tQuantile(0.975, 29), 2.0452296421327043, 1e-12);
    close(tQuantile(0.975, 1000), 1.9623390808264085, 1e-12);
    close(tQuantile(0.025, 4), -2.7764451051977943, 1e-12);
  });
  it("combines per-block moments into the same summary as one pass", () => {
    // Chan et al. parallel update vs the direct two-pass moments of the concatenation.
    const a = [1, 2, 2, 7],
      b = [3, 3, 6, 5, 4];
    const m = combineMoments(moments(a), moments(b));
    const direct = moments([...a, ...b]);
    close(m.mean, direct.mean);
    close(m.m2, direct.m2);
    const fromBlocks = cesFromMoments(m.n, m.mean, m.m2);
    const oneBlock = cesSummary([...a, ...b]);
    close(fromBlocks.ci95![0], oneBlock.ci95![0], 1e-12);
    close(fromBlocks.ci95![1], oneBlock.ci95![1], 1e-12);
  });
  it("gives null interval for fewer than two answers, nulls for none", () => {
    expect(cesSummary([4])).toEqual({ mean: 4, n: 1, ci95: null });
    expect(cesSummary([])).toEqual({ mean: null, n: 0, ci95: null });
  });
});
