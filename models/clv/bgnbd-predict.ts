/**
 * BG/NBD predictions at given parameters beyond P(alive) and the conditional expectation
 * (Fader, Hardie & Lee 2005, "Counting your customers the easy way", Marketing Science 24(2)):
 * the expected purchases of a new customer (eq. 7), the probability of exactly n purchases in (0, t]
 * for a customer drawn from the population (eq. 8) and one customer's log-likelihood (eq. 6).
 * The same quantities as lifetimes' `expected_number_of_purchases_up_to_time`,
 * `probability_of_n_purchases_up_to_time` and BTYD's `bgnbd.pmf` / `bgnbd.LL`.
 */
import { lnBeta, lnGamma } from "../numeric/distributions";
import { type BgnbdParams, bgnbdConditionalGrowth } from "./bgnbd";

/**
 * E[X(t)] for a customer just acquired (FHL 2005 eq. 7): (a+b−1)/(a−1)·[1 − (α/(α+t))^r ₂F₁(r, b; a+b−1; t/(α+t))].
 * @example bgnbdExpectedPurchasesNew({ r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 }, 78) // => 1.8576 (Hardie's BG/NBD spreadsheet)
 */
export function bgnbdExpectedPurchasesNew(p: BgnbdParams, t: number): number {
  // Eq. 10 with x = 0 and T = 0 is eq. 7 (P(alive) = 1 for x = 0).
  return bgnbdConditionalGrowth(p, 0, 0, t);
}

/**
 * P(X(t) = n) for a customer drawn from the population (FHL 2005 eq. 8), in log space term by term.
 * @example bgnbdProbabilityOfN({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, 39, 0) // => 0.5737864 (BTYD's bgnbd.pmf)
 */
export function bgnbdProbabilityOfN(p: BgnbdParams, t: number, n: number): number {
  const { r, alpha, a, b } = p;
  if (!(Number.isInteger(n) && n >= 0) || !(t >= 0)) return NaN;
  if (t === 0) return n === 0 ? 1 : 0;
  const lnP = Math.log(alpha / (alpha + t)); // ln(α/(α+t))
  const lnQ = Math.log(t / (alpha + t)); // ln(t/(α+t))
  // ln[Γ(r+j)/(Γ(r) j!) q^j] for the NBD probabilities.
  const lnNbd = (j: number) => lnGamma(r + j) - lnGamma(r) - lnGamma(j + 1) + r * lnP + j * lnQ;
  let out = Math.exp(lnBeta(a, b + n) - lnBeta(a, b) + lnNbd(n));
  if (n > 0) {
    // 1 − Σ_{j<n} NBD(j): the complement is computed by summation of the first n terms.
    let cdf = 0;
    for (let j = 0; j < n; j++) cdf += Math.exp(lnNbd(j));
    out += Math.exp(lnBeta(a + 1, b + n - 1) - lnBeta(a, b)) * Math.max(0, 1 - cdf);
  }
  return out;
}

/**
 * ln L(r, α, a, b | x, tₓ, T) of one customer (FHL 2005 eq. 6), the summand of the fitted log-likelihood.
 * @example bgnbdLogLik({ r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 }, 0, 0, 38.86) // => r·ln(α/(α+T)) = −0.5888
 */
export function bgnbdLogLik(p: BgnbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, a, b } = p;
  const common = lnGamma(r + x) - lnGamma(r) + r * Math.log(alpha);
  const first = lnBeta(a, b + x) - lnBeta(a, b) - (r + x) * Math.log(alpha + T);
  if (x === 0) return common + first;
  const second = lnBeta(a + 1, b + x - 1) - lnBeta(a, b) - (r + x) * Math.log(alpha + tx);
  const hi = Math.max(first, second);
  return common + hi + Math.log(Math.exp(first - hi) + Math.exp(second - hi));
}
