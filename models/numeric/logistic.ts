/**
 * The logistic function 1 / (1 + e^−x), the inverse of the log-odds: the
 * renewal probability of a logistic model's linear predictor.
 */

/**
 * Numerically stable 1 / (1 + e^−x): the exponential is only ever of a non-positive number, so it never
 * overflows, and the tails keep their relative precision (logistic(−800) is 0, not NaN; logistic(−30) ≈ 9.4e−14).
 * @example logistic(0) // => 0.5
 * @example logistic(Math.log(3)) // => 0.75 (odds 3 : 1)
 */
export function logistic(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}
