/**
 * Direct check for (quasi-)complete separation of a 0/1 outcome by one design
 * column (Albert & Anderson 1984): if some threshold c puts every y = 1 on one
 * side (x ≤ c) and every y = 0 on the other (x ≥ c), the logistic likelihood
 * has no finite maximum. With ties at c it is quasi-complete separation.
 */
import { ModelError } from "./errors";

/**
 * Throws perfect_separation naming the first predictor whose values separate the outcome.
 * Needs an intercept in column 0 (the threshold is absorbed by it); `sources[j]` names term j's column.
 * @throws ModelError perfect_separation
 * @example checkSeparation(X, y, n, p, terms, sources, "churn")
 */
export function checkSeparation(
  X: Float64Array,
  y: Float64Array,
  n: number,
  p: number,
  terms: string[],
  sources: string[],
  outcome: string,
): void {
  if (terms[0] !== "Intercept") return;
  for (let j = 1; j < p; j++) {
    let min0 = Infinity, max0 = -Infinity, min1 = Infinity, max1 = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = X[i * p + j];
      if (y[i] === 1) {
        if (v < min1) min1 = v;
        if (v > max1) max1 = v;
      } else {
        if (v < min0) min0 = v;
        if (v > max0) max0 = v;
      }
    }
    let msg: string | null = null;
    const term = terms[j];
    const what = term === sources[j] ? term : `${sources[j]} (term ${term})`;
    if (max1 <= min0) {
      msg = max1 < min0
        ? `${outcome} is 1 in every row with ${term} ≤ ${max1} and 0 in every row with ${term} ≥ ${min0} (complete separation)`
        : `${outcome} is 1 in every row with ${term} < ${max1} and 0 in every row with ${term} > ${max1}; only ${term} = ${max1} has both (quasi-complete separation)`;
    } else if (max0 <= min1) {
      msg = max0 < min1
        ? `${outcome} is 0 in every row with ${term} ≤ ${max0} and 1 in every row with ${term} ≥ ${min1} (complete separation)`
        : `${outcome} is 0 in every row with ${term} < ${max0} and 1 in every row with ${term} > ${max0}; only ${term} = ${max0} has both (quasi-complete separation)`;
    }
    if (msg)
      throw new ModelError(
        "perfect_separation",
        `${what} perfectly predicts the outcome: ${msg}, so its coefficient has no finite estimate. Remove ${sources[j]}, group its values, or model only the rows where the outcome varies.`,
        [sources[j]],
      );
  }
}
