/** The model object of POST .../models (docs/api.md#models) as the UI reads it. */

export interface Coef {
  term: string;
  estimate: number;
  stdError: number;
  statistic: number;
  pValue: number;
  ci95: [number, number];
}
export interface Translation {
  predictor: string;
  sentence?: string;
  method?: string;
  renewalPp?: number;
  renewalPpCi95?: [number, number];
  outcomeChange?: number;
  revenue?: number | null;
  revenueCi95?: [number, number] | null;
  horizonYears?: number;
}
export interface Validation {
  method?: string;
  seed?: number;
  nTrain?: number;
  nTest?: number;
  auc?: number | null;
  holdoutRSquared?: number | null;
  calibration?: { bin: number; n: number; meanPredicted: number; observedRate: number }[];
  error?: { code: string; message: string };
}
export interface ModelResult {
  id: string;
  kind: "logistic" | "linear";
  model?: string;
  outcome: string;
  predictors?: string[];
  nObs: number;
  excluded: number;
  terms?: string[];
  coefficients: Coef[];
  covariance: number[][];
  covarianceType?: string;
  fit: {
    logLik?: number;
    aic?: number;
    bic?: number;
    pseudoR2?: number;
    rSquared?: number;
    adjRSquared?: number;
    converged?: boolean;
    iterations?: number;
    dfResid?: number;
  };
  marginalEffects?: { term: string; dydx: number; stdError: number }[];
  warnings?: (string | { message: string })[];
  createdAt?: string;
  // optional extras: plain-language translation and holdout validation
  translation?: Translation[];
  translations?: Translation[];
  effects?: Translation[];
  validation?: Validation;
  holdout?: Validation;
}

export const translationsOf = (m: ModelResult): Translation[] => m.translations ?? m.translation ?? m.effects ?? [];
export const validationOf = (m: ModelResult): Validation | null => m.validation ?? m.holdout ?? null;

/** The per-account design the browser's what-if runs on (GET .../models/:id/accounts). */
export interface ModelAccounts {
  terms: string[];
  beta: number[];
  cov: number[][];
  n: number;
  arr: number[];
  X: number[];
  segment: (string | null)[];
  clip?: Record<string, [number, number]>;
}
