/**
 * Column-scaled pivoted QR of a design and the named errors it can raise:
 * `no_variance` for a constant predictor and `collinear_predictors` (naming
 * the terms of each linear dependence) when the numerical rank, decided with
 * the relative tolerance max(n, p)·ε on R's diagonal (as numpy's matrix_rank),
 * is short of the number of terms.
 */
import { ModelError } from "../numeric/errors";
import { type PivotedQr, qrPivoted, rAt } from "../numeric/linalg";

export interface ScaledQr {
  f: PivotedQr;
  /** Column scales: the 2-norm of each design column. */
  scale: Float64Array;
  /** |R₀₀| / |R_(p−1)(p−1)|: a cheap condition estimate of the scaled design. */
  condition: number;
}

/**
 * Factorises a row-major n × p design after scaling each column to unit length.
 * @throws ModelError no_variance when a non-intercept column is constant (with an intercept) or all zero
 * @throws ModelError collinear_predictors naming the terms that are linear combinations of others
 * @example const { f, scale } = scaledQr(d.X, d.n, d.p, d.terms);
 */
export function scaledQr(X: Float64Array, n: number, p: number, terms: string[]): ScaledQr {
  const hasIntercept = terms[0] === "Intercept";
  const scale = new Float64Array(p);
  const a = new Float64Array(n * p);
  for (let j = 0; j < p; j++) {
    let s = 0;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = X[i * p + j];
      s += v * v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (!(s > 0) || (hasIntercept && j > 0 && min === max))
      throw new ModelError(
        "no_variance",
        `${terms[j]} has the same value (${min}) in every row used, so its effect cannot be estimated: remove it.`,
        [terms[j]],
      );
    scale[j] = Math.sqrt(s);
  }
  for (let j = 0; j < p; j++) {
    const inv = 1 / scale[j];
    const o = j * n;
    for (let i = 0; i < n; i++) a[o + i] = X[i * p + j] * inv;
  }
  const tol = Math.max(n, p) * 2.220446049250313e-16;
  const f = qrPivoted(a, n, p, tol);
  if (f.rank < p) throw collinearError(f, terms);
  const condition = Math.abs(rAt(f, 0, 0) / rAt(f, p - 1, p - 1));
  return { f, scale, condition };
}

/**
 * The collinear_predictors error naming each dropped column and the kept columns it is a combination of (R₁₁ z = R₁₂).
 * @example if (f.rank < p) throw collinearError(f, terms);
 */
export function collinearError(f: PivotedQr, terms: string[]): ModelError {
  const k = f.rank;
  const named = new Set<string>();
  const parts: string[] = [];
  for (let d = k; d < f.p; d++) {
    const z = new Float64Array(k);
    for (let i = k - 1; i >= 0; i--) {
      let s = rAt(f, i, d);
      for (let m = i + 1; m < k; m++) s -= rAt(f, i, m) * z[m];
      z[i] = s / rAt(f, i, i);
    }
    let zmax = 0;
    for (let i = 0; i < k; i++) zmax = Math.max(zmax, Math.abs(z[i]));
    const involved: string[] = [];
    for (let i = 0; i < k; i++) if (Math.abs(z[i]) > 1e-6 * zmax) involved.push(terms[f.perm[i]]);
    const dropped = terms[f.perm[d]];
    named.add(dropped);
    for (const t of involved) named.add(t);
    parts.push(involved.length ? `${dropped} is a linear combination of ${involved.join(", ")}` : `${dropped} is zero in every row`);
  }
  return new ModelError(
    "collinear_predictors",
    `The predictors are collinear (${parts.join("; ")}), so their separate effects cannot be estimated: remove one of them.`,
    [...named],
  );
}

/**
 * The no_variance error for the first non-intercept column that is constant (with an intercept), or null.
 * Used to name the real cause before reporting a rank deficiency.
 * @example const e = constantColumnError(X, n, p, terms); if (e) throw e;
 */
export function constantColumnError(X: Float64Array, n: number, p: number, terms: string[]): ModelError | null {
  if (terms[0] !== "Intercept" || n === 0) return null;
  for (let j = 1; j < p; j++) {
    const v0 = X[j];
    let same = true;
    for (let i = 1; i < n && same; i++) if (X[i * p + j] !== v0) same = false;
    if (same)
      return new ModelError(
        "no_variance",
        `${terms[j]} has the same value (${v0}) in every row used, so its effect cannot be estimated: remove it.`,
        [terms[j]],
      );
  }
  return null;
}

/**
 * Rank-revealing pivoted QR of the small triangle R·S⁻¹ (R from tsqr, S its column norms), with the same
 * relative tolerance max(n, p)·ε as for the full design.
 * @param X the design, or (when it is read in blocks) a function giving the no_variance error of a constant column or null
 * @throws ModelError no_variance (an all-zero or constant column) or collinear_predictors
 * @example const { f, scale } = rankOfTriangle(R, p + 1, p, n, terms, X);
 */
export function rankOfTriangle(
  R: Float64Array,
  ld: number,
  p: number,
  n: number,
  terms: string[],
  X: Float64Array | (() => ModelError | null),
): { f: PivotedQr; scale: Float64Array } {
  const scale = new Float64Array(p);
  const a = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    let s = 0;
    for (let i = 0; i <= j; i++) s += R[i * ld + j] * R[i * ld + j];
    if (!(s > 0))
      throw new ModelError("no_variance", `${terms[j]} is 0 in every row used, so its effect cannot be estimated: remove it.`, [terms[j]]);
    scale[j] = Math.sqrt(s);
    for (let i = 0; i <= j; i++) a[j * p + i] = R[i * ld + j] / scale[j];
  }
  const f = qrPivoted(a, p, p, Math.max(n, p) * 2.220446049250313e-16);
  if (f.rank < p) throw (typeof X === "function" ? X() : constantColumnError(X, n, p, terms)) ?? collinearError(f, terms);
  return { f, scale };
}
