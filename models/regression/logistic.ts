/**
 * Logistic regression by Newton–Raphson / IRLS with step halving
 * (McCullagh & Nelder 1989 §4.4), standard errors from the observed
 * information XᵀWX, z inference, McFadden pseudo-R², and average marginal
 * effects with delta-method standard errors (statsmodels
 * `get_margeff(at="overall", method="dydx")`).
 */
import { chi2Sf } from "../numeric/distributions";
import { ModelError } from "../numeric/errors";
import { cholesky, cholInverse } from "../numeric/linalg";
import { nearSingular, newtonLoop, type Passes } from "./logistic-newton";
import { logitGradPass, logitPass, passState } from "./logistic-pass";
import { scaledQr } from "./rank";
import { coefficientTable, type Coefficient, type LogisticFit, type MarginalEffect, toRows } from "./result";
import { checkSeparation } from "./separation";

export interface LogitResult {
  beta: Float64Array;
  coefficients: Coefficient[];
  covariance: number[][];
  fit: LogisticFit;
  marginalEffects: MarginalEffect[];
  warnings: string[];
}

export interface LogitOptions {
  maxIterations?: number;
  /** Skip the rank check (the caller has done it). */
  skipRankCheck?: boolean;
}

/**
 * Fits P(y = 1) = 1 / (1 + exp(−Xβ)) by maximum likelihood.
 * @param X row-major n × p design; y 0/1 outcome
 * @throws ModelError invalid_input (y not 0/1), too_few_rows, no_variance, collinear_predictors,
 *   perfect_separation (naming the predictor), not_converged
 * @example fitLogit(X, y, n, p, terms, sources, "admit").coefficients[1].estimate
 */
export function fitLogit(
  X: Float64Array,
  y: Float64Array,
  n: number,
  p: number,
  terms: string[],
  sources: string[],
  outcome: string,
  opts: LogitOptions = {},
): LogitResult {
  return fitLogitFrom(
    {
      y,
      passes: inMemoryPasses(X, y, n, p),
      rowsAt: (idx) => {
        const xs = new Float64Array(idx.length * p);
        for (let i = 0; i < idx.length; i++) for (let j = 0; j < p; j++) xs[i * p + j] = X[idx[i] * p + j];
        return xs;
      },
      rankCheck: opts.skipRankCheck ? undefined : () => scaledQr(X, n, p, terms),
      separationCheck: () => checkSeparation(X, y, n, p, terms, sources, outcome),
    },
    p,
    terms,
    sources,
    outcome,
    opts.maxIterations ?? 50,
  );
}

/** Where a logistic fit reads its rows: held whole (fitLogit) or in blocks (fitLogitOverBlocks). */
export interface LogitSource {
  /** The 0/1 outcome of every design row. */
  y: Float64Array;
  /** The likelihood passes over all rows. */
  passes: Passes;
  /** Row-major design rows at these design-row indices (the warm start's subsample). */
  rowsAt: (idx: Int32Array) => Float64Array;
  /** Names the constant or collinear terms (throws) when the information looks singular; none = skip. */
  rankCheck?: () => void;
  /** Throws perfect_separation naming the predictor when the rows are separated. */
  separationCheck: () => void;
}

/**
 * The fit of `fitLogit` on any row source: Newton iterations from the intercept-only start (or, for n ≥ 200,000,
 * from a subsample fit), the named errors, covariance, marginal effects and fit statistics.
 * @example fitLogitFrom(src, p, terms, sources, "renewed", 50).coefficients
 */
export function fitLogitFrom(
  src: LogitSource,
  p: number,
  terms: string[],
  sources: string[],
  outcome: string,
  maxIterations: number,
): LogitResult {
  const { y, passes } = src;
  const n = y.length;
  const ones = countOnes(y);
  if (ones < 0) {
    const bad = -1 - ones;
    throw new ModelError("invalid_input", `A logistic model needs ${outcome} coded 0/1; data row ${bad + 1} has ${y[bad]}.`, [outcome]);
  }
  if (n <= p)
    throw new ModelError("too_few_rows", `A logistic model with ${p} terms needs at least ${p + 1} complete rows (got ${n}).`, terms);
  if (ones === 0 || ones === n)
    throw new ModelError("no_variance", `${outcome} is ${ones === 0 ? 0 : 1} in every row used: there is nothing to predict.`, [outcome]);
  // The direct separation check (one pass) runs only when the fit shows its signs: rows with fitted
  // probabilities within 1e-13 of 0 or 1, or no convergence. Without separation the MLE exists and
  // Newton converges with finite fitted values, so a clean fit needs no check.
  let checked = false;
  const separationCheck = () => {
    if (!checked) src.separationCheck();
    checked = true;
  };

  const hasIntercept = terms[0] === "Intercept";
  const ybar = ones / n;
  const llNull = n * (ybar * Math.log(ybar) + (1 - ybar) * Math.log1p(-ybar));
  let beta: Float64Array = new Float64Array(p);
  if (hasIntercept) beta[0] = Math.log(ybar / (1 - ybar));
  const st = passState(p);
  // Large n: start from the fit on a subsample of about 50,000 rows (evenly spaced runs of consecutive rows),
  // with its information scaled by n / m as the first one. It lands within sampling error of the optimum, and the
  // full data are then read only by light chord passes and one final full pass.
  const warm = n >= 200_000 && hasIntercept ? subsampleStart(src, n, p) : null;
  let hess: Float64Array | null = null;
  if (warm) {
    beta = warm.beta;
    hess = warm.hess;
    passes.grad(beta, st);
  } else {
    passes.full(beta, st, false);
    // The information XᵀWX (W > 0) is singular exactly when X is: a near-singular one sends the design
    // to the pivoted QR, which names the constant or collinear terms. (A subsample that could be fitted
    // proves the full design has full rank.)
    if (src.rankCheck && nearSingular(st.hess, p)) src.rankCheck();
  }
  // Large n stops the iterations one pass earlier (error ≤ 4e-8): the Newton step from the final full pass,
  // taken without another pass, then leaves an error of order 1e-16 in the estimates.
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
    throw new ModelError(
      "not_converged",
      `The logistic fit did not converge in ${iterations} Newton iterations: try fewer predictors or rescale them.`,
      terms,
    );
  }

  const l = cholesky(st.hess, p);
  if (!l)
    throw new ModelError(
      "not_converged",
      "The information matrix at the estimate is singular: the predictors are nearly collinear.",
      terms,
    );
  const cov = cholInverse(l, p);
  const covRows = toRows(cov, p);
  const warnings: string[] = [];
  if (st.extreme > 0) warnings.push(`${st.extreme} rows have fitted probabilities within 1e-13 of 0 or 1: check for near-separation.`);

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

/**
 * Σ y when every value is 0 or 1, else −1 − (index of the first other value). One branch-free scan: a branch per
 * row would be mispredicted half the time on 0/1 data. In a function of its own so V8 optimises it as a whole.
 */
function countOnes(y: Float64Array): number {
  let ones = 0;
  let bad = 0;
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    ones += v;
    bad |= Number(v !== 0) & Number(v !== 1);
  }
  if (!bad) return ones;
  let i = 0;
  while (y[i] === 0 || y[i] === 1) i++;
  return -1 - i;
}

/** The likelihood passes over a design held whole (row-major n × p). */
export function inMemoryPasses(X: Float64Array, y: Float64Array, n: number, p: number): Passes {
  return {
    full: (beta, st, marginal) => logitPass(X, y, n, p, beta, st, marginal),
    grad: (beta, st) => logitGradPass(X, y, n, p, beta, st),
  };
}

/** Rows per run of the warm start's subsample, and the number of runs (about 50,000 rows in all). */
const RUN = 256;
const RUNS = 196;

/**
 * The fit on a subsample of 196 runs of 256 consecutive rows, evenly spaced over the n rows (column 0 the
 * intercept), and its information × n / m, or null when it cannot be fitted. Runs of consecutive rows are read at
 * memory speed, where every k-th row cost a cache miss per row.
 */
function subsampleStart(src: LogitSource, n: number, p: number): { beta: Float64Array; hess: Float64Array } | null {
  const m = RUNS * RUN;
  const idx = new Int32Array(m);
  for (let r = 0; r < RUNS; r++) {
    const first = Math.floor((r * n) / RUNS);
    for (let i = 0; i < RUN; i++) idx[r * RUN + i] = first + i;
  }
  const xs = src.rowsAt(idx);
  const ys = new Float64Array(m);
  let ones = 0;
  for (let i = 0; i < m; i++) {
    ys[i] = src.y[idx[i]];
    ones += ys[i];
  }
  if (ones === 0 || ones === m) return null;
  const beta = new Float64Array(p);
  beta[0] = Math.log(ones / (m - ones));
  const st = passState(p);
  const passes = inMemoryPasses(xs, ys, m, p);
  passes.full(beta, st, false);
  if (nearSingular(st.hess, p)) return null;
  // A warm start only needs to be within sampling error: a loose tolerance.
  const run = newtonLoop(passes, p, beta, st, null, 30, 1e-4);
  if (!run.converged || st.extreme > 0) return null;
  if (!run.final) passes.full(run.beta, st, false);
  return { beta: run.beta, hess: st.hess.map((v) => (v * n) / m) };
}
