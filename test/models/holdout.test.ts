import { describe, expect, it } from "vitest";
import { auc, calibrationTable, holdoutMask, holdoutRSquared, hosmerLemeshow } from "../../models/regression/holdout";

describe("models/holdout", () => {
  it("AUC by Mann–Whitney on a hand-computed example", () => {
    // Positives 0.35, 0.8 vs negatives 0.1, 0.4: pairs won 3 of 4 -> 0.75 (by hand).
    expect(auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
  });
  it("AUC counts ties half", () => {
    // Positives 0.5, 0.9 vs negatives 0.5, 0.2: (0.5,0.5) tie = 1/2, others won -> 3.5 / 4 = 0.875 (by hand).
    expect(auc([0.5, 0.5, 0.2, 0.9], [1, 0, 0, 1])).toBe(0.875);
    // All scores equal: every pair a tie -> 0.5.
    expect(auc([1, 1, 1], [1, 0, 1])).toBe(0.5);
  });
  it("AUC is null with one class only", () => {
    expect(auc([0.2, 0.3], [1, 1])).toBeNull();
  });
  it("seeded 80/20 split: 20% held out, reproducible", () => {
    const a = holdoutMask(1000, 9);
    expect(a.reduce((s, v) => s + v, 0)).toBe(200);
    expect(Array.from(holdoutMask(1000, 9))).toEqual(Array.from(a));
    expect(Array.from(holdoutMask(1000, 10))).not.toEqual(Array.from(a));
  });
  it("calibration by decile: 10 bins of 10, observed rates counted by hand", () => {
    // p_i = i/100 for i = 0..99; y = 1 for i >= 50: bins 1-5 observe 0, bins 6-10 observe 1.
    const p = Array.from({ length: 100 }, (_, i) => i / 100);
    const y = p.map((v) => (v >= 0.5 ? 1 : 0));
    const t = calibrationTable(p, y);
    expect(t).toHaveLength(10);
    expect(t.map((b) => b.n)).toEqual(Array(10).fill(10));
    expect(t.map((b) => b.observedRate)).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    // bin 1 holds 0.00..0.09: mean 0.045.
    expect(t[0].meanPredicted).toBeCloseTo(0.045, 12);
  });
  it("holdout R² as scikit-learn's r2_score", () => {
    // r2_score([1,2,3],[1,2,4]) = 1 - 1/2 = 0.5 (by hand: SSres 1, SStot 2).
    expect(holdoutRSquared([1, 2, 3], [1, 2, 4])).toBe(0.5);
    expect(holdoutRSquared([2, 2], [1, 3])).toBeNull();
  });
  it("Hosmer–Lemeshow on two bins, by hand", () => {
    // Bin 1: n 10, E = 2, O = 4 → (4−2)²/(2·0.8) = 2.5; bin 2: n 10, E = 8, O = 7 → 1/(8·0.2) = 0.625. C = 3.125,
    // df = 2 (validation sample), p = exp(−C/2) for χ² with 2 df = 0.2096...
    const r = hosmerLemeshow([
      { n: 10, meanPredicted: 0.2, observedRate: 0.4 },
      { n: 10, meanPredicted: 0.8, observedRate: 0.7 },
    ])!;
    expect(r.statistic).toBeCloseTo(3.125, 12);
    expect(r.df).toBe(2);
    expect(r.pValue).toBeCloseTo(Math.exp(-3.125 / 2), 10);
  });
});
