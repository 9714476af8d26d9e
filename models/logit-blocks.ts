/**
 * Logistic regression over data that arrives in blocks: Newton–Raphson / IRLS whose every iteration
 * adds up each block's log-likelihood, score Xᵀ(y − μ) and information XᵀWX (the same block pass
 * `logitPass` that `fitLogit` runs in memory), so only one block is needed at a time. Step halving
 * keeps the likelihood from falling (McCullagh & Nelder 1989 §4.4).
 */
import { ModelError } from "./errors";
import { cholesky, cholInverse, cholSolve } from "./linalg";
import { logitPass, passState } from "./logit-pass";
import type { RowBlock } from "./ols-blocks";

export interface LogitBlocksResult {
  beta: Float64Array;
  stdErrors: Float64Array;
  covariance: Float64Array;
  logLik: number;
  iterations: number;
  n: number;
}

/** Totals of one pass over all blocks at β. */
function passAll(blocks: () => Iterable<RowBlock>, p: number, beta: Float64Array) {
  const st = passState(p);
  const grad = new Float64Array(p), hess = new Float64Array(p * p);
  let ll = 0, n = 0;
  for (const b of blocks()) {
    logitPass(b.X, b.y, b.n, p, beta, st, false);
    ll += st.ll;
    n += b.n;
    for (let j = 0; j < p; j++) grad[j] += st.grad[j];
    for (let k = 0; k < p * p; k++) hess[k] += st.hess[k];
  }
  return { ll, grad, hess, n };
}

/**
 * Fits P(y = 1) = 1/(1 + e^−Xβ) by maximum likelihood, reading the blocks once per iteration.
 * @param blocks called once per pass; yields the same blocks in the same order each time
 * @throws ModelError not_converged (no convergence in maxIterations, or a singular information matrix)
 * @example fitLogitBlocks(() => blocks, p, terms).beta
 */
export function fitLogitBlocks(blocks: () => Iterable<RowBlock>, p: number, terms: string[], maxIterations = 50): LogitBlocksResult {
  let beta = new Float64Array(p);
  let cur = passAll(blocks, p, beta);
  for (let it = 1; it <= maxIterations; it++) {
    // Newton step H⁻¹g after symmetric diagonal scaling of H.
    const d = Float64Array.from({ length: p }, (_, j) => 1 / Math.sqrt(cur.hess[j * p + j]));
    const hs = new Float64Array(p * p);
    for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) hs[a * p + b] = cur.hess[a * p + b] * d[a] * d[b];
    const l = cholesky(hs, p);
    if (!l) throw new ModelError("not_converged", "The information matrix is singular: the predictors are collinear.", terms);
    const step = cholSolve(l, p, Float64Array.from(cur.grad, (g, j) => g * d[j]));
    for (let j = 0; j < p; j++) step[j] *= d[j];
    let t = 1;
    let next = cur;
    let nb = beta;
    for (let h = 0; h < 40; h++) {
      nb = Float64Array.from(beta, (b, j) => b + t * step[j]);
      next = passAll(blocks, p, nb);
      if (next.ll >= cur.ll - 1e-12 * Math.abs(cur.ll)) break;
      t /= 2;
    }
    let rel = 0;
    for (let j = 0; j < p; j++) rel = Math.max(rel, Math.abs(t * step[j]) / (1 + Math.abs(beta[j])));
    beta = nb;
    cur = next;
    if (rel < 1e-10) {
      const lc = cholesky(cur.hess, p);
      if (!lc) throw new ModelError("not_converged", "The information matrix at the estimate is singular.", terms);
      const covariance = cholInverse(lc, p);
      const stdErrors = Float64Array.from({ length: p }, (_, j) => Math.sqrt(covariance[j * p + j]));
      return { beta, stdErrors, covariance, logLik: cur.ll, iterations: it, n: cur.n };
    }
  }
  throw new ModelError("not_converged", `The logistic fit did not converge in ${maxIterations} Newton iterations.`, terms);
}
