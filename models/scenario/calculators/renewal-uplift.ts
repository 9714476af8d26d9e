/**
 * Renewal uplift with the effect given directly (docs/methods.md#renewal-uplift,
 * `/api/calc/renewal-uplift`, worked example 7): accounts renew at each anniversary, so
 * year t revenue = accounts × ARR × r^(t−1), discounted by (1 + d)^(t−1);
 * the lift moves r to r + lift. Delegates to the scenario engine
 * (models/scenario/scenario.ts `runEffectScenario`) so the calculator and workspace
 * scenarios share one formula, including the payback rule.
 */
import { ModelError } from "../../numeric/errors";
import { runEffectScenario } from "../scenario";
import { tidyDeep } from "../../numeric/precision";

export interface RenewalUpliftInput {
  accounts: number;
  /** ARR per account. */
  arr: number;
  /** Baseline renewal rate, fraction (0.85). */
  baselineRenewal: number;
  /** Lift in renewal rate, fraction (+6 points = 0.06). */
  renewalLift: number;
  horizonYears: number;
  grossMargin: number;
  /** Annual discount rate, fraction (0 = none). */
  discountRate: number;
  investment: number;
}

export interface RenewalUpliftResult {
  revenueGain: number;
  marginGain: number;
  /** (marginGain − investment) / investment; null when the investment is 0. */
  roi: number | null;
  npv: number;
  paybackYears: number | null;
  baselineRenewal: number;
  scenarioRenewal: number;
  /** Discounted revenue per year (index 0 = year 1), for charts. */
  baselineRevenueByYear: number[];
  scenarioRevenueByYear: number[];
  marginGainByYear: number[];
}

/**
 * Revenue and margin gain, ROI on margin, NPV and payback of a renewal-rate lift.
 * @throws ModelError invalid_input on negative counts, rates outside [0, 1] or a horizon that is not 1..100 years
 * @example renewalUplift({ accounts: 10_000, arr: 12_000, baselineRenewal: 0.85, renewalLift: 0.06, horizonYears: 3,
 *   grossMargin: 0.8, discountRate: 0, investment: 2_000_000 }) // => revenueGain 19_872_000, marginGain 15_897_600, roi 6.9488
 */
export function renewalUplift(input: RenewalUpliftInput): RenewalUpliftResult {
  const { accounts, arr, baselineRenewal, renewalLift, grossMargin, discountRate, investment } = input;
  if (!(Number.isInteger(accounts) && accounts >= 0))
    throw new ModelError("invalid_input", `accounts must be a whole number ≥ 0 (got ${accounts}).`, ["accounts"]);
  if (!(arr >= 0 && Number.isFinite(arr))) throw new ModelError("invalid_input", `arr must be ≥ 0 (got ${arr}).`, ["arr"]);
  if (!(baselineRenewal >= 0 && baselineRenewal <= 1))
    throw new ModelError("invalid_input", `baselineRenewal must be a fraction in [0, 1] (got ${baselineRenewal}).`, ["baselineRenewal"]);
  if (!(baselineRenewal + renewalLift >= 0 && baselineRenewal + renewalLift <= 1 + 1e-12))
    throw new ModelError("invalid_input", `baselineRenewal + renewalLift must stay in [0, 1] (got ${baselineRenewal + renewalLift}).`, [
      "renewalLift",
    ]);
  if (!(grossMargin >= 0 && grossMargin <= 1))
    throw new ModelError("invalid_input", `grossMargin must be in [0, 1] (got ${grossMargin}).`, ["grossMargin"]);
  if (!(discountRate > -1 && Number.isFinite(discountRate)))
    throw new ModelError("invalid_input", `discountRate must be > −1 (got ${discountRate}).`, ["discountRate"]);
  if (!(investment >= 0 && Number.isFinite(investment)))
    throw new ModelError("invalid_input", `investment must be ≥ 0 (got ${investment}).`, ["investment"]);
  const r = runEffectScenario({
    accounts,
    arr,
    baselineRenewal,
    renewalLift,
    horizonYears: input.horizonYears,
    annualDiscountRate: discountRate,
    grossMargin,
    investment,
  });
  return tidyDeep({
    revenueGain: r.revenueGain,
    marginGain: r.marginGain,
    roi: r.roi,
    npv: r.npv,
    paybackYears: r.paybackYears,
    baselineRenewal,
    scenarioRenewal: Math.min(1, baselineRenewal + renewalLift),
    baselineRevenueByYear: r.baseline.revenueByYear,
    scenarioRevenueByYear: r.scenario.revenueByYear,
    marginGainByYear: r.marginGainByYear,
  });
}
