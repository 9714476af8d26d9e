/**
 * `fitRegression` for designs too large to hold: the same checks, terms, levels and excluded rows
 * (`planDesign`), with the design built `blockRows` rows at a time from the columns (`designBlock`) and fed to
 * the block fitters (models/regression/ols-blocks.ts, models/regression/logistic-blocks.ts). Only one block of the design, the
 * kept rows' indices and the outcome are held. Returns the same result as `fitRegression`, to rounding.
 */
import { type Column, type DesignPlan, designBlock, designRowsAt, planDesign } from "./design";
import { fitLogitOverBlocks } from "./logistic-blocks";
import { fitOlsOverBlocks } from "./ols-blocks";
import type { RowBlock } from "./ols-accumulator";
import { checkDesign, checkRegressionInput, linearResult, logisticResult, outcomeRows, type RegressionInput, sharedResult } from "./fit";
import type { RegressionResult } from "./result";

/**
 * The design rows in blocks of `blockRows`, each with its outcome values (a fresh generator per call).
 * @example for (const b of designBlocks(plan, data, y, 65536)()) use(b.X, b.y, b.n);
 */
export function designBlocks(
  plan: DesignPlan,
  data: Record<string, Column>,
  y: Float64Array | null,
  blockRows: number,
): () => Iterable<RowBlock> {
  const size = Math.max(1, Math.floor(blockRows));
  return function* () {
    for (let from = 0; from < plan.n; from += size) {
      const to = Math.min(plan.n, from + size);
      yield { X: designBlock(plan, data, from, to), y: y ? y.subarray(from, to) : new Float64Array(to - from), n: to - from };
    }
  };
}

/**
 * Fits a linear (OLS) or logistic regression like `fitRegression`, building the design `blockRows` rows at a time.
 * @throws ModelError as fitRegression: invalid_input, too_few_rows, no_variance, collinear_predictors,
 *   perfect_separation (logistic, naming the predictor), not_converged
 * @example fitRegressionBlocks({ kind: "logistic", data, outcome: "admit", predictors: ["gre", "gpa", "rank"] }, 65536).coefficients
 */
export function fitRegressionBlocks(input: RegressionInput, blockRows: number): RegressionResult {
  const covarianceType = checkRegressionInput(input);
  const { data } = input;
  const plan = planDesign(data, input.predictors, { levels: input.levels, intercept: input.intercept ?? true, required: [input.outcome] });
  checkDesign(plan, input);
  const y = outcomeRows(data[input.outcome], plan.rows);
  const shared = sharedResult(input, plan, covarianceType);
  const blocks = designBlocks(plan, data, y, blockRows);
  if (input.kind === "linear") return linearResult(shared, fitOlsOverBlocks(blocks, plan.p, plan.terms, covarianceType));
  const rowsAt = (idx: Int32Array) => designRowsAt(plan, data, idx);
  return logisticResult(shared, fitLogitOverBlocks({ blocks, rowsAt, y }, plan.p, plan.terms, plan.sources, input.outcome));
}
