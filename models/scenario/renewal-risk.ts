/**
 * Renewals ahead: the ARR at risk of accounts renewing soon, ARR × (1 − p), with p each account's predicted renewal
 * probability (models/regression/model.ts `predict`): the ARR expected to be lost if the probabilities are right on
 * average (docs/methods.md#renewals-ahead).
 * @example arrAtRisk([1000, 2000], [0.9, 0.5]) // => [100, 1000]
 */
export function arrAtRisk(arr: ArrayLike<number>, p: ArrayLike<number>): Float64Array {
  const out = new Float64Array(arr.length);
  for (let i = 0; i < arr.length; i++) out[i] = arr[i] * (1 - p[i]);
  return out;
}
