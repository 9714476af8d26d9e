/**
 * Small dense linear algebra for the fits: Householder QR with column pivoting
 * (Golub & Van Loan, Matrix Computations 4th ed., Alg. 5.4.1, LAPACK dgeqp3's
 * norm downdating), triangular inverses and a Cholesky solve. Matrices are
 * Float64Array; the QR works on a column-major copy so each reflection runs
 * down contiguous memory.
 */

/** A pivoted QR factorisation of an n × p column-major matrix. */
export interface PivotedQr {
  /** Column-major n × p: R on and above the diagonal, Householder vectors below. */
  qr: Float64Array;
  tau: Float64Array;
  /** perm[k] = the original column at pivot position k. */
  perm: Int32Array;
  /** Number of diagonal entries of R above the relative tolerance. */
  rank: number;
  n: number;
  p: number;
}

/**
 * Householder QR with column pivoting of a column-major n × p matrix (overwritten).
 * Rank = number of |R_kk| > tol · |R_00|.
 * @example const f = qrPivoted(colMajor, n, p, 1e-13); // f.rank
 */
export function qrPivoted(a: Float64Array, n: number, p: number, tol: number): PivotedQr {
  const tau = new Float64Array(p);
  const perm = new Int32Array(p);
  const norms = new Float64Array(p);
  const norms0 = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    perm[j] = j;
    let s = 0;
    const o = j * n;
    for (let i = 0; i < n; i++) s += a[o + i] * a[o + i];
    norms[j] = Math.sqrt(s);
    norms0[j] = norms[j];
  }
  const kmax = Math.min(n, p);
  let rank = kmax;
  let r00 = 0;
  for (let k = 0; k < kmax; k++) {
    let best = k;
    for (let j = k + 1; j < p; j++) if (norms[j] > norms[best]) best = j;
    if (best !== k) {
      const ok = k * n;
      const ob = best * n;
      for (let i = 0; i < n; i++) {
        const t = a[ok + i];
        a[ok + i] = a[ob + i];
        a[ob + i] = t;
      }
      const t = perm[k];
      perm[k] = perm[best];
      perm[best] = t;
      let u = norms[k];
      norms[k] = norms[best];
      norms[best] = u;
      u = norms0[k];
      norms0[k] = norms0[best];
      norms0[best] = u;
    }
    const ok = k * n;
    let s = 0;
    for (let i = k; i < n; i++) s += a[ok + i] * a[ok + i];
    const norm = Math.sqrt(s);
    if (k === 0) r00 = norm;
    if (!(norm > tol * r00) || r00 === 0) {
      rank = k;
      break;
    }
    const alpha = a[ok + k];
    const beta = alpha >= 0 ? -norm : norm;
    const scale = 1 / (alpha - beta);
    for (let i = k + 1; i < n; i++) a[ok + i] *= scale;
    tau[k] = (beta - alpha) / beta;
    a[ok + k] = beta;
    const tk = tau[k];
    for (let j = k + 1; j < p; j++) {
      const oj = j * n;
      let w = a[oj + k];
      for (let i = k + 1; i < n; i++) w += a[ok + i] * a[oj + i];
      w *= tk;
      a[oj + k] -= w;
      for (let i = k + 1; i < n; i++) a[oj + i] -= w * a[ok + i];
      // Downdate the remaining column norm; recompute when cancellation has eaten the digits.
      if (norms[j] > 0) {
        const r = Math.abs(a[oj + k]) / norms[j];
        let t = 1 - r * r;
        if (t < 0) t = 0;
        const ratio = norms[j] / norms0[j];
        if (t * ratio * ratio < 1e-8) {
          let s2 = 0;
          for (let i = k + 1; i < n; i++) s2 += a[oj + i] * a[oj + i];
          norms[j] = Math.sqrt(s2);
          norms0[j] = norms[j];
        } else norms[j] *= Math.sqrt(t);
      }
    }
  }
  return { qr: a, tau, perm, rank, n, p };
}

/** Applies Qᵀ (the first k reflections) to a vector of length n, in place. @example applyQt(f, qy); // qy ← Qᵀqy */
export function applyQt(f: PivotedQr, y: Float64Array, k = f.rank): void {
  const { qr, tau, n } = f;
  for (let j = 0; j < k; j++) {
    const o = j * n;
    let w = y[j];
    for (let i = j + 1; i < n; i++) w += qr[o + i] * y[i];
    w *= tau[j];
    y[j] -= w;
    for (let i = j + 1; i < n; i++) y[i] -= w * qr[o + i];
  }
}

/** R's entry (i, j) of a pivoted QR (i ≤ j). @example rAt(f, 0, 0) // => ±‖first pivot column‖ */
export function rAt(f: PivotedQr, i: number, j: number): number {
  return f.qr[j * f.n + i];
}

/**
 * Inverse of the leading k × k upper-triangular block of R, as a row-major k × k array.
 * @example const w = invertR(f, f.rank); // w[i*k+j]
 */
export function invertR(f: PivotedQr, k: number): Float64Array {
  const w = new Float64Array(k * k);
  for (let j = 0; j < k; j++) {
    w[j * k + j] = 1 / rAt(f, j, j);
    for (let i = j - 1; i >= 0; i--) {
      let s = 0;
      for (let m = i + 1; m <= j; m++) s += rAt(f, i, m) * w[m * k + j];
      w[i * k + j] = -s / rAt(f, i, i);
    }
  }
  return w;
}

/**
 * Cholesky factor L (row-major, lower) of a symmetric positive definite p × p matrix; null when not positive definite.
 * @example const l = cholesky(h, p); if (!l) throw ...
 */
export function cholesky(m: Float64Array, p: number): Float64Array | null {
  const l = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    let d = m[j * p + j];
    for (let k = 0; k < j; k++) d -= l[j * p + k] * l[j * p + k];
    if (!(d > 0)) return null;
    const ljj = Math.sqrt(d);
    l[j * p + j] = ljj;
    for (let i = j + 1; i < p; i++) {
      let s = m[i * p + j];
      for (let k = 0; k < j; k++) s -= l[i * p + k] * l[j * p + k];
      l[i * p + j] = s / ljj;
    }
  }
  return l;
}

/** Solves L Lᵀ x = b given the Cholesky factor L (row-major), returning x. @example cholSolve(cholesky(m, p)!, p, b) */
export function cholSolve(l: Float64Array, p: number, b: Float64Array): Float64Array {
  const x = Float64Array.from(b);
  for (let i = 0; i < p; i++) {
    let s = x[i];
    for (let k = 0; k < i; k++) s -= l[i * p + k] * x[k];
    x[i] = s / l[i * p + i];
  }
  for (let i = p - 1; i >= 0; i--) {
    let s = x[i];
    for (let k = i + 1; k < p; k++) s -= l[k * p + i] * x[k];
    x[i] = s / l[i * p + i];
  }
  return x;
}

/** Inverse of a symmetric positive definite matrix from its Cholesky factor (row-major p × p). @example cholInverse(cholesky(h, p)!, p) // covariance = information⁻¹ */
export function cholInverse(l: Float64Array, p: number): Float64Array {
  const inv = new Float64Array(p * p);
  const e = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    e.fill(0);
    e[j] = 1;
    const col = cholSolve(l, p, e);
    for (let i = 0; i < p; i++) inv[i * p + j] = col[i];
  }
  return inv;
}

/**
 * Σ a[oa+i]·b[ob+i] for i < n with four accumulators (breaks the add latency chain in V8's scalar code).
 * @example dot(Float64Array.of(1, 2), 0, Float64Array.of(3, 4), 0, 2) // => 11
 */
export function dot(a: Float64Array, oa: number, b: Float64Array, ob: number, n: number): number {
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += a[oa + i] * b[ob + i];
    s1 += a[oa + i + 1] * b[ob + i + 1];
    s2 += a[oa + i + 2] * b[ob + i + 2];
    s3 += a[oa + i + 3] * b[ob + i + 3];
  }
  for (; i < n; i++) s0 += a[oa + i] * b[ob + i];
  return s0 + s1 + (s2 + s3);
}
