/**
 * Tall-skinny Householder QR of [X y] by row blocks (Demmel et al. 2012,
 * "Communication-optimal parallel and sequential QR", the sequential TSQR):
 * each block of rows is reduced against the running (p+1) × (p+1) triangle,
 * so the work stays in cache and X (row-major) is read once. Backward stable
 * like plain Householder QR; R's column norms equal X's column norms, so
 * column scaling and rank decisions can be made afterwards on the small R.
 */

import { dot } from "../numeric/linalg";

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
  // d[j] = (column k of the block) · (column j), s = ‖column k‖², carried from one step to the next: each
  // update sweep of column j also accumulates its product with the next pivot column (one pass, not two).
  const d = new Float64Array(q);
  for (let start = 0; start < n; start += BLOCK) {
    const b = Math.min(BLOCK, n - start);
    // Column-major copy of the block, y as the last column.
    for (let i = 0; i < b; i++) {
      const o = (start + i) * p;
      for (let j = 0; j < p; j++) blk[j * BLOCK + i] = X[o + j];
      blk[p * BLOCK + i] = y[start + i];
    }
    let s = dot(blk, 0, blk, 0, b);
    for (let j = 1; j < q; j++) d[j] = dot(blk, 0, blk, j * BLOCK, b);
    for (let k = 0; k < q; k++) {
      const ok = k * BLOCK;
      const x0 = R[k * q + k];
      if (k === p) {
        R[k * q + k] = Math.hypot(x0, Math.sqrt(s));
        break;
      }
      const o1 = ok + BLOCK; // column k + 1
      if (s === 0) {
        // Nothing to annihilate in column k: the next step's products from scratch.
        s = dot(blk, o1, blk, o1, b);
        for (let j = k + 2; j < q; j++) d[j] = dot(blk, o1, blk, j * BLOCK, b);
        continue;
      }
      const norm = Math.sqrt(x0 * x0 + s);
      const beta = x0 >= 0 ? -norm : norm;
      const tau = (beta - x0) / beta;
      const inv = 1 / (x0 - beta);
      for (let i = 0; i < b; i++) blk[ok + i] *= inv;
      R[k * q + k] = beta;
      // Column k + 1: update and its new squared norm in one sweep.
      const w1 = tau * (R[k * q + k + 1] + inv * d[k + 1]);
      R[k * q + k + 1] -= w1;
      let s0 = 0,
        s1 = 0;
      let i = 0;
      for (; i + 1 < b; i += 2) {
        const u0 = blk[o1 + i] - w1 * blk[ok + i];
        const u1 = blk[o1 + i + 1] - w1 * blk[ok + i + 1];
        blk[o1 + i] = u0;
        blk[o1 + i + 1] = u1;
        s0 += u0 * u0;
        s1 += u1 * u1;
      }
      for (; i < b; i++) {
        const u = blk[o1 + i] - w1 * blk[ok + i];
        blk[o1 + i] = u;
        s0 += u * u;
      }
      s = s0 + s1;
      // Columns j > k + 1: update and the product with the new column k + 1 in one sweep, two columns per
      // sweep so that the loads of columns k and k + 1 serve both.
      let j = k + 2;
      for (; j + 1 < q; j += 2) {
        const oj = j * BLOCK;
        const om = oj + BLOCK;
        const w = tau * (R[k * q + j] + inv * d[j]);
        const v = tau * (R[k * q + j + 1] + inv * d[j + 1]);
        R[k * q + j] -= w;
        R[k * q + j + 1] -= v;
        let t0 = 0,
          t1 = 0;
        for (let m = 0; m < b; m++) {
          const hk = blk[ok + m];
          const h1 = blk[o1 + m];
          const u0 = blk[oj + m] - w * hk;
          const u1 = blk[om + m] - v * hk;
          blk[oj + m] = u0;
          blk[om + m] = u1;
          t0 += u0 * h1;
          t1 += u1 * h1;
        }
        d[j] = t0;
        d[j + 1] = t1;
      }
      for (; j < q; j++) {
        const oj = j * BLOCK;
        const w = tau * (R[k * q + j] + inv * d[j]);
        R[k * q + j] -= w;
        let t0 = 0,
          t1 = 0;
        let m = 0;
        for (; m + 1 < b; m += 2) {
          const u0 = blk[oj + m] - w * blk[ok + m];
          const u1 = blk[oj + m + 1] - w * blk[ok + m + 1];
          blk[oj + m] = u0;
          blk[oj + m + 1] = u1;
          t0 += u0 * blk[o1 + m];
          t1 += u1 * blk[o1 + m + 1];
        }
        for (; m < b; m++) {
          const u = blk[oj + m] - w * blk[ok + m];
          blk[oj + m] = u;
          t0 += u * blk[o1 + m];
        }
        d[j] = t0 + t1;
      }
    }
  }
  return R;
}
