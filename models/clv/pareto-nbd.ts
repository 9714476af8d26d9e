/**
 * The Pareto/NBD model (Schmittlein, Morrison & Colombo 1987) in the form of Fader & Hardie's note
 * "A note on deriving the Pareto/NBD model and related expressions" (2005): purchases while alive
 * ~ Poisson(λ), λ ~ Gamma(r, α); lifetime ~ Exponential(μ), μ ~ Gamma(s, β). Fitted by maximum
 * likelihood on (x, tₓ, T) (identical customers collapsed), log parameters, damped Newton with
 * finite-difference derivatives; the ₂F₁ difference A₀ in log space.
 */
import { lnGamma } from "../numeric/distributions";
import { ModelError } from "../numeric/errors";
import { maximiseLogParams } from "../numeric/newton";
import { numericObjective } from "../numeric/numeric-derivatives";
import type { RfmColumns } from "./bgnbd";
import { collapsePatterns } from "./patterns";
import type { PurchaseModel } from "./transactions-clv";

export interface ParetoNbdParams {
  r: number;
  /** In the time unit of recency and T. */
  alpha: number;
  s: number;
  /** In the time unit of recency and T. */
  beta: number;
}

export interface ParetoNbdResult extends ParetoNbdParams {
  model: "pareto-nbd";
  stdErrors: { r: number | null; alpha: number | null; s: number | null; beta: number | null };
  /** Asymptotic covariance of (r, α, s, β), row-major 4 x 4; null when not positive definite. */
  covariance: number[] | null;
  logLik: number;
  converged: boolean;
  iterations: number;
  nCustomers: number;
}

/** Series terms of ₂F₁ before a likelihood is declared undefined (NaN: the optimiser steps back from such regions). */
const MAX_TERMS = 20_000;

/**
 * ln ₂F₁(1, b; c; z) for 0 < b < c, 0 ≤ z < 1: the terms tₙ₊₁ = tₙ·(b+n)z/(c+n) fall monotonically from t₀ = 1 (ratio
 * below z), so they are summed in linear space without overflow; NaN when MAX_TERMS do not settle (z very near 1).
 * @example Math.exp(lnHyp2f1Unit(1, 2, 0.5)) // => ₂F₁(1, 1; 2; 0.5) = −ln(0.5)/0.5 = 1.3862943611198906
 */
export function lnHyp2f1Unit(b: number, c: number, z: number): number {
  let t = 1,
    sum = 1;
  for (let n = 0; n < MAX_TERMS; n++) {
    t *= ((b + n) * z) / (c + n);
    sum += t;
    // The tail is below t·z/(1 − z) (geometric bound on the ratio).
    if (t * z < 1e-17 * sum * (1 - z)) return Math.log(sum);
  }
  return NaN;
}

/** ln A₀ of the note's eq. 22 (−Infinity when tₓ = T, where A₀ = 0). */
function lnA0(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, s, beta } = p;
  const k = r + s + x;
  const hi = Math.max(alpha, beta);
  const b2 = alpha >= beta ? s + 1 : r + x;
  const d = Math.abs(alpha - beta);
  // Euler's transformation ₂F₁(k, b; k+1; z) = (1−z)^{1−b} ₂F₁(1, k+1−b; k+1; z) (A&S 15.3.3; k+1−b = r+x or s+1 > 0):
  // its terms fall at least as fast as zⁿ, where the original's first grow when b > 1 and z is near 1.
  const term = (t: number) => {
    const z = d / (hi + t);
    return (1 - b2) * Math.log1p(-z) + lnHyp2f1Unit(k + 1 - b2, k + 1, z) - k * Math.log(hi + t);
  };
  const t1 = term(tx);
  if (tx === T) return -Infinity;
  const t2 = term(T);
  // ln(e^t1 − e^t2), t1 > t2 (the function decreases in t).
  return t1 + Math.log(-Math.expm1(t2 - t1));
}

/**
 * ln L(r, α, s, β | x, tₓ, T) of one customer (Fader & Hardie 2005 note, eq. 22).
 * @example paretoNbdLogLik({ r: 0.5533, alpha: 10.5776, s: 0.6062, beta: 11.6679 }, 0, 0, 38.86)
 */
export function paretoNbdLogLik(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, s, beta } = p;
  const a1 = lnGamma(r + x) - lnGamma(r) + r * Math.log(alpha) + s * Math.log(beta);
  const la2 = -(r + x) * Math.log(alpha + T) - s * Math.log(beta + T);
  const la0 = Math.log(s / (r + s + x)) + lnA0(p, x, tx, T);
  const m = Math.max(la2, la0);
  return a1 + m + Math.log(Math.exp(la2 - m) + Math.exp(la0 - m));
}

/**
 * P(alive | x, tₓ, T) = 1 / (1 + s/(r+s+x) · (α+T)^{r+x} (β+T)^s · A₀) (the note's eq. 18).
 * @example paretoNbdPAlive(cdnowPnbd, 2, 30.43, 38.86) // => 0.8691 (scipy peer)
 */
export function paretoNbdPAlive(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, s, beta } = p;
  const ln = Math.log(s / (r + s + x)) + (r + x) * Math.log(alpha + T) + s * Math.log(beta + T) + lnA0(p, x, tx, T);
  return 1 / (1 + Math.exp(ln));
}

/**
 * The part of E[X(T, T+t] | x, tₓ, T] that does not depend on tₓ (the note's eq. 21 without P(alive)):
 * (r+x)(β+T) / ((α+T)(s−1)) · [1 − ((β+T)/(β+T+t))^{s−1}]; the limit (r+x)/(α+T)·(β+T)·ln(1 + t/(β+T)) at s = 1.
 * @example paretoNbdConditionalGrowth(cdnowPnbd, 0, 0, 39) // => expected purchases of a new customer in 39 weeks
 */
export function paretoNbdConditionalGrowth(p: ParetoNbdParams, x: number, T: number, t: number): number {
  if (t <= 0) return 0;
  const { r, alpha, s, beta } = p;
  const lead = ((r + x) * (beta + T)) / (alpha + T);
  const l = Math.log((beta + T) / (beta + T + t));
  if (Math.abs(s - 1) < 1e-10) return -lead * l;
  return (lead / (s - 1)) * -Math.expm1((s - 1) * l);
}

/** Pareto/NBD as a `PurchaseModel`. @example paretoNbdModel(fit).growth(0, 0, 39) */
export const paretoNbdModel = (p: ParetoNbdParams): PurchaseModel => ({
  growth: (x, T, t) => paretoNbdConditionalGrowth(p, x, T, t),
  pAlive: (x, tx, T) => paretoNbdPAlive(p, x, tx, T),
});

/**
 * Fits the Pareto/NBD by maximum likelihood.
 * @throws ModelError invalid_input, no_transactions, no_repeat_buyers, not_converged
 * @example fitParetoNbd(cdnowWeeks) // => { r: 0.5533, alpha: 10.5776, s: 0.6062, beta: 11.6679, logLik: −9594.97 } (published: 0.55, 10.58, 0.61, 11.67, −9595.0)
 */
export function fitParetoNbd(data: RfmColumns): ParetoNbdResult {
  const n = data.frequency.length;
  if (data.recency.length !== n || data.T.length !== n)
    throw new ModelError("invalid_input", "frequency, recency and T must have the same length.");
  if (n === 0) throw new ModelError("no_transactions", "There are no customers to fit: upload transactions first.");
  let repeat = 0;
  for (let i = 0; i < n; i++) {
    const x = data.frequency[i],
      tx = data.recency[i],
      T = data.T[i];
    if (!(Number.isInteger(x) && x >= 0 && T > 0 && tx >= 0 && tx <= T))
      throw new ModelError("invalid_input", `customer ${i + 1}: needs a whole frequency ≥ 0 and 0 ≤ recency ≤ T, T > 0.`, ["frequency"]);
    if (x > 0) repeat++;
  }
  if (repeat === 0)
    throw new ModelError("no_repeat_buyers", "No customer has made a repeat purchase, so the Pareto/NBD cannot be estimated.");
  const pat = collapsePatterns(data.frequency, data.recency, data.T, data.weights);
  // Time rescaled so max T = 10 (as fitBgnbd), for well-conditioned steps; α, β scale back.
  let maxT = 0;
  for (let k = 0; k < pat.count; k++) maxT = Math.max(maxT, pat.T[k]);
  const sc = 10 / maxT;
  let sumWx = 0;
  for (let k = 0; k < pat.count; k++) sumWx += pat.w[k] * pat.x[k];
  const ll = (phi: Float64Array) => {
    const p = { r: phi[0], alpha: phi[1], s: phi[2], beta: phi[3] };
    let f = 0;
    for (let k = 0; k < pat.count; k++) f += pat.w[k] * paretoNbdLogLik(p, pat.x[k], pat.tx[k] * sc, pat.T[k] * sc);
    return f;
  };
  const ml = maximiseLogParams(numericObjective(ll), Float64Array.of(0.5, 1, 0.5, 1), 200);
  if (!ml.converged)
    throw new ModelError(
      "not_converged",
      `The Pareto/NBD fit did not converge after ${ml.iterations} iterations: check that recency and T are in one time unit and that customers have enough history; BG/NBD is the default for a reason.`,
    );
  const [r, aS, s, bS] = ml.phi;
  const k = [1, 1 / sc, 1, 1 / sc];
  const se = ml.stdErrors;
  return {
    model: "pareto-nbd",
    r,
    alpha: aS / sc,
    s,
    beta: bS / sc,
    stdErrors: {
      r: se[0],
      alpha: se[1] === null ? null : se[1] / sc,
      s: se[2],
      beta: se[3] === null ? null : se[3] / sc,
    },
    covariance: ml.covariance ? Array.from(ml.covariance, (v, ij) => v * k[Math.floor(ij / 4)] * k[ij % 4]) : null,
    // Each customer's likelihood picks up sc^(−x) from the rescaling.
    logLik: ml.logLik + sumWx * Math.log(sc),
    converged: ml.converged,
    iterations: ml.iterations,
    nCustomers: n,
  };
}
