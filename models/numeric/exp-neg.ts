/**
 * e^(−a) for a ≥ 0, about three times faster than `Math.exp` in V8 (which calls out to fdlibm) and within
 * 3 ulp of it: the logistic passes call it once per row per iteration, where `Math.exp` was a third of the
 * time. Tang's table method (ACM TOMS 15(2), 1989): a = (k/64)·ln 2 − r with |r| ≤ ln 2 / 128, so
 * e^(−a) = 2^(−⌊k/64⌋) · 2^(−(k mod 64)/64) · e^r, the last from its degree-6 Taylor polynomial
 * (truncation error below r⁷/7! < 2e-18). ln 2 / 64 is split in a high part with trailing zero bits
 * and a low part (Cody–Waite), so k·ln2/64 − a is exact enough for any a below 745.
 */

const K = 64 / Math.LN2;
/** ln 2 = LN2_HI + LN2_LO, LN2_HI with 32 trailing zero bits (fdlibm's constants), each divided by 64. */
const L_HI = 6.9314718036912381649e-1 / 64;
const L_LO = 1.90821492927058770002e-10 / 64;
/** 2^(−k) for k = 0 … 1099 (the last ones subnormal or zero); models/wasm/kernels.ts copies both tables into the kernels' memory. */
export const POW2 = new Float64Array(1100);
for (let k = 0; k < 1100; k++) POW2[k] = Math.pow(2, -k);
/** 2^(−j/64) for j = 0 … 63. */
export const FRAC = new Float64Array(64);
for (let j = 0; j < 64; j++) FRAC[j] = Math.pow(2, -j / 64);

/**
 * e^(−a) for a ≥ 0 (0 beyond 745, where the double underflows). Not for negative or NaN arguments.
 * @example expNeg(1) // 0.36787944117144233
 */
export function expNeg(a: number): number {
  if (a > 745) return 0;
  const k = Math.floor(a * K + 0.5);
  const r = k * L_HI - a + k * L_LO;
  const r2 = r * r;
  const poly = 1 + r + r2 * (0.5 + r * (1 / 6) + r2 * (1 / 24 + r * (1 / 120) + r2 * (1 / 720)));
  return poly * FRAC[k & 63] * POW2[k >> 6];
}
