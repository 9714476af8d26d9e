/**
 * The JSON-safe result of a regression fit (the model object of docs/api.md#models,
 * without the stored id), named the way statsmodels' results read.
 */
import { normalQuantile, normalTwoSided, tQuantile, tTwoSided } from "../numeric/distributions";

export interface Coefficient {
  term: string;
  estimate: number;
  /** null when undefined (e.g. an exact fit has zero residual variance). */
  stdError: number | null;
  /** t (linear) or z (logistic); null when the standard error is 0 or undefined. */
  statistic: number | null;
  pValue: number | null;
  ci95: [number, number] | null;
}

export interface MarginalEffect {
  term: string;
  /** Average marginal effect dP/dx over the sample (statsmodels get_margeff(at="overall")). */
  dydx: number;
  stdError: number | null;
}

export interface LinearFit {
  rSquared: number;
  adjRSquared: number;
  fStatistic: number | null;
  fPValue: number | null;
  logLik: number | null;
  aic: number | null;
  bic: number | null;
  /** Residual standard error √(SSR / dfResid). */
  sigma: number;
  ssr: number;
  dfModel: number;
  dfResid: number;
  /** ‖R‖_F · ‖R⁻¹‖_F of the column-scaled QR: a condition estimate of the design. */
  conditionNumber: number;
  converged: true;
  iterations: 0;
}

export interface LogisticFit {
  logLik: number;
  llNull: number;
  /** McFadden: 1 − logLik / llNull. */
  pseudoR2: number;
  aic: number;
  bic: number;
  deviance: number;
  nullDeviance: number;
  /** Likelihood-ratio test of all slopes = 0: statistic and chi² p-value. */
  llr: number;
  llrPValue: number;
  dfModel: number;
  dfResid: number;
  converged: boolean;
  iterations: number;
}

export interface RegressionResult {
  model: "linear" | "logistic";
  kind: "linear" | "logistic";
  outcome: string;
  predictors: string[];
  nObs: number;
  excluded: number;
  terms: string[];
  coefficients: Coefficient[];
  /** Covariance of the estimates, terms × terms. */
  covariance: number[][];
  covarianceType: "nonrobust" | "HC3";
  fit: LinearFit | LogisticFit;
  marginalEffects: MarginalEffect[];
  warnings: string[];
  design: { levels: Record<string, string[]> };
}

/** A finite number or null (JSON has no NaN / Infinity). */
export const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

/**
 * Coefficient rows from estimates and their covariance; `df` = residual degrees of
 * freedom for Student t, or null for normal (z) inference.
 * @example coefficientTable(["x"], [2], [[0.25]], null)[0].statistic // => 4
 */
export function coefficientTable(terms: string[], beta: ArrayLike<number>, cov: number[][], df: number | null): Coefficient[] {
  const q = df === null ? normalQuantile(0.975) : df > 0 ? tQuantile(0.975, df) : NaN;
  return terms.map((term, j) => {
    const estimate = beta[j];
    const v = cov[j][j];
    const se = v >= 0 ? Math.sqrt(v) : NaN;
    const stat = se > 0 ? estimate / se : NaN;
    const p = Number.isFinite(stat) ? (df === null ? normalTwoSided(stat) : tTwoSided(stat, df)) : NaN;
    const ok = se > 0 && Number.isFinite(q);
    return {
      term,
      estimate,
      stdError: finiteOrNull(se),
      statistic: finiteOrNull(stat),
      pValue: finiteOrNull(p),
      ci95: ok ? [estimate - q * se, estimate + q * se] : null,
    };
  });
}

/** A row-major p × p Float64Array as number[][]. @example toRows(Float64Array.of(1, 2, 3, 4), 2) // => [[1, 2], [3, 4]] */
export function toRows(m: Float64Array, p: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < p; i++) out.push(Array.from(m.subarray(i * p, i * p + p)));
  return out;
}
