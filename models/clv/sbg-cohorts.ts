/**
 * The sBG retention model (Fader & Hardie 2007) fitted to individual
 * accounts with right-censoring, for books where accounts joined at different
 * times: an account that churned at the end of period t contributes
 * P(T = t) = B(α + 1, β + t − 1) / B(α, β); one still active after t periods
 * contributes S(t) = B(α, β + t) / B(α, β). With one cohort (every active
 * account observed for the same number of periods) this is exactly the
 * survivor-count likelihood of Fader & Hardie's eq. 6.
 */
import { ModelError } from "../numeric/errors";
import { maximiseLogParams } from "../numeric/newton";
import { sbgDerl, sbgLogLikelihood, sbgProjection } from "./sbg";

export interface SbgCohortInput {
  /** Periods each account has been observed (≥ 1): the period it churned at, or periods completed while active. */
  periods: ArrayLike<number>;
  /** 1 = churned at the end of `periods`, 0 = still active after `periods` (censored). */
  churned: ArrayLike<number>;
}

export interface SbgCohortResult {
  alpha: number;
  beta: number;
  stdErrors: { alpha: number | null; beta: number | null };
  logLik: number;
  converged: boolean;
  iterations: number;
  accounts: number;
  churned: number;
  /** Churned and censored counts by period (index 0 = period 1). */
  churnedByPeriod: number[];
  activeByPeriod: number[];
  /** "sbg", or "geometric" when the data show no heterogeneity (the MLE runs off to α, β → ∞ with α/(α+β) = θ). */
  model: "sbg" | "geometric";
  warnings: string[];
}

/** Scale of α + β standing in for the geometric limit (constant churn θ for everyone). */
const GEOMETRIC_SCALE = 1e6;

/**
 * Fits sBG(α, β) by maximum likelihood to churn / censoring times.
 * @throws ModelError invalid_input (a period < 1 or not whole, churned not 0/1), too_few_rows (no accounts),
 *   no_variance (nobody churned, or all churned in period 1), not_converged
 * @example fitSbgCohorts(survivorsToAccounts([1000, 631, 468, 382, 326, 289, 262, 241])).alpha // => 0.704 (F&H 2007 "regular")
 */
export function fitSbgCohorts(input: SbgCohortInput): SbgCohortResult {
  const n = input.periods.length;
  if (input.churned.length !== n)
    throw new ModelError("invalid_input", `periods and churned differ in length (${n} and ${input.churned.length}).`);
  if (n === 0) throw new ModelError("too_few_rows", "The sBG model needs at least one account with a tenure and a renewal outcome.");
  let T = 0;
  for (let i = 0; i < n; i++) {
    const t = input.periods[i];
    if (!(Number.isInteger(t) && t >= 1))
      throw new ModelError("invalid_input", `account ${i + 1}: periods must be a whole number ≥ 1 (got ${t}).`, ["tenure_months"]);
    const c = input.churned[i];
    if (c !== 0 && c !== 1) throw new ModelError("invalid_input", `account ${i + 1}: churned must be 0 or 1 (got ${c}).`, ["renewed"]);
    T = Math.max(T, t);
  }
  const churnedBy = new Float64Array(T + 1);
  const activeBy = new Float64Array(T + 1);
  for (let i = 0; i < n; i++) (input.churned[i] === 1 ? churnedBy : activeBy)[input.periods[i]]++;
  // LL = C ln α + Σ_k A_k ln(β + k) − Σ_k B_k ln(α + β + k), k = 0..T−1:
  // churn at t adds ln α + Σ_{k≤t−2} ln(β+k) − Σ_{k≤t−1} ln(α+β+k); active after t adds Σ_{k≤t−1} [ln(β+k) − ln(α+β+k)].
  let C = 0;
  const A = new Float64Array(T);
  const B = new Float64Array(T);
  for (let t = 1; t <= T; t++) {
    C += churnedBy[t];
    for (let k = 0; k <= t - 2; k++) A[k] += churnedBy[t];
    for (let k = 0; k <= t - 1; k++) {
      A[k] += activeBy[t];
      B[k] += churnedBy[t] + activeBy[t];
    }
  }
  if (C === 0) throw new ModelError("no_variance", "No account has churned: churn cannot be estimated yet.");
  if (A[0] === 0) throw new ModelError("no_variance", "Every account churned at its first renewal: there is no retention to model.");
  const ml = maximiseLogParams(sbgLogLikelihood(C, A, B), Float64Array.of(1, 1));
  const base = {
    accounts: n,
    churned: C,
    churnedByPeriod: Array.from(churnedBy.subarray(1)),
    activeByPeriod: Array.from(activeBy.subarray(1)),
  };
  // Geometric limit: constant churn θ = churns / periods at risk (B_0 + … counts every period at risk once).
  let atRisk = 0;
  for (let k = 0; k < T; k++) atRisk += B[k];
  const theta = C / atRisk;
  const geoLogLik = C * Math.log(theta) + (atRisk - C) * Math.log(1 - theta);
  const runsOff = !ml.converged || ml.phi[0] + ml.phi[1] > GEOMETRIC_SCALE;
  const geoAsGood = geoLogLik >= (Number.isFinite(ml.logLik) ? ml.logLik : -Infinity) - 1e-6 * Math.abs(geoLogLik);
  if (runsOff && theta > 0 && theta < 1 && geoAsGood) {
    return {
      ...base,
      alpha: theta * GEOMETRIC_SCALE,
      beta: (1 - theta) * GEOMETRIC_SCALE,
      stdErrors: { alpha: null, beta: null },
      logLik: geoLogLik,
      converged: true,
      iterations: ml.iterations,
      model: "geometric",
      warnings: [
        `The churn shows no heterogeneity across accounts (the sBG likelihood peaks at α, β → ∞): a constant churn of ${theta.toFixed(4)} per period (geometric) is used, retention ${(1 - theta).toFixed(4)} every period.`,
      ],
    };
  }
  if (!ml.converged)
    throw new ModelError("not_converged", "The sBG fit did not converge: the churn pattern may not follow a beta-geometric curve.");
  return {
    ...base,
    alpha: ml.phi[0],
    beta: ml.phi[1],
    stdErrors: { alpha: ml.stdErrors[0], beta: ml.stdErrors[1] },
    logLik: ml.logLik,
    converged: ml.converged,
    iterations: ml.iterations,
    model: "sbg",
    warnings: [],
  };
}

/**
 * One cohort's survivor counts n₀ ≥ n₁ ≥ … as individual accounts: n_{t−1} − n_t churned at t, n_T active after T.
 * @example survivorsToAccounts([10, 6, 5]) // => periods [1×4, 2×1, 2×5], churned [1×4, 1, 0×5]
 */
export function survivorsToAccounts(survivors: readonly number[]): { periods: number[]; churned: number[] } {
  const periods: number[] = [];
  const churned: number[] = [];
  const T = survivors.length - 1;
  for (let t = 1; t <= T; t++)
    for (let k = 0; k < survivors[t - 1] - survivors[t]; k++) {
      periods.push(t);
      churned.push(1);
    }
  for (let k = 0; k < survivors[T]; k++) {
    periods.push(T);
    churned.push(0);
  }
  return { periods, churned };
}

export { sbgDerl, sbgProjection };
