/**
 * Renewal-based CLV of contract accounts: an account's ARR carried over the
 * horizon by its satisfaction group's observed renewal rate r_g (year 1 is
 * already contracted; each later year the account is still there with
 * probability r_g^(t−1)), discounted and times the gross margin:
 * CLV_i = margin · ARR_i · Σ_{t=1..H} r_g^(t−1) / (1 + d)^(t−1) (docs/methods.md#renewal-clv).
 */
import { discountFactors } from "../scenario/money";
import { csatBand, npsGroup, type SatisfactionBy, segmentAccounts } from "./value-segments";

export interface RenewalClvOptions {
  horizonYears: number;
  annualDiscountRate: number;
  grossMargin: number;
}

/**
 * Discounted expected years of revenue of an account that renews each year with probability r:
 * Σ_{t=1..H} r^(t−1) / (1 + d)^(t−1).
 * @example renewalYears(0.8, 3, 0) // => 1 + 0.8 + 0.64 = 2.44
 */
export function renewalYears(renewalRate: number, horizonYears: number, annualDiscountRate: number): number {
  const disc = discountFactors(horizonYears, annualDiscountRate);
  let f = 0;
  for (let t = 0; t < horizonYears; t++) f += Math.pow(renewalRate, t) * disc[t];
  return f;
}

export interface RenewalClvInput extends RenewalClvOptions {
  by: SatisfactionBy;
  /** Per account: mean NPS (0-10) or mean CSAT; NaN = no responses. */
  satisfaction: Float64Array;
  /** ARR per account; NaN = unknown. */
  arr: Float64Array;
  /** 1/0 renewed, NaN unknown. */
  renewed: Float64Array;
  /** CSAT scale (default 5). */
  csatScale?: number;
}

/**
 * Each account's renewal-based CLV, r_g its satisfaction group's observed renewal rate (the overall rate for a
 * group with no known renewal outcome, 0 when no account has one); NaN for an account without a satisfaction
 * score or ARR.
 * @example renewalClv({ by: "nps", satisfaction: Float64Array.of(9, 9, 3), arr: Float64Array.of(100, 100, 100),
 *   renewed: Float64Array.of(1, 0, 1), horizonYears: 2, annualDiscountRate: 0, grossMargin: 1 })
 *   // => Float64Array [150, 150, 200] (promoters renew at 0.5: 100 · (1 + 0.5); the detractor at 1)
 */
export function renewalClv(input: RenewalClvInput): Float64Array {
  const { by, satisfaction, arr, renewed, horizonYears, annualDiscountRate, grossMargin } = input;
  const csatScale = input.csatScale ?? 5;
  const n = arr.length;
  const groups = segmentAccounts({ by, satisfaction, arr, value: arr, renewed, tiers: 1, csatScale });
  const years = new Map(
    groups.byGroup.map((g) => [g.group, renewalYears(g.renewalRate ?? groups.totals.renewalRate ?? 0, horizonYears, annualDiscountRate)]),
  );
  const zeroRate = renewalYears(0, horizonYears, annualDiscountRate);
  const clv = new Float64Array(n).fill(NaN);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(satisfaction[i]) || !Number.isFinite(arr[i])) continue;
    const g = by === "nps" ? npsGroup(satisfaction[i]) : csatBand(satisfaction[i], csatScale);
    clv[i] = grossMargin * arr[i] * (years.get(g) ?? zeroRate);
  }
  return clv;
}
