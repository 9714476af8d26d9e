/**
 * The fitted model as stored and served: the regression result with its
 * plain-language translation and holdout validation. `loadModel` checks a
 * stored model's JSON and returns it typed (as mljs's `load` does); `predict`
 * scores design rows with it.
 */
import { ModelError } from "../numeric/errors";
import { logistic } from "../numeric/logistic";
import type { HoldoutValidation } from "./holdout";
import type { RegressionResult } from "./result";
import type { Translation } from "./translation";

/** Where a fitted model's data came from, as the worker recorded it at fit time. */
export interface FittedModelData {
  datasets: { accounts: string; responses: string | null };
  join?: { accounts: number; responses: number; matchedAccounts: number; orphanResponses: number; accountsWithoutResponses?: number };
  csatScale?: number;
}

/** A regression fit with everything the API answers about it (without the stored id and name). */
export interface FittedModel extends RegressionResult {
  /** Which survey responses the accounts' mean nps / csat / ces came from (absent on models fitted before survey types: all). */
  surveyType?: "relationship" | "transactional" | "all";
  translation: Translation[];
  validation: HoldoutValidation;
  data?: FittedModelData;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === "string");

/**
 * Checks a stored model (its JSON text or the parsed object) and returns it typed. Checks what scoring and
 * scenarios rely on: kind, outcome, predictors, terms, one finite estimate per term, a terms × terms finite
 * covariance, the categorical levels, and the translation, validation and warnings lists.
 * @throws ModelError invalid_model naming the first malformed field
 * @example loadModel(JSON.stringify(fitted)).coefficients[1].estimate // => the fitted slope
 */
export function loadModel(json: unknown): FittedModel {
  let m: unknown = json;
  if (typeof json === "string") {
    try {
      m = JSON.parse(json);
    } catch {
      throw malformed("it is not JSON");
    }
  }
  if (!isObject(m)) throw malformed("it is not an object");
  if (m.kind !== "linear" && m.kind !== "logistic") throw malformed(`kind is ${JSON.stringify(m.kind)}, not "linear" or "logistic"`);
  if (typeof m.outcome !== "string") throw malformed("outcome is not a column name");
  if (!isStrings(m.predictors)) throw malformed("predictors is not a list of column names");
  if (!isStrings(m.terms) || m.terms.length === 0) throw malformed("terms is not a non-empty list of names");
  const terms = m.terms;
  const p = terms.length;
  const coefficients = m.coefficients;
  if (!Array.isArray(coefficients) || coefficients.length !== p) throw malformed(`coefficients is not a list of ${p} (one per term)`);
  coefficients.forEach((c: unknown, j) => {
    if (!isObject(c) || c.term !== terms[j] || typeof c.estimate !== "number" || !Number.isFinite(c.estimate))
      throw malformed(`coefficient ${j + 1} is not a finite estimate of term ${terms[j]}`);
  });
  const cov = m.covariance;
  if (!Array.isArray(cov) || cov.length !== p) throw malformed(`covariance is not ${p} × ${p}`);
  cov.forEach((row: unknown, i) => {
    if (!Array.isArray(row) || row.length !== p || !row.every((v) => typeof v === "number" && Number.isFinite(v)))
      throw malformed(`covariance row ${i + 1} is not ${p} finite numbers`);
  });
  if (!isObject(m.design) || !isObject(m.design.levels) || !Object.values(m.design.levels).every(isStrings))
    throw malformed("design.levels is not a list of levels per categorical predictor");
  if (!Array.isArray(m.translation)) throw malformed("translation is not a list");
  if (!isObject(m.validation)) throw malformed("validation is not an object");
  if (!isStrings(m.warnings)) throw malformed("warnings is not a list of messages");
  return m as unknown as FittedModel;
}

function malformed(what: string): ModelError {
  return new ModelError("invalid_model", `The stored model is malformed (${what}): fit the model again.`);
}

/**
 * The coefficient estimates β̂ in term order.
 * @example coefficientEstimates(model) // => [β₀, β₁, ...]
 */
export function coefficientEstimates(model: Pick<RegressionResult, "coefficients">): number[] {
  return model.coefficients.map((c) => c.estimate);
}

/**
 * The linear predictor x_i·β of row `i` of an n × p row-major design, summed in column order.
 * @example linearPredictor(Float64Array.of(1, 2), 0, [0.5, 0.25]) // => 1
 */
export function linearPredictor(X: ArrayLike<number>, i: number, beta: ArrayLike<number>): number {
  const p = beta.length;
  const off = i * p;
  let eta = 0;
  for (let j = 0; j < p; j++) eta += X[off + j] * beta[j];
  return eta;
}

/**
 * The model's prediction for each row of an n × p row-major design built with its terms: P(outcome = 1) =
 * logistic(x·β̂) for a logistic model, ŷ = x·β̂ for a linear one.
 * @example predict({ kind: "logistic", coefficients }, Float64Array.of(1, 0)) // => [logistic(β₀)]
 */
export function predict(model: Pick<RegressionResult, "kind" | "coefficients">, X: ArrayLike<number>): Float64Array {
  const beta = coefficientEstimates(model);
  const n = X.length / beta.length;
  if (!Number.isInteger(n))
    throw new ModelError("invalid_input", `the design has ${X.length} entries, not a whole number of rows of ${beta.length} terms`);
  const out = new Float64Array(n);
  const logit = model.kind === "logistic";
  for (let i = 0; i < n; i++) {
    const eta = linearPredictor(X, i, beta);
    out[i] = logit ? logistic(eta) : eta;
  }
  return out;
}
