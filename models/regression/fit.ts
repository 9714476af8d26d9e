/**
 * One entry point for the regression models: builds the design from named
 * columns (models/regression/design.ts) and fits OLS (models/regression/ols.ts) or logistic
 * regression (models/regression/logistic.ts), returning the model object (docs/api.md#models) without id.
 */
import { buildDesign, type Column, type DesignPlan, isTextColumn, numAt } from "./design";
import { ModelError } from "../numeric/errors";
import { fitLogit, type LogitResult } from "./logistic";
import { fitOls, type OlsResult } from "./ols";
import type { RegressionResult } from "./result";

export type { Column } from "./design";
export type { RegressionResult, Coefficient, MarginalEffect, LinearFit, LogisticFit } from "./result";

export interface RegressionInput {
  kind: "linear" | "logistic";
  data: Record<string, Column>;
  outcome: string;
  /** Numeric columns by name; text columns are categorical. */
  predictors: string[];
  covariance?: "nonrobust" | "HC3";
  /** Fixed levels for categoricals (first = reference), e.g. reused from a fit. */
  levels?: Record<string, string[]>;
  /** Include the intercept (default true); false fits through the origin (R² uncentred). */
  intercept?: boolean;
}

/**
 * Fits a linear (OLS) or logistic regression of `outcome` on `predictors`.
 * Rows missing the outcome or any predictor are excluded and counted.
 * @throws ModelError invalid_input, too_few_rows, no_variance, collinear_predictors,
 *   perfect_separation (logistic, naming the predictor), not_converged
 * @example
 * fitRegression({ kind: "logistic", data: { admit, gre, gpa, rank }, outcome: "admit", predictors: ["gre", "gpa", "rank"] })
 *   .coefficients[1].estimate // => 0.002264 (UCLA admissions, rank as text)
 */
export function fitRegression(input: RegressionInput): RegressionResult {
  const covarianceType = checkRegressionInput(input);
  const d = buildDesign(input.data, input.predictors, {
    levels: input.levels,
    intercept: input.intercept ?? true,
    required: [input.outcome],
  });
  checkDesign(d, input);
  const y = outcomeRows(input.data[input.outcome], d.rows);
  const shared = sharedResult(input, d, covarianceType);
  if (input.kind === "linear") return linearResult(shared, fitOls(d.X, y, d.n, d.p, d.terms, covarianceType));
  return logisticResult(shared, fitLogit(d.X, y, d.n, d.p, d.terms, d.sources, input.outcome));
}

/**
 * The checks of a request before any design is built; returns the covariance type.
 * @throws ModelError invalid_input
 * @example const covarianceType = checkRegressionInput(input);
 */
export function checkRegressionInput(input: RegressionInput): "nonrobust" | "HC3" {
  const { kind, data, outcome, predictors } = input;
  const covarianceType = input.covariance ?? "nonrobust";
  if (kind !== "linear" && kind !== "logistic")
    throw new ModelError("invalid_input", `kind must be "linear" or "logistic" (got ${String(kind)}).`);
  if (!data[outcome]) throw new ModelError("invalid_input", `No column named "${outcome}" in the data.`, [outcome]);
  if (isTextColumn(data[outcome]))
    throw new ModelError("invalid_input", `The outcome ${outcome} must be numeric${kind === "logistic" ? " (0/1)" : ""}; it holds text.`, [
      outcome,
    ]);
  if (predictors.includes(outcome)) throw new ModelError("invalid_input", `${outcome} is both the outcome and a predictor.`, [outcome]);
  if (kind === "logistic" && covarianceType !== "nonrobust")
    throw new ModelError(
      "invalid_input",
      "HC3 covariance applies to linear models; logistic models use the observed information (nonrobust).",
    );
  return covarianceType;
}

/**
 * The checks of a planned design: some term, no one-level categorical, more rows than terms.
 * @throws ModelError invalid_input, no_variance, too_few_rows
 * @example checkDesign(planDesign(data, predictors, { required: [outcome] }), input);
 */
export function checkDesign(d: Omit<DesignPlan, "intercept" | "numeric" | "categorical" | "levelIndex">, input: RegressionInput): void {
  const { outcome, predictors } = input;
  if (d.p === 0) throw new ModelError("invalid_input", "The model has no terms: add a predictor or the intercept.");
  for (const [name, lv] of Object.entries(d.levels))
    if (lv.length < 2)
      throw new ModelError(
        "no_variance",
        `${name} has a single value (${lv[0] ?? "none"}) in every row used, so its effect cannot be estimated: remove it.`,
        [name],
      );
  if (d.n <= d.p)
    throw new ModelError(
      "too_few_rows",
      `A model with ${d.p} terms needs at least ${d.p + 1} complete rows; ${d.n} rows have all of ${[outcome, ...predictors].join(", ")}` +
        (d.excluded > 0 ? ` (${d.excluded} were left out for a missing value).` : "."),
      d.terms,
    );
}

/** The outcome at the design's source rows. @example outcomeRows([1, NaN, 0], Int32Array.of(0, 2)) // => Float64Array [1, 0] */
export function outcomeRows(ycol: Column, rows: Int32Array): Float64Array {
  const y = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) y[i] = numAt(ycol, rows[i]);
  return y;
}

/** The fields of a result that do not depend on the fit, and the note on excluded rows. */
export interface SharedResult {
  base: Omit<RegressionResult, "coefficients" | "covariance" | "fit" | "marginalEffects" | "warnings">;
  excludedNote: string[];
}

/** The result fields set by the data and the request. @example sharedResult(input, d, "nonrobust").base.nObs */
export function sharedResult(
  input: RegressionInput,
  d: { n: number; excluded: number; terms: string[]; levels: Record<string, string[]> },
  covarianceType: "nonrobust" | "HC3",
): SharedResult {
  const { kind, outcome, predictors } = input;
  const base = {
    model: kind,
    kind,
    outcome,
    predictors: [...predictors],
    nObs: d.n,
    excluded: d.excluded,
    terms: d.terms,
    covarianceType,
    design: { levels: d.levels },
  };
  const excludedNote =
    d.excluded > 0 ? [`${d.excluded} rows were left out for a missing ${[outcome, ...predictors].join(" / ")} value.`] : [];
  return { base, excludedNote };
}

/** A linear model's result from its OLS fit (marginal effects are the slopes). @example linearResult(sharedResult(input, d, "HC3"), fitOls(...)) */
export function linearResult(s: SharedResult, r: Pick<OlsResult, "coefficients" | "covariance" | "fit" | "warnings">): RegressionResult {
  return {
    ...s.base,
    coefficients: r.coefficients,
    covariance: r.covariance,
    fit: r.fit,
    marginalEffects: r.coefficients
      .filter((c) => c.term !== "Intercept")
      .map((c) => ({ term: c.term, dydx: c.estimate, stdError: c.stdError })),
    warnings: [...s.excludedNote, ...r.warnings],
  };
}

/** A logistic model's result from its fit. @example logisticResult(sharedResult(input, d, "nonrobust"), fitLogit(...)) */
export function logisticResult(
  s: SharedResult,
  r: Pick<LogitResult, "coefficients" | "covariance" | "fit" | "marginalEffects" | "warnings">,
): RegressionResult {
  return {
    ...s.base,
    coefficients: r.coefficients,
    covariance: r.covariance,
    fit: r.fit,
    marginalEffects: r.marginalEffects,
    warnings: [...s.excludedNote, ...r.warnings],
  };
}
