/**
 * The full logistic result of `fitLogit` (coefficients with z inference, covariance from the observed
 * information, McFadden pseudo-R², LLR test, AIC/BIC, average marginal effects with delta-method SEs, warnings
 * and the named errors) from design rows that arrive in blocks: every likelihood pass sums the blocks' `logitPass`
 * (or `logitGradPass`) totals, and the Newton iterations are those of `fitLogit` step for step (full passes,
 * then chord steps with BFGS updates, the final pass carrying the marginal-effect sums, the 1-in-k subsample
 * warm start for n ≥ 200,000), so the estimates and the iteration count agree with the in-memory fit.
 * Rank and separation checks read the blocks too: TSQR of X for the pivoted-QR rank decision, per-class column
 * ranges for `checkSeparation`.
 */
import { chi2Sf } from "./distributions";
import { ModelError } from "./errors";
import { cholesky, cholInverse } from "./linalg";
import type { LogitResult } from "./logit";
import { logitGradPass, logitPass, passState, type PassState } from "./logit-pass";
import { newtonLoop, nearSingular, type Passes } from "./logit-newton";
import { OlsAccumulator, type RowBlock } from "./ols-blocks";
import { rankOfTriangle } from "./rank";
import { coefficientTable, type LogisticFit, type MarginalEffect, toRows } from "./regression-result";
import { checkSeparation } from "./separation";

/** Where the rows come from: the blocks in order, and any rows by design-row index (for the subsample). */
export interface BlockSource {
  blocks: () => Iterable<RowBlock>;
  /** Row-major design rows at these design-row indices. */
  rowsAt: (idx: Int32Array) => Float64Array;
  /** The outcome of every design row (n values: one column, not the design). */
  y: Float64Array;
}

/**
 * Fits P(y = 1) = 1 / (1 + exp(−Xβ)) by maximum likelihood over blocks of design rows.
 * @throws ModelError invalid_input (y not 0/1), too_few_rows, no_variance, collinear_predictors,
 *   perfect_separation (naming the predictor), not_converged
 * @example fitLogitOverBlocks(src, p, terms, sources, "renewed").coefficients
 */
export function fitLogitOverBlocks(src: BlockSource, p: number, terms: string[], sources: string[], outcome: string, maxIterations = 50): LogitResult {
  const { y } = src;
  const n = y.length;
  let ones = 0;
  for (let i = 0; i < n; i++) {
    const v = y[i];
    if (v !== 0 && v !== 1)
      throw new ModelError("invalid_input", `A logistic model needs ${outcome} coded 0/1; data row ${i + 1} has ${v}.`, [outcome]);
    ones += v;
  }
  if (n <= p)
    throw new ModelError("too_few_rows", `A logistic model with ${p} terms needs at least ${p + 1} complete rows (got ${n}).`, terms);
  if (ones === 0 || ones === n)
    throw new ModelError("no_variance", `${outcome} is ${ones === 0 ? 0 : 1} in every row used: there is nothing to predict.`, [outcome]);
  let checked = false;
  const separationCheck = () => {
    if (!checked) separationOverBlocks(src, p, terms, sources, outcome);
    checked = true;
  };
  const passes = blockPasses(src, p);
  const hasIntercept = terms[0] === "Intercept";
  const ybar = ones / n;
  const llNull = n * (ybar * Math.log(ybar) + (1 - ybar) * Math.log1p(-ybar));
  let beta: Float64Array = new Float64Array(p);
  if (hasIntercept) beta[0] = Math.log(ybar / (1 - ybar));
  const st = passState(p);
  const warm = n >= 200_000 && hasIntercept ? subsampleStart(src, n, p) : null;
  let hess: Float64Array | null = null;
  if (warm) {
    beta = warm.beta;
    hess = warm.hess;
    passes.grad(beta, st);
  } else {
    passes.full(beta, st, false);
    if (nearSingular(st.hess, p)) rankOverBlocks(src, p, n, terms);
  }
  const run = newtonLoop(passes, p, beta, st, hess, maxIterations, warm ? 2e-4 : 1e-5, separationCheck);
  beta = run.beta;
  const { iterations, converged, lastStep } = run;
  if (converged && !run.final) passes.full(beta, st, true);
  if (!converged || st.extreme > 0) separationCheck();
  if (!converged) {
    if (st.extreme > 0) {
      let big = 0;
      for (let j = 0; j < p; j++) big = Math.max(big, Math.abs(lastStep[j]));
      const named = new Set<string>();
      for (let j = hasIntercept ? 1 : 0; j < p; j++) if (Math.abs(lastStep[j]) > 0.1 * big) named.add(sources[j]);
      const list = [...named];
      throw new ModelError(
        "perfect_separation",
        `${outcome} is perfectly predicted for ${st.extreme} rows by a combination of ${list.join(", ")}: their coefficients grow without bound, so there is no finite estimate. Remove or merge those predictors.`,
        list,
      );
    }
    throw new ModelError("not_converged", `The logistic fit did not converge in ${iterations} Newton iterations: try fewer predictors or rescale them.`, terms);
  }
  const l = cholesky(st.hess, p);
  if (!l) throw new ModelError("not_converged", "The information matrix at the estimate is singular: the predictors are nearly collinear.", terms);
  const cov = cholInverse(l, p);
  const covRows = toRows(cov, p);
  const warnings: string[] = [];
  if (st.extreme > 0)
    warnings.push(`${st.extreme} rows have fitted probabilities within 1e-13 of 0 or 1: check for near-separation.`);
  // Average marginal effects: dydx_j = β_j · mean(w); J_jk = δ_jk mean(w) + β_j mean(w(1−2p) x_k).
  const mw = st.wsum / n;
  const first = hasIntercept ? 1 : 0;
  const marginalEffects: MarginalEffect[] = [];
  for (let j = first; j < p; j++) {
    const jac = new Float64Array(p);
    for (let k = 0; k < p; k++) jac[k] = (j === k ? mw : 0) + (beta[j] * st.wdx[k]) / n;
    let v = 0;
    for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) v += jac[a] * cov[a * p + b] * jac[b];
    marginalEffects.push({ term: terms[j], dydx: beta[j] * mw, stdError: v >= 0 ? Math.sqrt(v) : null });
  }
  const dfModel = p - (hasIntercept ? 1 : 0);
  const llr = 2 * (st.ll - llNull);
  const fit: LogisticFit = {
    logLik: st.ll,
    llNull,
    pseudoR2: 1 - st.ll / llNull,
    aic: -2 * st.ll + 2 * p,
    bic: -2 * st.ll + Math.log(n) * p,
    deviance: -2 * st.ll,
    nullDeviance: -2 * llNull,
    llr,
    llrPValue: dfModel > 0 ? chi2Sf(llr, dfModel) : 1,
    dfModel,
    dfResid: n - p,
    converged,
    iterations,
  };
  return { beta, coefficients: coefficientTable(terms, beta, covRows, null), covariance: covRows, fit, marginalEffects, warnings };
}

/** Likelihood passes that add up each block's totals into `st` (the light pass leaves st.hess alone, as logitGradPass does). */
function blockPasses(src: BlockSource, p: number): Passes {
  const one = passState(p);
  return {
    full(beta, st, marginal) {
      st.ll = 0;
      st.wsum = 0;
      st.extreme = 0;
      st.grad.fill(0);
      st.hess.fill(0);
      st.wdx.fill(0);
      for (const b of src.blocks()) {
        logitPass(b.X, b.y, b.n, p, beta, one, marginal);
        addTotals(st, one, p, true, marginal);
      }
    },
    grad(beta, st) {
      st.ll = 0;
      st.extreme = 0;
      st.grad.fill(0);
      for (const b of src.blocks()) {
        logitGradPass(b.X, b.y, b.n, p, beta, one);
        addTotals(st, one, p, false, false);
      }
    },
  };
}

function addTotals(st: PassState, one: PassState, p: number, full: boolean, marginal: boolean): void {
  st.ll += one.ll;
  st.extreme += one.extreme;
  for (let j = 0; j < p; j++) st.grad[j] += one.grad[j];
  if (!full) return;
  st.wsum += one.wsum;
  for (let k = 0; k < p * p; k++) st.hess[k] += one.hess[k];
  if (marginal) for (let j = 0; j < p; j++) st.wdx[j] += one.wdx[j];
}

/** The in-memory passes over one design held whole (the subsample). */
function memoryPasses(X: Float64Array, y: Float64Array, n: number, p: number): Passes {
  return {
    full: (beta, st, marginal) => logitPass(X, y, n, p, beta, st, marginal),
    grad: (beta, st) => logitGradPass(X, y, n, p, beta, st),
  };
}

/** fitLogit's warm start: the fit on every k-th row (k = ⌊n / 50,000⌋) and its information × k, or null. */
function subsampleStart(src: BlockSource, n: number, p: number): { beta: Float64Array; hess: Float64Array } | null {
  const k = Math.floor(n / 50_000);
  const m = Math.floor(n / k);
  const idx = new Int32Array(m);
  for (let i = 0; i < m; i++) idx[i] = i * k;
  const xs = src.rowsAt(idx);
  const ys = new Float64Array(m);
  let ones = 0;
  for (let i = 0; i < m; i++) {
    ys[i] = src.y[i * k];
    ones += ys[i];
  }
  if (ones === 0 || ones === m) return null;
  const beta = new Float64Array(p);
  beta[0] = Math.log(ones / (m - ones));
  const st = passState(p);
  const passes = memoryPasses(xs, ys, m, p);
  passes.full(beta, st, false);
  if (nearSingular(st.hess, p)) return null;
  const run = newtonLoop(passes, p, beta, st, null, 30, 1e-4);
  if (!run.converged || st.extreme > 0) return null;
  if (!run.final) passes.full(run.beta, st, false);
  return { beta: run.beta, hess: st.hess.map((v) => v * k) };
}

/**
 * fitLogit's rank check (scaledQr on the design) over blocks: no_variance for an all-zero or (with an intercept)
 * constant column, with the same message, then the pivoted QR of the column-scaled TSQR triangle of X, which
 * names the collinear terms.
 * @throws ModelError no_variance, collinear_predictors
 */
function rankOverBlocks(src: BlockSource, p: number, n: number, terms: string[]): void {
  const hasIntercept = terms[0] === "Intercept";
  const acc = new OlsAccumulator(p);
  const min = new Float64Array(p).fill(Infinity);
  const max = new Float64Array(p).fill(-Infinity);
  const ss = new Float64Array(p);
  for (const b of src.blocks()) {
    for (let i = 0; i < b.n; i++)
      for (let j = 0; j < p; j++) {
        const v = b.X[i * p + j];
        ss[j] += v * v;
        if (v < min[j]) min[j] = v;
        if (v > max[j]) max[j] = v;
      }
    acc.add({ X: b.X, y: new Float64Array(b.n), n: b.n });
  }
  for (let j = 0; j < p; j++)
    if (!(ss[j] > 0) || (hasIntercept && j > 0 && min[j] === max[j]))
      throw new ModelError("no_variance", `${terms[j]} has the same value (${min[j]}) in every row used, so its effect cannot be estimated: remove it.`, [terms[j]]);
  rankOfTriangle(acc.R, p + 1, p, n, terms, () => null);
}

/**
 * checkSeparation over blocks: it decides from each column's range among y = 0 and among y = 1 only, so four
 * rows carrying those minima and maxima (two per class) give it the same decision and message as the design.
 * @throws ModelError perfect_separation
 */
function separationOverBlocks(src: BlockSource, p: number, terms: string[], sources: string[], outcome: string): void {
  const min0 = new Float64Array(p).fill(Infinity), max0 = new Float64Array(p).fill(-Infinity);
  const min1 = new Float64Array(p).fill(Infinity), max1 = new Float64Array(p).fill(-Infinity);
  for (const b of src.blocks())
    for (let i = 0; i < b.n; i++) {
      const lo = b.y[i] === 1 ? min1 : min0;
      const hi = b.y[i] === 1 ? max1 : max0;
      for (let j = 0; j < p; j++) {
        const v = b.X[i * p + j];
        if (v < lo[j]) lo[j] = v;
        if (v > hi[j]) hi[j] = v;
      }
    }
  const X4 = new Float64Array(4 * p);
  X4.set(min0, 0);
  X4.set(max0, p);
  X4.set(min1, 2 * p);
  X4.set(max1, 3 * p);
  checkSeparation(X4, Float64Array.of(0, 0, 1, 1), 4, p, terms, sources, outcome);
}
