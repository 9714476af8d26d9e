/**
 * One pass of the logistic likelihood over the rows: log-likelihood, score
 * XᵀW(y − μ) and information XᵀWX at β. Rows are taken in cache-sized
 * blocks, transposed into columns so that each of the p(p+1)/2 information
 * entries is a dot product kept in registers (four accumulators to break the
 * floating-point add chain), with no allocation inside the loop.
 */

import { dot } from "./linalg";

const BLOCK = 256;

export interface PassState {
  ll: number;
  grad: Float64Array;
  /** Row-major p × p, both triangles filled. */
  hess: Float64Array;
  /** Σ pᵢ(1−pᵢ) and Σ pᵢ(1−pᵢ)(1−2pᵢ) xᵢ (only when asked for), for marginal effects. */
  wsum: number;
  wdx: Float64Array;
  /** Rows with |η| > 30 (fitted probability within 1e-13 of 0 or 1). */
  extreme: number;
  cols: Float64Array;
  w: Float64Array;
  r: Float64Array;
  wd: Float64Array;
  tmp: Float64Array;
}

/** Work buffers for `logitPass` with p columns. @example const st = passState(8); */
export function passState(p: number): PassState {
  return {
    ll: 0, grad: new Float64Array(p), hess: new Float64Array(p * p), wsum: 0, wdx: new Float64Array(p), extreme: 0,
    cols: new Float64Array(p * BLOCK), w: new Float64Array(BLOCK), r: new Float64Array(BLOCK), wd: new Float64Array(BLOCK), tmp: new Float64Array(BLOCK),
  };
}

/**
 * Fills `st` with the log-likelihood, score and information of the logit model at β.
 * @example const st = passState(p); logitPass(X, y, n, p, beta, st, false); // st.ll, st.grad, st.hess
 */
export function logitPass(X: Float64Array, y: Float64Array, n: number, p: number, beta: Float64Array, st: PassState, marginal: boolean): void {
  const { grad, hess, wdx, cols, w, r, wd, tmp } = st;
  grad.fill(0);
  hess.fill(0);
  wdx.fill(0);
  let ll = 0;
  let wsum = 0;
  let extreme = 0;
  for (let start = 0; start < n; start += BLOCK) {
    const b = Math.min(BLOCK, n - start);
    // Σ ln(1 + e^−|η|) as the log of a block product: each factor is in [1, 2], so 256 of them cannot
    // overflow, and one logarithm per block replaces one per row.
    let prod = 1;
    for (let i = 0; i < b; i++) {
      const o = (start + i) * p;
      let eta = 0;
      for (let j = 0; j < p; j++) {
        const v = X[o + j];
        cols[j * BLOCK + i] = v;
        eta += v * beta[j];
      }
      // μ = 1/(1 + e^−η) and ln(1 + e^η) from one exponential of −|η|.
      const e = Math.exp(-Math.abs(eta));
      const mu = eta >= 0 ? 1 / (1 + e) : e / (1 + e);
      const yi = y[start + i];
      ll += yi * eta - (eta > 0 ? eta : 0);
      prod *= 1 + e;
      const wi = mu * (1 - mu);
      w[i] = wi;
      r[i] = yi - mu;
      wsum += wi;
      if (marginal) wd[i] = wi * (1 - 2 * mu);
      if (eta > 30 || eta < -30) extreme++;
    }
    ll -= Math.log(prod);
    for (let a = 0; a < p; a++) {
      const oa = a * BLOCK;
      grad[a] += dot(r, 0, cols, oa, b);
      if (marginal) wdx[a] += dot(wd, 0, cols, oa, b);
      for (let i = 0; i < b; i++) tmp[i] = w[i] * cols[oa + i];
      for (let c = a; c < p; c++) hess[a * p + c] += dot(tmp, 0, cols, c * BLOCK, b);
    }
  }
  for (let a = 0; a < p; a++) for (let c = 0; c < a; c++) hess[a * p + c] = hess[c * p + a];
  st.ll = ll;
  st.wsum = wsum;
  st.extreme = extreme;
}

/**
 * The light pass: log-likelihood and score only (no information matrix), for Newton steps that reuse the
 * previous information (the chord method) near the optimum.
 * @example logitGradPass(X, y, n, p, beta, st); // st.ll, st.grad
 */
export function logitGradPass(X: Float64Array, y: Float64Array, n: number, p: number, beta: Float64Array, st: PassState): void {
  const grad = st.grad;
  grad.fill(0);
  let ll = 0;
  let prod = 1;
  let extreme = 0;
  for (let i = 0; i < n; i++) {
    const o = i * p;
    // Two accumulators halve the add-latency chain of η.
    let e0 = 0;
    let e1 = 0;
    let j = 0;
    for (; j + 1 < p; j += 2) {
      e0 += X[o + j] * beta[j];
      e1 += X[o + j + 1] * beta[j + 1];
    }
    if (j < p) e0 += X[o + j] * beta[j];
    const eta = e0 + e1;
    const e = Math.exp(-Math.abs(eta));
    if (eta > 30 || eta < -30) extreme++;
    const mu = eta >= 0 ? 1 / (1 + e) : e / (1 + e);
    const yi = y[i];
    ll += yi * eta - (eta > 0 ? eta : 0);
    prod *= 1 + e; // Σ ln(1 + e) as ln of products of 256 factors in [1, 2] (see logitPass)
    if ((i & 255) === 255) {
      ll -= Math.log(prod);
      prod = 1;
    }
    const r = yi - mu;
    for (let j = 0; j < p; j++) grad[j] += r * X[o + j];
  }
  st.ll = ll - Math.log(prod);
  st.extreme = extreme;
}
