/**
 * One entry point for the regression models: builds the design from named
 * columns (models/design.ts) and fits OLS (models/ols.ts) or logistic
 * regression (models/logit.ts), returning the API.md model object without id.
 */
import { buildDesign, type Column, isTextColumn, numAt } from "./design";
import { ModelError } from "./errors";
import { fitLogit } from "./logit";
import { fitOls } from "./ols";
import type { RegressionResult } from "./regression-result";

export type { Column } from "./design";
export type { RegressionResult, Coefficient, MarginalEffect, LinearFit, LogisticFit } from "./regression-result";

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
  const { kind, data, outcome, predictors } = input;
  const covarianceType = input.covariance ?? "nonrobust";
  if (kind !== "linear" && kind !== "logistic") throw new ModelError("invalid_input", `kind must be "linear" or "logistic" (got ${String(kind)}).`);
  if (!data[outcome]) throw new ModelError("invalid_input", `No column named "${outcome}" in the data.`, [outcome]);
  if (isTextColumn(data[outcome]))
    throw new ModelError("invalid_input", `The outcome ${outcome} must be numeric${kind === "logistic" ? " (0/1)" : ""}; it holds text.`, [outcome]);
  if (predictors.includes(outcome)) throw new ModelError("invalid_input", `${outcome} is both the outcome and a predictor.`, [outcome]);
  if (kind === "logistic" && covarianceType !== "nonrobust")
    throw new ModelError("invalid_input", "HC3 covariance applies to linear models; logistic models use the observed information (nonrobust).");

  const d = buildDesign(data, predictors, { levels: input.levels, intercept: input.intercept ?? true, required: [outcome] });
  if (d.p === 0) throw new ModelError("invalid_input", "The model has no terms: add a predictor or the intercept.");
  for (const [name, lv] of Object.entries(d.levels))
    if (lv.length < 2)
      throw new ModelError("no_variance", `${name} has a single value (${lv[0] ?? "none"}) in every row used, so its effect cannot be estimated: remove it.`, [name]);
  if (d.n <= d.p)
    throw new ModelError(
      "too_few_rows",
      `A model with ${d.p} terms needs at least ${d.p + 1} complete rows; ${d.n} rows have all of ${[outcome, ...predictors].join(", ")}` +
        (d.excluded > 0 ? ` (${d.excluded} were left out for a missing value).` : "."),
      d.terms,
    );
  const ycol = data[outcome];
  const y = new Float64Array(d.n);
  for (let i = 0; i < d.n; i++) y[i] = numAt(ycol, d.rows[i]);

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
  const excludedNote = d.excluded > 0 ? [`${d.excluded} rows were left out for a missing ${[outcome, ...predictors].join(" / ")} value.`] : [];
  if (kind === "linear") {
    const r = fitOls(d.X, y, d.n, d.p, d.terms, covarianceType);
    return {
      ...base,
      coefficients: r.coefficients,
      covariance: r.covariance,
      fit: r.fit,
      marginalEffects: r.coefficients.filter((c) => c.term !== "Intercept").map((c) => ({ term: c.term, dydx: c.estimate, stdError: c.stdError })),
      warnings: [...excludedNote, ...r.warnings],
    };
  }
  const r = fitLogit(d.X, y, d.n, d.p, d.terms, d.sources, outcome);
  return {
    ...base,
    coefficients: r.coefficients,
    covariance: r.covariance,
    fit: r.fit,
    marginalEffects: r.marginalEffects,
    warnings: [...excludedNote, ...r.warnings],
  };
}
