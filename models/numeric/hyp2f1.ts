/**
 * Gauss hypergeometric ₂F₁(a, b; c; z) for a, b, c > 0 and 0 ≤ z < 1 by its
 * power series (Abramowitz & Stegun 15.1.1), summed in log space so that
 * large parameters neither overflow nor underflow. All terms are positive
 * under these conditions, so there is no cancellation; the series needs more
 * terms as z → 1 (about k ≈ (a + b − c)/(−ln z) terms to pass the peak).
 */

/**
 * ln ₂F₁(a, b; c; z); NaN outside a, b, c > 0, 0 ≤ z < 1 or when the series does not settle.
 * @example Math.exp(lnHyp2f1(1, 1, 2, 0.5)) // => −ln(0.5)/0.5 = 1.3862943611198906
 */
export function lnHyp2f1(a: number, b: number, c: number, z: number): number {
  if (!(a > 0 && b > 0 && c > 0 && z >= 0 && z < 1)) return NaN;
  if (z === 0) return 0;
  const lnz = Math.log(z);
  let lnTerm = 0;
  let lnSum = 0;
  for (let k = 0; k < 1_000_000; k++) {
    lnTerm += Math.log(((a + k) * (b + k)) / ((c + k) * (k + 1))) + lnz;
    // log-sum-exp update of the running sum
    if (lnTerm > lnSum) lnSum = lnTerm + Math.log1p(Math.exp(lnSum - lnTerm));
    else lnSum += Math.log1p(Math.exp(lnTerm - lnSum));
    // Past the peak (ratio < 1) and negligible: the remaining tail is below a geometric bound.
    // The term ratio tends to z; bound the tail geometrically by the larger of the two.
    const ratio = Math.max(z, ((a + k + 1) * (b + k + 1) * z) / ((c + k + 1) * (k + 2)));
    if (ratio < 1 && lnTerm - lnSum < -37 + Math.log1p(-ratio)) return lnSum;
  }
  return NaN;
}
