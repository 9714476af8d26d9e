import { validateHoldout } from "../../models/regression/holdout";
import { coefficientEstimates } from "../../models/regression/model";
import { fitRegression } from "../../models/regression/fit";
import { fitRegressionBlocks } from "../../models/regression/fit-blocks";
import { translateEffects } from "../../models/regression/translation";
import { joinAccounts, joinDatasets, type SurveyChoice } from "../data/join";
import type { Env } from "../env";
import { limit } from "../env";
import { ApiError } from "../errors";
import { csatAfterShift, npsAfterShift, solveShift } from "../../models/scenario/levers";
import { cachedTargetAnswers } from "../data/answer-cache";
import { accountFrame, bookFor, bookInBlocks, clipFor, modelBlockRows, ownColumn } from "./frame";
import { insertModel, type StoredModel } from "../data/models-store";

/** Most levels a categorical predictor may have, and most terms a model may have. */
const MAX_LEVELS = 100;
const MAX_TERMS = 200;

/** A fit request as the API takes it (defaults filled in by the zod schema of POST .../models). */
export interface FitModelRequest {
  kind: "linear" | "logistic";
  outcome: string;
  predictors: string[];
  covariance?: "nonrobust" | "HC3";
  name?: string;
  horizonYears: number;
  annualDiscountRate: number;
  validationSeed: number;
  /** Responses behind the account means; default relationship when the responses have any, else all (docs/methods.md#survey-type). */
  surveyType?: SurveyChoice;
}

export interface FitModelRun {
  stored: StoredModel;
  /** Rows per block when the design was built in blocks (over MODEL_BLOCK_CELLS), else 0. */
  blockRows: number;
}

/**
 * Fits a model on the workspace's joined accounts and stores it: checks the request against the data (predictor
 * count, names, categorical levels, terms), fits (in blocks of design rows over MODEL_BLOCK_CELLS), translates each
 * CX predictor's effect into money, validates on a seeded holdout, and stores the result.
 * @throws ApiError 400 duplicate_predictors, 422 too_many_predictors / unknown_column / too_many_levels / too_many_terms; ModelError from the fit
 */
export async function fitModelRequest(env: Env, ws: string, req: FitModelRequest): Promise<FitModelRun> {
  const maxPredictors = limit(env, "MAX_PREDICTORS", 30);
  if (req.predictors.length > maxPredictors) {
    throw new ApiError(422, "too_many_predictors", `At most ${maxPredictors} predictors per model (got ${req.predictors.length}).`, [
      { column: "predictors", message: `${req.predictors.length} > ${maxPredictors}` },
    ]);
  }
  if (new Set(req.predictors).size !== req.predictors.length) {
    throw new ApiError(400, "duplicate_predictors", "Each predictor may appear once.", [{ column: "predictors", message: "duplicates" }]);
  }
  const datasets = await joinDatasets(env, ws);
  const joined = await joinAccounts(env, datasets.accounts, datasets.responses, req.surveyType);
  const data = accountFrame(joined);
  for (const name of [req.outcome, ...req.predictors]) {
    if (!Object.hasOwn(data, name)) {
      throw new ApiError(
        422,
        "unknown_column",
        `No column "${name}" in the joined accounts. Available: ${Object.keys(data).sort().join(", ")}.`,
        [{ column: name, message: "not a column of the joined accounts" }],
      );
    }
  }
  // A text predictor becomes one dummy per level: an id-like column would make a design of n × n.
  let terms = 1;
  for (const name of req.predictors) {
    const col = ownColumn(joined.text, name);
    if (!col) {
      terms++;
      continue;
    }
    const levels = new Set(col.filter((v) => v !== null && v !== "")).size;
    if (levels > MAX_LEVELS) {
      throw new ApiError(
        422,
        "too_many_levels",
        `${name} is a text column with ${levels} distinct values: as a categorical predictor it would need ${levels - 1} dummy terms (at most ${MAX_LEVELS} levels). Use a grouping column instead.`,
        [{ column: name, message: `${levels} levels > ${MAX_LEVELS}` }],
      );
    }
    terms += Math.max(levels - 1, 0);
  }
  if (terms > MAX_TERMS) {
    throw new ApiError(422, "too_many_terms", `The model would have ${terms} terms (at most ${MAX_TERMS}): drop a categorical predictor.`, [
      { column: "predictors", message: `${terms} terms` },
    ]);
  }
  const input = { kind: req.kind, data, outcome: req.outcome, predictors: req.predictors, covariance: req.covariance };
  // A design over MODEL_BLOCK_CELLS cells (accounts × terms) is never held whole: the fit, the translation and
  // the holdout build it a block of rows at a time, with the same result to rounding.
  const blockRows = modelBlockRows(env, joined.numeric.arr?.length ?? 0, terms);
  const fit = blockRows ? fitRegressionBlocks(input, blockRows) : fitRegression(input);
  const recipe = { ...fit, levels: fit.design.levels };
  const fitted = blockRows
    ? bookInBlocks(joined, recipe, { requireOutcome: true }, blockRows)
    : bookFor(joined, recipe, { requireOutcome: true });
  const rows = "X" in fitted ? { X: fitted.X, arr: fitted.arr } : { blocks: fitted.blocks };
  // The per-answer shift worth +1 NPS score point / +1 pp of satisfied CSAT answers on the fitted accounts' answers.
  const inBook = new Uint8Array(joined.n);
  for (const r of fitted.rows) inBook[r] = 1;
  const answers = await cachedTargetAnswers(env, ws, joined, inBook, datasets);
  const step = (score: (x: number) => number | null, span: number) => {
    const before = score(0);
    if (before === null) return undefined;
    try {
      return solveShift((x) => score(x)!, before, before + 1, span, "score");
    } catch {
      return undefined;
    }
  };
  const scoreStep = {
    nps: step((x) => npsAfterShift(answers.nps, x), 10),
    csat: step((x) => csatAfterShift(answers.csat, x), answers.csatScale),
  };
  const translation = translateEffects({
    kind: fit.kind,
    outcome: fit.outcome,
    terms: fit.terms,
    beta: coefficientEstimates(fit),
    cov: fit.covariance,
    ...rows,
    horizonYears: req.horizonYears,
    annualDiscountRate: req.annualDiscountRate,
    clip: clipFor(joined.csatScale),
    scoreStep,
  });
  const validation = validateHoldout({ ...input, levels: fit.design.levels }, req.validationSeed, blockRows ? { blockRows } : {});
  const stored = await insertModel(env, ws, {
    kind: fit.kind,
    outcome: fit.outcome,
    spec: req,
    result: {
      ...fit,
      surveyType: joined.surveyType,
      translation,
      validation,
      data: { datasets: joined.datasets, join: joined.report, csatScale: joined.csatScale },
    },
    datasets: joined.datasets,
  });
  return { stored, blockRows };
}
