import { describe, expect, it } from "vitest";
import { covarianceFactor, drawMvn, makeRng, quantileSorted } from "../../models/numeric/rng";

describe("models/rng", () => {
  it("same seed, same stream; different seed, different stream", () => {
    const a = makeRng(42),
      b = makeRng(42),
      c = makeRng(43);
    const sa = [a.uniform(), a.uniform(), a.normal()];
    expect([b.uniform(), b.uniform(), b.normal()]).toEqual(sa);
    expect(c.uniform()).not.toBe(sa[0]);
  });
  it("normal draws have mean 0 and variance 1 (within 4 standard errors for 200k draws)", () => {
    const r = makeRng(1);
    const n = 200_000;
    let s = 0,
      s2 = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      s += z;
      s2 += z * z;
    }
    const mean = s / n,
      v = s2 / n - mean * mean;
    expect(Math.abs(mean)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(v - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
  });
  it("Cholesky factor of [[4,2],[2,2]] is [[2,0],[1,1]] (hand-computed)", () => {
    expect(
      Array.from(
        covarianceFactor([
          [4, 2],
          [2, 2],
        ]),
      ),
    ).toEqual([2, 0, 1, 1]);
  });
  it("a singular covariance still gives L·Lᵀ = Σ (eigen square root)", () => {
    const S = [
      [1, 1],
      [1, 1],
    ];
    const L = covarianceFactor(S);
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 2; j++) {
        expect(L[i * 2] * L[j * 2] + L[i * 2 + 1] * L[j * 2 + 1]).toBeCloseTo(S[i][j], 10);
      }
  });
  it("multivariate normal draws reproduce the covariance", () => {
    const S = [
      [2, 0.6],
      [0.6, 0.5],
    ];
    const L = covarianceFactor(S);
    const r = makeRng(5),
      z = new Float64Array(2),
      out = new Float64Array(2);
    const n = 100_000;
    let sxy = 0,
      sxx = 0;
    for (let i = 0; i < n; i++) {
      drawMvn(r, [0, 0], L, z, out);
      sxy += out[0] * out[1];
      sxx += out[0] ** 2;
    }
    expect(sxx / n).toBeCloseTo(2, 1);
    expect(sxy / n).toBeCloseTo(0.6, 1);
  });
  it("quantiles by linear interpolation (numpy default: quantile([1,2,3,4], 0.5) = 2.5)", () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4], 0.025)).toBeCloseTo(1.075, 12); // numpy.quantile([1,2,3,4], 0.025)
  });
});
