/**
 * OLS over data that arrives in blocks (R2 column blocks of 65,536 rows), from per-block sufficient
 * statistics that keep QR accuracy: the running triangle R of [X y] (TSQR, Demmel et al. 2012) is
 * stacked on each new block and re-triangularised, so RᵀR = XᵀX (and Qᵀy rides along) without ever
 * forming XᵀX or holding more than one block. The outcome's mean and spread are merged per block
 * (Chan et al.) for R². Agrees with `fitOls` (the in-memory QR) to rounding.
 */
import { tsqr } from "./tsqr";

/** One block of rows: X row-major n × p, y length n. */
export interface RowBlock {
  X: Float64Array;
  y: Float64Array;
  n: number;
}

/** Accumulates the sufficient statistics block by block. @example const acc = new OlsAccumulator(p); acc.add(block); acc.R // the triangle of [X y] */
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
    const p = this.p,
      q = p + 1;
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
