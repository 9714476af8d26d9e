/**
 * Direct check for (quasi-)complete separation of a 0/1 outcome by one design
 * column (Albert & Anderson 1984): if some threshold c puts every y = 1 on one
 * side (x ≤ c) and every y = 0 on the other (x ≥ c), the logistic likelihood
 * has no finite maximum. With ties at c it is quasi-complete separation.
 */
import { ModelError } from "../numeric/errors";

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
  // One row-major pass: the range of each column among y = 0 and among y = 1.
  const min0 = new Float64Array(p).fill(Infinity),
    max0 = new Float64Array(p).fill(-Infinity);
  const min1 = new Float64Array(p).fill(Infinity),
    max1 = new Float64Array(p).fill(-Infinity);
  for (let i = 0; i < n; i++) {
    const o = i * p;
    const lo = y[i] === 1 ? min1 : min0;
    const hi = y[i] === 1 ? max1 : max0;
    for (let j = 1; j < p; j++) {
      const v = X[o + j];
      if (v < lo[j]) lo[j] = v;
      if (v > hi[j]) hi[j] = v;
    }
  }
  for (let j = 1; j < p; j++) {
    if (min0[j] === max0[j] && min1[j] === max1[j] && min0[j] === min1[j]) continue; // constant: the rank check names it
    let msg: string | null = null;
    const term = terms[j];
    const what = term === sources[j] ? term : `${sources[j]} (term ${term})`;
    const [a0, b0, a1, b1] = [min0[j], max0[j], min1[j], max1[j]];
    const level = term.startsWith(`${sources[j]}[T.`) ? term.slice(sources[j].length + 3, -1) : null;
    if (level !== null && (b1 <= a0 || b0 <= a1)) {
      // A treatment dummy: say it in the category's words.
      const src = sources[j];
      if (b1 <= a0)
        msg = b1 === 0 ? `${outcome} is 0 in every row with ${src} = ${level}` : `${outcome} is 1 in every row with ${src} ≠ ${level}`;
      else msg = b0 === 0 ? `${outcome} is 1 in every row with ${src} = ${level}` : `${outcome} is 0 in every row with ${src} ≠ ${level}`;
    } else if (b1 <= a0) {
      msg =
        b1 < a0
          ? `${outcome} is 1 in every row with ${term} ≤ ${b1} and 0 in every row with ${term} ≥ ${a0} (complete separation)`
          : `${outcome} is 1 in every row with ${term} < ${b1} and 0 in every row with ${term} > ${b1}; only ${term} = ${b1} has both (quasi-complete separation)`;
    } else if (b0 <= a1) {
      msg =
        b0 < a1
          ? `${outcome} is 0 in every row with ${term} ≤ ${b0} and 1 in every row with ${term} ≥ ${a1} (complete separation)`
          : `${outcome} is 0 in every row with ${term} < ${b0} and 1 in every row with ${term} > ${b0}; only ${term} = ${b0} has both (quasi-complete separation)`;
    }
    if (msg)
      throw new ModelError(
        "perfect_separation",
        `${what} perfectly predicts the outcome: ${msg}, so its coefficient has no finite estimate. Remove ${sources[j]}, group its values, or model only the rows where the outcome varies.`,
        [sources[j]],
      );
  }
}
