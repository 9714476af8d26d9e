/**
 * Tall-skinny Householder QR of [X y] by row blocks (Demmel et al. 2012,
 * "Communication-optimal parallel and sequential QR", the sequential TSQR):
 * each block of rows is reduced against the running (p+1) × (p+1) triangle,
 * so the work stays in cache and X (row-major) is read once. Backward stable
 * like plain Householder QR; R's column norms equal X's column norms, so
 * column scaling and rank decisions can be made afterwards on the small R.
 */

import { dot } from "./linalg";

/** Rows per block: 256 × 9 doubles ≈ 18 KB, inside L1/L2. */
const BLOCK = 256;

/**
 * Upper-triangular R (row-major (p+1) × (p+1)) of the QR of [X y]; its last column holds Qᵀy in rows 0..p−1
 * and |R[p][p]| is the residual norm of the least-squares fit.
 * @example const r = tsqr(X, y, n, p); // r[k * (p + 1) + j]
 */
export function tsqr(X: Float64Array, y: Float64Array, n: number, p: number): Float64Array {
  const q = p + 1;
  const R = new Float64Array(q * q);
  const blk = new Float64Array(q * BLOCK);
  for (let start = 0; start < n; start += BLOCK) {
    const b = Math.min(BLOCK, n - start);
    // Column-major copy of the block, y as the last column.
    for (let i = 0; i < b; i++) {
      const o = (start + i) * p;
      for (let j = 0; j < p; j++) blk[j * BLOCK + i] = X[o + j];
      blk[p * BLOCK + i] = y[start + i];
    }
    for (let k = 0; k < q; k++) {
      const ok = k * BLOCK;
      const s = dot(blk, ok, blk, ok, b);
      if (s === 0) continue;
      const x0 = R[k * q + k];
      if (k === p) {
        R[k * q + k] = Math.hypot(x0, Math.sqrt(s));
        break;
      }
      const norm = Math.sqrt(x0 * x0 + s);
      const beta = x0 >= 0 ? -norm : norm;
      const tau = (beta - x0) / beta;
      const inv = 1 / (x0 - beta);
      for (let i = 0; i < b; i++) blk[ok + i] *= inv;
      R[k * q + k] = beta;
      for (let j = k + 1; j < q; j++) {
        const oj = j * BLOCK;
        const w = tau * (R[k * q + j] + dot(blk, ok, blk, oj, b));
        R[k * q + j] -= w;
        for (let i = 0; i < b; i++) blk[oj + i] -= w * blk[ok + i];
      }
    }
  }
  return R;
}
