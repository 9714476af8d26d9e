/** Codes of numerical trouble a fit can meet; the worker answers each with a 422. */
export type ModelErrorCode =
  | "perfect_separation"
  | "collinear_predictors"
  | "too_few_rows"
  | "no_variance"
  | "not_converged"
  | "invalid_input"
  | "no_transactions"
  | "no_repeat_buyers"
  | "horizon_too_long"
  | "invalid_model"
  | "change_out_of_range";

/**
 * A named error from models/: the message says what went wrong and what to do.
 * `terms` names the predictors or terms at fault, where there are any.
 * @example throw new ModelError("too_few_rows", "fitOls needs at least 4 rows for 3 predictors (got 2)")
 */
export class ModelError extends Error {
  constructor(
    readonly code: ModelErrorCode,
    message: string,
    readonly terms: string[] = [],
  ) {
    super(message);
    this.name = "ModelError";
  }
}

/** A named warning: what the data cannot carry and what to do, for an answer that is still given. */
export interface Warning {
  code: string;
  message: string;
}
