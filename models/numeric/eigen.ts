/**
 * Symmetric eigendecomposition by the cyclic Jacobi method (Golub & Van Loan,
 * Matrix Computations 4th ed., §8.5): slow for big matrices, exact to machine
 * precision for the small correlation matrices key-driver analysis uses.
 */

export interface SymmetricEigen {
  /** Eigenvalues, unsorted. */
  values: Float64Array;
  /** Row-major p × p; column k is the eigenvector of values[k]. */
  vectors: Float64Array;
}

/**
 * Eigenvalues and eigenvectors of a symmetric p × p row-major matrix (not modified).
 * @example symmetricEigen(Float64Array.of(2, 1, 1, 2), 2).values // => [1, 3] (some order)
 */
export function symmetricEigen(m: Float64Array, p: number): SymmetricEigen {
  const a = Float64Array.from(m);
  const v = new Float64Array(p * p);
  for (let i = 0; i < p; i++) v[i * p + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < p; i++) {
      diag += a[i * p + i] * a[i * p + i];
      for (let j = i + 1; j < p; j++) off += a[i * p + j] * a[i * p + j];
    }
    if (off <= 1e-32 * diag || off === 0) break;
    for (let i = 0; i < p; i++)
      for (let j = i + 1; j < p; j++) {
        const aij = a[i * p + j];
        if (aij === 0) continue;
        const theta = (a[j * p + j] - a[i * p + i]) / (2 * aij);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < p; k++) {
          const aki = a[k * p + i];
          const akj = a[k * p + j];
          a[k * p + i] = c * aki - s * akj;
          a[k * p + j] = s * aki + c * akj;
        }
        for (let k = 0; k < p; k++) {
          const aik = a[i * p + k];
          const ajk = a[j * p + k];
          a[i * p + k] = c * aik - s * ajk;
          a[j * p + k] = s * aik + c * ajk;
        }
        for (let k = 0; k < p; k++) {
          const vki = v[k * p + i];
          const vkj = v[k * p + j];
          v[k * p + i] = c * vki - s * vkj;
          v[k * p + j] = s * vki + c * vkj;
        }
      }
  }
  const values = new Float64Array(p);
  for (let i = 0; i < p; i++) values[i] = a[i * p + i];
  return { values, vectors: v };
}
