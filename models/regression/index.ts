/**
 * Regression: linear (OLS) and logistic models of a named outcome, their inference, and what they mean in money.
 *
 * - fitRegression (fit.ts): one entry point; builds the design from named columns and fits OLS or logistic regression.
 * - fitRegressionBlocks (fit-blocks.ts): the same fit with the design built a block of rows at a time.
 * - fitLogit (logistic.ts): logistic regression by Newton's method, z inference, marginal effects, separation check.
 * - fitOls (ols.ts): OLS by pivoted QR, with nonrobust or HC3 covariance (ols-hc3.ts).
 * - buildDesign (design.ts): numeric columns, categorical dummies, the intercept; rows with a missing value excluded.
 * - translateEffects (translation.ts): each CX predictor's +1 point in pp of renewal and money, delta-method intervals.
 * - validateHoldout (holdout.ts): seeded 80/20 holdout: AUC, calibration and Hosmer–Lemeshow, or holdout R².
 * - relativeWeights (relative-weights.ts): Johnson's relative weights for key-driver analysis.
 * - modelWarnings (warnings.ts): the fit's notes as named warnings, and satisfaction_effect_reversed (check the outcome's direction).
 * - loadModel, predict (model.ts): a stored model's JSON checked and typed; predictions from it.
 * - backtest (backtest.ts) on timeHonestFeatures (time-honest.ts): would a fit on earlier renewals have called the later ones?
 *
 * @example
 * import { fitRegression, predict } from "./index";
 * const fit = fitRegression({ kind: "logistic", data, outcome: "renewed", predictors: ["nps"] });
 */
export { backtest, type BacktestInput, type BacktestResult, type BacktestSplit } from "./backtest";
export { buildDesign, type Column, type Design } from "./design";
export { fitRegression, type RegressionInput } from "./fit";
export { fitRegressionBlocks } from "./fit-blocks";
export { DEFAULT_HOLDOUT_SEED, validateHoldout, type HoldoutValidation } from "./holdout";
export { fitLogit, type LogitResult } from "./logistic";
export { coefficientEstimates, loadModel, predict, type FittedModel } from "./model";
export { fitOls, type OlsResult } from "./ols";
export { relativeWeights, type RelativeWeightsResult } from "./relative-weights";
export type { Coefficient, LinearFit, LogisticFit, MarginalEffect, RegressionResult } from "./result";
export { TimeHonestAccumulator, timeHonestFeatures, type TimeHonestFeatures } from "./time-honest";
export { translateEffects, type Translation } from "./translation";
export { modelWarnings } from "./warnings";
