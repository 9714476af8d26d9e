import { describe, expect, it } from "vitest";
import { expNeg } from "../../models/numeric/exp-neg";

// The reference is V8's Math.exp (fdlibm, < 1 ulp), an independent implementation, plus a few exact values.
describe("expNeg (e^−a for a ≥ 0)", () => {
  it("is within 3 ulp of Math.exp over [0, 745]", () => {
    let worst = 0;
    for (let i = 0; i <= 400_000; i++) {
      const a = i * 1.8625e-3 + ((i * 7919) % 1000) * 1e-9; // dense grid with irregular low digits
      const ref = Math.exp(-a);
      if (ref < 1e-300) continue; // subnormal range: relative error is meaningless there
      worst = Math.max(worst, Math.abs(expNeg(a) - ref) / ref);
    }
    expect(worst).toBeLessThan(3 * Number.EPSILON);
  });
  it("is exact at 0, 1 at the table points and underflows to 0", () => {
    expect(expNeg(0)).toBe(1);
    expect(Math.abs(expNeg(Math.LN2) - 0.5)).toBeLessThan(2 * Number.EPSILON * 0.5); // e^−ln2 = 1/2
    expect(Math.abs(expNeg(1) - 0.36787944117144233) / 0.36787944117144233).toBeLessThan(3 * Number.EPSILON); // 1/e (mpmath)
    expect(expNeg(800)).toBe(0);
    expect(expNeg(746)).toBe(0);
  });
});
