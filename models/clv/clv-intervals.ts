/**
 * 95% intervals on CLV from parameter uncertainty by the delta method: the purchase model's and the
 * Gamma-Gamma fit's asymptotic covariances (inverse observed information; the two fits are separate
 * likelihoods, so their covariance is block-diagonal), carried to each customer's CLV and to the total
 * through the CLV's gradient in the log parameters, and the interval formed on the log scale,
 * v·exp(±1.96·se(v)/v), so it stays positive and brackets the point estimate v.
 *
 * The gradient is taken along the columns of a square-root factor L of the log-parameter covariance
 * (Σ_θ = L Lᵀ): var(v) = gᵀ Σ_θ g = Σ_m (∂v/∂θ · L_m)², so each direction's contribution is accumulated
 * customer by customer (one extra column of values, not one per parameter). Forward differences of
 * 1e-3 standard deviations along each direction.
 *
 * What it covers: sampling uncertainty of the fitted parameters only, not whether the model is right
 * for the data (see the holdout test) and not the randomness of each customer's own purchases.
 */
import { ModelError } from "../numeric/errors";
import { covarianceFactor } from "../numeric/rng";
import type { GammaGammaParams } from "./gamma-gamma";
import { type ClvLayout, type ClvOptions, type PurchaseModel, valueCustomers } from "./transactions-clv";

export interface ClvIntervals {
  method: "delta-method-log-scale";
  /** 95% interval of the total CLV over all customers, or null when a covariance is unavailable. */
  totalCi95: [number, number] | null;
  meanCi95: [number, number] | null;
  /**
   * Customer j's 95% interval (null where the CLV is not positive and finite or no covariance is available), formed when
   * asked from `customerVariance`: a million customers hold one column of variances, not two of bounds.
   */
  customerCi95At(j: number): [number, number] | null;
  /** Delta-method variance of each customer's CLV (empty when a covariance is unavailable). */
  customerVariance: Float64Array;
  /** Delta-method variance of the total CLV (NaN when unavailable). */
  totalVariance: number;
}

const Z95 = 1.959963984540054;
const STEP = 1e-3;

/** Log-scale 95% interval from a value and its delta-method variance; null when undefined. */
export function logScaleCi(v: number, variance: number): [number, number] | null {
  if (!(v > 0) || !Number.isFinite(v) || !(variance >= 0) || !Number.isFinite(variance)) return null;
  const se = Math.sqrt(variance) / v;
  return [v * Math.exp(-Z95 * se), v * Math.exp(Z95 * se)];
}

/** Σ of ln φ from Σ of φ (delta method: Σᵢⱼ / (φᵢ φⱼ)), as rows for `covarianceFactor`. */
function logCovariance(phi: number[], cov: number[]): number[][] {
  const p = phi.length;
  return Array.from({ length: p }, (_, i) => Array.from({ length: p }, (_, j) => cov[i * p + j] / (phi[i] * phi[j])));
}

/**
 * Delta-method intervals for every customer's CLV, the total and the mean.
 * @param modelAt the purchase model at parameters φ (e.g. `(φ) => bgnbdModel({ r: φ[0], alpha: φ[1], a: φ[2], b: φ[3] })`)
 * @param phi the fitted purchase-model parameters and `cov` their covariance (row-major; null when not available)
 * @param base the CLV column at the fitted parameters (`valueCustomers`' output) and its total
 * @throws ModelError invalid_input when the columns differ in length
 * @example clvIntervals((f) => bgnbdModel(toBg(f)), [r, alpha, a, b], bg.covariance, gg, gg.covariance, s, layout, opts, c.clv, c.totals.clv).totalCi95
 */
export function clvIntervals(
  modelAt: (phi: number[]) => PurchaseModel,
  phi: number[],
  cov: number[] | null,
  gg: GammaGammaParams,
  ggCov: number[] | null,
  s: { frequency: ArrayLike<number>; recency: ArrayLike<number>; T: ArrayLike<number>; monetary: ArrayLike<number> },
  layout: ClvLayout,
  opts: ClvOptions,
  baseClv: Float64Array,
  baseTotal: number,
): ClvIntervals {
  const n = s.frequency.length;
  if (baseClv.length !== n) throw new ModelError("invalid_input", `baseClv has ${baseClv.length} entries for ${n} customers.`);
  const empty: ClvIntervals = {
    method: "delta-method-log-scale",
    totalCi95: null,
    meanCi95: null,
    customerCi95At: () => null,
    customerVariance: new Float64Array(0),
    totalVariance: NaN,
  };
  if (!cov || !ggCov) return empty;
  const ggPhi = [gg.p, gg.q, gg.gamma];
  let Lm: Float64Array, Lg: Float64Array;
  try {
    Lm = covarianceFactor(logCovariance(phi, cov));
    Lg = covarianceFactor(logCovariance(ggPhi, ggCov));
  } catch {
    return empty;
  }
  const variance = new Float64Array(n);
  let varTotal = 0;
  const buf = new Float64Array(n);
  const directions: { model: number[]; gg: number[] }[] = [];
  const p = phi.length;
  for (let m = 0; m < p; m++) directions.push({ model: phi.map((v, i) => v * Math.exp(STEP * Lm[i * p + m])), gg: ggPhi });
  for (let m = 0; m < 3; m++) directions.push({ model: phi, gg: ggPhi.map((v, i) => v * Math.exp(STEP * Lg[i * 3 + m])) });
  for (const d of directions) {
    const sums = valueCustomers(modelAt(d.model), { p: d.gg[0], q: d.gg[1], gamma: d.gg[2] }, s, layout, opts, { clv: buf });
    const dt = (sums.clv - baseTotal) / STEP;
    varTotal += dt * dt;
    for (let j = 0; j < n; j++) {
      const dj = (buf[j] - baseClv[j]) / STEP;
      variance[j] += dj * dj;
    }
  }
  const totalCi95 = logScaleCi(baseTotal, varTotal);
  return {
    method: "delta-method-log-scale",
    totalCi95,
    meanCi95: totalCi95 ? [totalCi95[0] / n, totalCi95[1] / n] : null,
    customerCi95At: (j) => logScaleCi(baseClv[j], variance[j]),
    customerVariance: variance,
    totalVariance: varTotal,
  };
}
