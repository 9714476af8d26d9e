/**
 * OLS over data that arrives in blocks (R2 column blocks of 65,536 rows), from per-block sufficient
 * statistics that keep QR accuracy: the running triangle R of [X y] (TSQR, Demmel et al. 2012) is
 * stacked on each new block and re-triangularised, so RᵀR = XᵀX (and Qᵀy rides along) without ever
 * forming XᵀX or holding more than one block. The outcome's mean and spread are merged per block
 * (Chan et al.) for R². Agrees with `fitOls` (the in-memory QR) to rounding.
 */
import { ModelError } from "./errors";
import { tsqr } from "./tsqr";

/** One block of rows: X row-major n × p, y length n. */
export interface RowBlock {
  X: Float64Array;
  y: Float64Array;
  n: number;
}

export interface OlsBlocksResult {
  beta: Float64Array;
  stdErrors: Float64Array;
  /** Row-major p × p. */
  covariance: Float64Array;
  n: number;
  dfResid: number;
  ssr: number;
  sigma: number;
  rSquared: number;
}

/** Accumulates the sufficient statistics block by block. @example const acc = new OlsAccumulator(p); acc.add(block); fitOlsAccumulated(acc, terms) */
export class OlsAccumulator {
  /** Upper-triangular (p+1) × (p+1) R of [X y] so far, row-major. */
  R: Float64Array;
  n = 0;
  yMean = 0;
  yM2 = 0;

  constructor(readonly p: number) {
    this.R = new Float64Array((p + 1) * (p + 1));
  }

  /** Folds a block in: QR of [R; block]. */
  add(b: RowBlock): void {
    const p = this.p, q = p + 1;
    const m = q + b.n;
    const X = new Float64Array(m * p);
    const y = new Float64Array(m);
    for (let k = 0; k < q; k++) {
      for (let j = 0; j < p; j++) X[k * p + j] = this.R[k * q + j];
      y[k] = this.R[k * q + p];
    }
    X.set(b.X.subarray(0, b.n * p), q * p);
    y.set(b.y.subarray(0, b.n), q);
    this.R = tsqr(X, y, m, p);
    // Outcome moments merged (mean and Σ(y − ȳ)²) for the total sum of squares.
    let mean = 0;
    for (let i = 0; i < b.n; i++) mean += b.y[i];
    mean /= b.n || 1;
    let m2 = 0;
    for (let i = 0; i < b.n; i++) m2 += (b.y[i] - mean) ** 2;
    const n = this.n + b.n;
    if (b.n > 0) {
      const d = mean - this.yMean;
      this.yM2 += m2 + (d * d * this.n * b.n) / n;
      this.yMean += (d * b.n) / n;
      this.n = n;
    }
  }
}

/**
 * Least squares from the accumulated triangle.
 * @param hasIntercept R² about the mean (true) or about 0 (false), as statsmodels
 * @throws ModelError too_few_rows (n ≤ p), collinear_predictors (a pivot below 1e-10 of its column's norm)
 */
export function fitOlsAccumulated(acc: OlsAccumulator, terms: string[], hasIntercept = terms[0] === "Intercept"): OlsBlocksResult {
  const p = acc.p, q = p + 1, n = acc.n, R = acc.R;
  if (n <= p) throw new ModelError("too_few_rows", `A linear model with ${p} terms needs at least ${p + 1} complete rows (got ${n}).`, terms);
  for (let j = 0; j < p; j++) {
    let norm = 0;
    for (let k = 0; k <= j; k++) norm += R[k * q + j] ** 2;
    if (!(Math.abs(R[j * q + j]) > 1e-10 * Math.sqrt(norm))) {
      throw new ModelError("collinear_predictors", `${terms[j]} is (nearly) a linear combination of the terms before it.`, [terms[j]]);
    }
  }
  // Back substitution R β = Qᵀy, and W = R⁻¹ for the covariance σ² W Wᵀ.
  const beta = new Float64Array(p);
  for (let i = p - 1; i >= 0; i--) {
    let s = R[i * q + p];
    for (let k = i + 1; k < p; k++) s -= R[i * q + k] * beta[k];
    beta[i] = s / R[i * q + i];
  }
  const W = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    W[j * p + j] = 1 / R[j * q + j];
    for (let i = j - 1; i >= 0; i--) {
      let s = 0;
      for (let k = i + 1; k <= j; k++) s += R[i * q + k] * W[k * p + j];
      W[i * p + j] = -s / R[i * q + i];
    }
  }
  const ssr = R[p * q + p] ** 2;
  const dfResid = n - p;
  const sigma2 = ssr / dfResid;
  const covariance = new Float64Array(p * p);
  for (let i = 0; i < p; i++)
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = Math.max(i, j); k < p; k++) s += W[i * p + k] * W[j * p + k];
      covariance[i * p + j] = covariance[j * p + i] = s * sigma2;
    }
  const stdErrors = new Float64Array(p);
  for (let j = 0; j < p; j++) stdErrors[j] = Math.sqrt(covariance[j * p + j]);
  const tss = hasIntercept ? acc.yM2 : acc.yM2 + n * acc.yMean * acc.yMean;
  return { beta, stdErrors, covariance, n, dfResid, ssr, sigma: Math.sqrt(sigma2), rSquared: 1 - ssr / tss };
}
