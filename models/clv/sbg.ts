/**
 * The shifted-beta-geometric (sBG) retention model of Fader & Hardie (2007),
 * "How to project customer retention", J. Interactive Marketing 21(1):
 * each customer churns at each renewal with probability θ ~ Beta(α, β), so
 * P(T = t) = B(α + 1, β + t − 1) / B(α, β) (eq. 3), S(t) = B(α, β + t) / B(α, β)
 * (eq. 4) and the retention rate r_t = (β + t − 1) / (α + β + t − 1) (eq. 8).
 * Fitted by maximum likelihood (eq. 6) to survivor counts, with discounted
 * expected residual lifetime from Fader & Hardie (2010), "Customer-base
 * valuation in a contractual setting", Marketing Science 29(1), eq. 6.
 */
import { ModelError } from "../numeric/errors";
import { maximiseLogParams, type Objective } from "../numeric/newton";

export interface SbgResult {
  model: "sbg";
  alpha: number;
  beta: number;
  stdErrors: { alpha: number | null; beta: number | null };
  /** Log-likelihood of the survivor counts (eq. 6, without the multinomial constant). */
  logLik: number;
  converged: boolean;
  iterations: number;
  /** Retention rate r_t for t = 1..horizon. */
  retention: number[];
  /** Survival S(t) for t = 0..horizon (S(0) = 1). */
  survival: number[];
  /** Expected survivors n₀ · S(t) for t = 0..horizon. */
  expectedSurvivors: number[];
  /** Discounted expected residual lifetime of a customer about to renew for the first time (when a discount rate was given). */
  derl: number | null;
}

export interface SbgOptions {
  /** Last period to project (default: the observed periods + 5). */
  horizon?: number;
  /** Discount rate per period for DERL (e.g. 0.1); DERL is null without it. */
  discountRatePerPeriod?: number;
}

/**
 * Fits the sBG model to survivors n₀ ≥ n₁ ≥ … ≥ n_T (customers still active at the start of each period).
 * @throws ModelError invalid_input (not a non-increasing list of counts), too_few_rows (fewer than 2 periods),
 *   no_variance (nobody churned, or everybody did at once), not_converged
 * @example fitSbg([1000, 631, 468, 382, 326, 289, 262, 241]).alpha // => 0.704 (Fader & Hardie 2007, regular)
 */
export function fitSbg(survivors: readonly number[], opts: SbgOptions = {}): SbgResult {
  validate(survivors);
  const T = survivors.length - 1;
  const n0 = survivors[0];
  const nT = survivors[T];
  // LL = C ln α + Σ_k A_k ln(β + k) − Σ_k B_k ln(α + β + k), collecting eq. 6's log-gamma ratios.
  const C = n0 - nT;
  const A = new Float64Array(T);
  const B = new Float64Array(T);
  for (let t = 1; t <= T; t++) {
    const ct = survivors[t - 1] - survivors[t];
    for (let k = 0; k <= t - 2; k++) A[k] += ct;
    for (let k = 0; k <= t - 1; k++) B[k] += ct;
  }
  for (let k = 0; k < T; k++) {
    A[k] += nT;
    B[k] += nT;
  }
  const ml = maximiseLogParams(sbgLogLikelihood(C, A, B), Float64Array.of(1, 1));
  if (!ml.converged)
    throw new ModelError("not_converged", "The sBG fit did not converge: check that the survivor counts come from one cohort.");
  const [alpha, beta] = ml.phi;
  const horizon = Math.max(opts.horizon ?? T + 5, 0);
  const { retention, survival } = sbgProjection(alpha, beta, horizon);
  return {
    model: "sbg",
    alpha,
    beta,
    stdErrors: { alpha: ml.stdErrors[0], beta: ml.stdErrors[1] },
    logLik: ml.logLik,
    converged: ml.converged,
    iterations: ml.iterations,
    retention,
    survival,
    expectedSurvivors: survival.map((s) => n0 * s),
    derl: opts.discountRatePerPeriod === undefined ? null : sbgDerl(alpha, beta, opts.discountRatePerPeriod, 0),
  };
}

function validate(s: readonly number[]): void {
  if (s.length < 3)
    throw new ModelError(
      "too_few_rows",
      `The sBG model needs survivor counts for at least 2 periods after the start (got ${s.length - 1}).`,
    );
  for (let t = 0; t < s.length; t++) {
    if (!Number.isFinite(s[t]) || s[t] < 0) throw new ModelError("invalid_input", `survivors[${t}] must be a count ≥ 0 (got ${s[t]}).`);
    if (t > 0 && s[t] > s[t - 1])
      throw new ModelError("invalid_input", `survivors must not increase: period ${t} has ${s[t]} after ${s[t - 1]}.`);
  }
  if (!(s[0] > 0)) throw new ModelError("invalid_input", "The cohort must start with at least one customer (survivors[0] > 0).");
  if (s[s.length - 1] === s[0])
    throw new ModelError("no_variance", "Nobody churned in the observed periods: churn cannot be estimated yet.");
  if (s[1] === 0) throw new ModelError("no_variance", "Everybody churned at the first renewal: there is no retention to model.");
}

/**
 * Retention r_t (t = 1..horizon) and survival S(t) (t = 0..horizon) under sBG(α, β) (Fader & Hardie 2007, eqs. 4 and 8).
 * @example sbgProjection(1, 1, 2).survival // => [1, 0.5, 0.3333333333333333]
 */
export function sbgProjection(alpha: number, beta: number, horizon: number): { retention: number[]; survival: number[] } {
  const retention: number[] = [];
  const survival: number[] = [1];
  for (let t = 1; t <= horizon; t++) {
    const r = (beta + t - 1) / (alpha + beta + t - 1);
    retention.push(r);
    survival.push(survival[t - 1] * r);
  }
  return { retention, survival };
}

/**
 * Discounted expected residual lifetime (in payments) of a customer who has renewed `renewalsMade` times and is about
 * to decide on the next renewal: DERL = [B(α, β+n) / B(α, β+n−1)] · ₂F₁(1, β+n; α+β+n; 1/(1+d)) with n = renewalsMade + 1
 * (Fader & Hardie 2010, eq. 6). Multiply by the payment per period to get the residual value.
 * @throws ModelError invalid_input when the discount rate is not > 0
 * @example sbgDerl(0.704, 1.182, 0.1, 0) // => 2.9647 (regular cohort, 10% per year)
 */
export function sbgDerl(alpha: number, beta: number, discountRatePerPeriod: number, renewalsMade = 0): number {
  if (!(discountRatePerPeriod > 0))
    throw new ModelError("invalid_input", `DERL needs a discount rate per period > 0 (got ${discountRatePerPeriod}).`);
  const n = renewalsMade + 1;
  const z = 1 / (1 + discountRatePerPeriod);
  let term = (beta + n - 1) / (alpha + beta + n - 1);
  let sum = term;
  for (let k = 1; k < 100000; k++) {
    term *= ((beta + n + k - 1) / (alpha + beta + n + k - 1)) * z;
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return sum;
}

/**
 * The sBG log-likelihood in the collected form LL(α, β) = C ln α + Σ_k A_k ln(β + k) − Σ_k B_k ln(α + β + k),
 * k = 0..T−1 (F&H 2007 eq. 6 for survivor counts, and its right-censored version for accounts), with its
 * gradient and Hessian, for `maximiseLogParams`.
 * @example maximiseLogParams(sbgLogLikelihood(C, A, B), Float64Array.of(1, 1)).phi
 */
export function sbgLogLikelihood(C: number, A: Float64Array, B: Float64Array): Objective {
  const T = A.length;
  return (phi, derivatives) => {
    const [a, b] = phi;
    let f = C * Math.log(a);
    let ga = C / a,
      gb = 0,
      haa = -C / (a * a),
      hbb = 0,
      hab = 0;
    for (let k = 0; k < T; k++) {
      const u = b + k;
      const v = a + b + k;
      f += A[k] * Math.log(u) - B[k] * Math.log(v);
      if (derivatives) {
        ga -= B[k] / v;
        gb += A[k] / u - B[k] / v;
        const w = B[k] / (v * v);
        haa += w;
        hbb += w - A[k] / (u * u);
        hab += w;
      }
    }
    return derivatives ? { f, g: Float64Array.of(ga, gb), h: Float64Array.of(haa, hab, hab, hbb) } : { f };
  };
}
