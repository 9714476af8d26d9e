/**
 * The BG/BB model for discrete-time, noncontractual data (Fader, Hardie & Shang 2010, "Customer-base
 * analysis in a discrete-time noncontractual setting", Marketing Science 29(6)): at each of n transaction
 * opportunities an alive customer transacts with probability p ~ Beta(α, β) and, after each, drops out with
 * probability θ ~ Beta(γ, δ). Fitted by maximum likelihood on (x, tₓ, n) with weights (eq. 5), log
 * parameters, damped Newton with finite-difference derivatives.
 */
import { lnBeta, lnGamma } from "../numeric/distributions";
import { ModelError } from "../numeric/errors";
import { maximiseLogParams } from "../numeric/newton";
import { numericObjective } from "../numeric/numeric-derivatives";

export interface BgbbParams {
  alpha: number;
  beta: number;
  gamma: number;
  delta: number;
}

export interface BgbbResult extends BgbbParams {
  model: "bgbb";
  stdErrors: { alpha: number | null; beta: number | null; gamma: number | null; delta: number | null };
  logLik: number;
  converged: boolean;
  iterations: number;
  /** Σ weights. */
  nCustomers: number;
}

export interface BgbbData {
  /** Transactions x (0 ≤ x ≤ n). */
  frequency: ArrayLike<number>;
  /** Opportunity of the last transaction tₓ (x ≤ tₓ ≤ n; 0 when x = 0). */
  recency: ArrayLike<number>;
  /** Number of opportunities n. */
  periods: ArrayLike<number>;
  weights?: ArrayLike<number>;
}

/**
 * ln L(α, β, γ, δ | x, tₓ, n) of one customer (FHS 2010 eq. 5), summed by log-sum-exp.
 * @example bgbbLogLik({ alpha: 1.2035, beta: 0.7497, gamma: 0.6567, delta: 2.7834 }, 0, 0, 6)
 */
export function bgbbLogLik(p: BgbbParams, x: number, tx: number, n: number): number {
  const { alpha: a, beta: b, gamma: g, delta: d } = p;
  const base = lnBeta(a, b) + lnBeta(g, d);
  const terms = [lnBeta(a + x, b + n - x) + lnBeta(g, d + n) - base];
  for (let i = 0; i <= n - tx - 1; i++) terms.push(lnBeta(a + x, b + tx - x + i) + lnBeta(g + 1, d + tx + i) - base);
  const m = Math.max(...terms);
  let s = 0;
  for (const t of terms) s += Math.exp(t - m);
  return m + Math.log(s);
}

/**
 * P(alive at n + 1 | x, tₓ, n) (FHS 2010 eq. 11).
 * @example bgbbPAlive(donationsFit, 6, 6, 6) // => close to 1
 */
export function bgbbPAlive(p: BgbbParams, x: number, tx: number, n: number): number {
  const { alpha: a, beta: b, gamma: g, delta: d } = p;
  const ln = lnBeta(a + x, b + n - x) - lnBeta(a, b) + lnBeta(g, d + n + 1) - lnBeta(g, d);
  return Math.exp(ln - bgbbLogLik(p, x, tx, n));
}

/**
 * Expected transactions of a new customer in the first n opportunities (FHS 2010 eq. 7):
 * α/(α+β) · δ/(γ−1) · [1 − Γ(γ+δ)Γ(1+δ+n) / (Γ(γ+δ+n)Γ(1+δ))].
 * @example bgbbExpectedNew(donationsFit, 6)
 */
export function bgbbExpectedNew(p: BgbbParams, n: number): number {
  const { alpha: a, beta: b, gamma: g, delta: d } = p;
  const ratio = Math.exp(lnGamma(g + d) + lnGamma(1 + d + n) - lnGamma(g + d + n) - lnGamma(1 + d));
  return (a / (a + b)) * (d / (g - 1)) * (1 - ratio);
}

/**
 * Fits BG/BB by maximum likelihood.
 * @throws ModelError invalid_input (a row outside 0 ≤ x ≤ tₓ ≤ n), no_transactions, not_converged
 * @example fitBgbb(donations) // => { alpha: 1.2035, beta: 0.7497, gamma: 0.6567, delta: 2.7834, logLik: −33225.58 } (FHS 2010)
 */
export function fitBgbb(data: BgbbData): BgbbResult {
  const m = data.frequency.length;
  if (data.recency.length !== m || data.periods.length !== m || (data.weights && data.weights.length !== m))
    throw new ModelError("invalid_input", "frequency, recency, periods (and weights) must have the same length.");
  let total = 0;
  for (let i = 0; i < m; i++) {
    const x = data.frequency[i],
      tx = data.recency[i],
      n = data.periods[i],
      w = data.weights ? data.weights[i] : 1;
    const ok = [x, tx, n].every((v) => Number.isInteger(v) && v >= 0) && x <= tx && tx <= n && n >= 1 && (x > 0 || tx === 0) && w >= 0;
    if (!ok)
      throw new ModelError(
        "invalid_input",
        `row ${i + 1}: needs whole numbers 0 ≤ frequency ≤ recency ≤ periods, periods ≥ 1, recency 0 when frequency is 0, weight ≥ 0 (got ${x}, ${tx}, ${n}, ${w}).`,
        ["frequency"],
      );
    total += w;
  }
  if (!(total > 0)) throw new ModelError("no_transactions", "There are no customers to fit (all weights are 0).");
  const ll = (phi: Float64Array) => {
    const p = { alpha: phi[0], beta: phi[1], gamma: phi[2], delta: phi[3] };
    let f = 0;
    for (let i = 0; i < m; i++) {
      const w = data.weights ? data.weights[i] : 1;
      if (w > 0) f += w * bgbbLogLik(p, data.frequency[i], data.recency[i], data.periods[i]);
    }
    return f;
  };
  const ml = maximiseLogParams(numericObjective(ll), Float64Array.of(1, 1, 1, 1), 200);
  if (!ml.converged) throw new ModelError("not_converged", `The BG/BB fit did not converge after ${ml.iterations} iterations.`);
  const [alpha, beta, gamma, delta] = ml.phi;
  const se = ml.stdErrors;
  return {
    model: "bgbb",
    alpha,
    beta,
    gamma,
    delta,
    stdErrors: { alpha: se[0], beta: se[1], gamma: se[2], delta: se[3] },
    logLik: ml.logLik,
    converged: ml.converged,
    iterations: ml.iterations,
    nCustomers: total,
  };
}
