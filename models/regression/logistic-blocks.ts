/**
 * The full logistic result of `fitLogit` (coefficients with z inference, covariance from the observed
 * information, McFadden pseudo-R², LLR test, AIC/BIC, average marginal effects with delta-method SEs, warnings
 * and the named errors) from design rows that arrive in blocks: every likelihood pass sums the blocks' `logitPass`
 * (or `logitGradPass`) totals, and everything else is `fitLogit`'s own code (`fitLogitFrom`: the Newton
 * iterations, the subsample warm start, the errors and the result), so the estimates and the iteration
 * count agree with the in-memory fit.
 * Rank and separation checks read the blocks too: TSQR of X for the pivoted-QR rank decision, per-class column
 * ranges for `checkSeparation`.
 */
import { ModelError } from "../numeric/errors";
import { fitLogitFrom, type LogitResult } from "./logistic";
import { logitGradPass, logitPass, passState, type PassState } from "./logistic-pass";
import type { Passes } from "./logistic-newton";
import { OlsAccumulator, type RowBlock } from "./ols-accumulator";
import { rankOfTriangle } from "./rank";
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
export function fitLogitOverBlocks(
  src: BlockSource,
  p: number,
  terms: string[],
  sources: string[],
  outcome: string,
  maxIterations = 50,
): LogitResult {
  return fitLogitFrom(
    {
      y: src.y,
      passes: blockPasses(src, p),
      rowsAt: src.rowsAt,
      rankCheck: () => rankOverBlocks(src, p, src.y.length, terms),
      separationCheck: () => separationOverBlocks(src, p, terms, sources, outcome),
    },
    p,
    terms,
    sources,
    outcome,
    maxIterations,
  );
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
      throw new ModelError(
        "no_variance",
        `${terms[j]} has the same value (${min[j]}) in every row used, so its effect cannot be estimated: remove it.`,
        [terms[j]],
      );
  rankOfTriangle(acc.R, p + 1, p, n, terms, () => null);
}

/**
 * checkSeparation over blocks: it decides from each column's range among y = 0 and among y = 1 only, so four
 * rows carrying those minima and maxima (two per class) give it the same decision and message as the design.
 * @throws ModelError perfect_separation
 */
function separationOverBlocks(src: BlockSource, p: number, terms: string[], sources: string[], outcome: string): void {
  const min0 = new Float64Array(p).fill(Infinity),
    max0 = new Float64Array(p).fill(-Infinity);
  const min1 = new Float64Array(p).fill(Infinity),
    max1 = new Float64Array(p).fill(-Infinity);
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
