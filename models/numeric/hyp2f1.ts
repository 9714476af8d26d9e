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
  // Summed in linear space with a running scale (sum · e^scale): one multiply and divide per term instead of a
  // logarithm and an exponential, rescaled before the sum could overflow. All terms are positive.
  const tol = Math.exp(-37);
  let term = 1;
  let sum = 1;
  let scale = 0;
  for (let k = 0; k < 1_000_000; k++) {
    term *= ((a + k) * (b + k) * z) / ((c + k) * (k + 1));
    sum += term;
    if (sum > 1e280) {
      term *= 1e-280;
      sum *= 1e-280;
      scale += 280 * Math.LN10;
    }
    // Past the peak (ratio < 1) and negligible: the remaining tail is below a geometric bound.
    // The term ratio tends to z; bound the tail geometrically by the larger of the two.
    const ratio = Math.max(z, ((a + k + 1) * (b + k + 1) * z) / ((c + k + 1) * (k + 2)));
    if (ratio < 1 && term < sum * tol * (1 - ratio)) return scale + Math.log(sum);
  }
  return NaN;
}
