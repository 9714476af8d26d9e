/**
 * Renewals ahead: each account's predicted renewal probability from a fitted logistic model, p = logistic(x·β),
 * and the ARR at risk, ARR × (1 − p) (the expected ARR lost if the account churns with probability 1 − p).
 */
import { logistic } from "./scenario";

/**
 * p_i and ARR_i·(1 − p_i) for design rows X (n × p, row-major) and coefficients β.
 * @example renewalRisk(new Float64Array([1, 0]), 1, 2, [0, 1], new Float64Array([1000])) // => { p: [0.5], arrAtRisk: [500] }
 */
export function renewalRisk(
  X: Float64Array,
  n: number,
  p: number,
  beta: number[],
  arr: Float64Array,
): { p: Float64Array; arrAtRisk: Float64Array } {
  const pr = new Float64Array(n);
  const risk = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let eta = 0;
    for (let j = 0; j < p; j++) eta += X[i * p + j] * beta[j];
    pr[i] = logistic(eta);
    risk[i] = arr[i] * (1 - pr[i]);
  }
  return { p: pr, arrAtRisk: risk };
}
