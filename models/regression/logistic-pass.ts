/**
 * One pass of the logistic likelihood over the rows: log-likelihood, score
 * XᵀW(y − μ) and information XᵀWX at β. Rows are taken in cache-sized
 * blocks, transposed into columns so that each of the p(p+1)/2 information
 * entries is a dot product kept in registers (four accumulators to break the
 * floating-point add chain), with no allocation inside the loop.
 */

import { expNeg } from "../numeric/exp-neg";
import { dot } from "../numeric/linalg";
import { wasmKernels } from "../wasm/kernels";

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
    ll: 0,
    grad: new Float64Array(p),
    hess: new Float64Array(p * p),
    wsum: 0,
    wdx: new Float64Array(p),
    extreme: 0,
    cols: new Float64Array(p * BLOCK),
    w: new Float64Array(BLOCK),
    r: new Float64Array(BLOCK),
    wd: new Float64Array(BLOCK),
    tmp: new Float64Array(BLOCK),
  };
}

/**
 * Fills `st` with the log-likelihood, score and information of the logit model at β.
 * @example const st = passState(p); logitPass(X, y, n, p, beta, st, false); // st.ll, st.grad, st.hess
 */
export function logitPass(
  X: Float64Array,
  y: Float64Array,
  n: number,
  p: number,
  beta: Float64Array,
  st: PassState,
  marginal: boolean,
): void {
  const { grad, hess, wdx, cols, w, r, wd, tmp } = st;
  const k = wasmKernels();
  if (k) {
    const t = k.logitFull(X, y, n, p, beta, marginal, grad, hess, wdx);
    st.ll = t.ll;
    st.wsum = t.wsum;
    st.extreme = t.extreme;
    return;
  }
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
      let e0 = 0;
      let e1 = 0;
      let j = 0;
      for (; j + 1 < p; j += 2) {
        const v0 = X[o + j];
        const v1 = X[o + j + 1];
        cols[j * BLOCK + i] = v0;
        cols[(j + 1) * BLOCK + i] = v1;
        e0 += v0 * beta[j];
        e1 += v1 * beta[j + 1];
      }
      if (j < p) {
        const v = X[o + j];
        cols[j * BLOCK + i] = v;
        e0 += v * beta[j];
      }
      const eta = e0 + e1;
      // μ = 1/(1 + e^−η) and ln(1 + e^η) from one exponential of −|η|.
      const abs = Math.abs(eta);
      const e = expNeg(abs);
      const q = 1 / (1 + e);
      const mu = eta >= 0 ? q : e * q;
      const yi = y[start + i];
      ll += yi * eta - 0.5 * (eta + abs);
      prod *= 1 + e;
      const wi = e * q * q; // μ(1 − μ)
      w[i] = wi;
      r[i] = yi - mu;
      wsum += wi;
      if (marginal) wd[i] = wi * (1 - 2 * mu);
      if (abs > 30) extreme++;
    }
    ll -= Math.log(prod);
    for (let a = 0; a < p; a++) {
      const oa = a * BLOCK;
      grad[a] += dot(r, 0, cols, oa, b);
      if (marginal) wdx[a] += dot(wd, 0, cols, oa, b);
      for (let i = 0; i < b; i++) tmp[i] = w[i] * cols[oa + i];
      // Four information entries per sweep: each load of tmp feeds four products.
      let c = a;
      for (; c + 3 < p; c += 4) {
        const o0 = c * BLOCK;
        const o1 = o0 + BLOCK;
        const o2 = o1 + BLOCK;
        const o3 = o2 + BLOCK;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let i = 0; i < b; i++) {
          const t = tmp[i];
          s0 += t * cols[o0 + i];
          s1 += t * cols[o1 + i];
          s2 += t * cols[o2 + i];
          s3 += t * cols[o3 + i];
        }
        const h = a * p + c;
        hess[h] += s0;
        hess[h + 1] += s1;
        hess[h + 2] += s2;
        hess[h + 3] += s3;
      }
      for (; c < p; c++) hess[a * p + c] += dot(tmp, 0, cols, c * BLOCK, b);
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
  const { grad, r } = st;
  const k = wasmKernels();
  if (k) {
    const t = k.logitGrad(X, y, n, p, beta, grad);
    st.ll = t.ll;
    st.extreme = t.extreme;
    return;
  }
  grad.fill(0);
  let ll = 0;
  let extreme = 0;
  for (let start = 0; start < n; start += BLOCK) {
    const b = Math.min(BLOCK, n - start);
    let prod = 1; // Σ ln(1 + e) as ln of products of 256 factors in [1, 2] (see logitPass)
    for (let i = 0; i < b; i++) {
      const o = (start + i) * p;
      // Four accumulators break the add-latency chain of η.
      let e0 = 0;
      let e1 = 0;
      let e2 = 0;
      let e3 = 0;
      let j = 0;
      for (; j + 3 < p; j += 4) {
        e0 += X[o + j] * beta[j];
        e1 += X[o + j + 1] * beta[j + 1];
        e2 += X[o + j + 2] * beta[j + 2];
        e3 += X[o + j + 3] * beta[j + 3];
      }
      for (; j < p; j++) e0 += X[o + j] * beta[j];
      const eta = e0 + e1 + (e2 + e3);
      const abs = Math.abs(eta);
      const e = expNeg(abs);
      const q = 1 / (1 + e);
      const yi = y[start + i];
      ll += yi * eta - 0.5 * (eta + abs);
      prod *= 1 + e;
      r[i] = yi - (eta >= 0 ? q : e * q);
      if (abs > 30) extreme++;
    }
    ll -= Math.log(prod);
    // The score by column over the block (rows still in cache), summed in registers.
    const o0 = start * p;
    for (let j = 0; j < p; j++) {
      let s0 = 0;
      let s1 = 0;
      let i = 0;
      for (; i + 1 < b; i += 2) {
        s0 += r[i] * X[o0 + i * p + j];
        s1 += r[i + 1] * X[o0 + (i + 1) * p + j];
      }
      if (i < b) s0 += r[i] * X[o0 + i * p + j];
      grad[j] += s0 + s1;
    }
  }
  st.ll = ll;
  st.extreme = extreme;
}
