/**
 * Scenarios and money: what-ifs on a fitted renewal model, programme ROI, and the stateless calculators.
 *
 * - runScenario, runScenarioBlocks (scenario.ts): baseline vs changed renewal and revenue, ROI, NPV, payback, seeded interval.
 * - predictRenewal, shiftPlan, shiftedEta (scenario.ts): each account's p and p' under a change (shift → clip → logistic).
 * - resolveLevers (levers.ts): levers in business units (NPS score points, shares of detractors / passives, CSAT pp) →
 *   per-account changes; scores before → after; observedSpread and beyondObservedWarnings for the guard rail.
 * - runEffectScenario (scenario.ts): a scenario with the renewal lift given directly, not fitted.
 * - moneyFromYears, discountFactors, periodDiscountRate (money.ts): gains, ROI, NPV and payback from revenue by year; discounting.
 * - combineProgram (program.ts): one programme ROI from several initiatives, with overlap.
 * - calculators/ (index.ts there): sample size, churn, ROI, simple CLV, programme ROI, renewal uplift.
 *
 * @example
 * import { runScenario } from "./index";
 * runScenario({ terms, beta, cov, X, arr, change: { nps: 5 }, horizonYears: 3, annualDiscountRate: 0.1, grossMargin: 0.8, investment: 1e5 }).roi
 */
export { churnRate, programRoi, renewalUplift, roi, sampleSize, simpleClv } from "./calculators";
export { discountFactors, moneyFromYears, periodDiscountRate, type Money } from "./money";
export {
  beyondObservedWarnings,
  LEVER_KEYS,
  observedSpread,
  resolveLevers,
  type AnswerCounts,
  type Band,
  type ObservedSpread,
  type ResolvedLevers,
} from "./levers";
export { combineProgram, type ProgramInitiative } from "./program";
export {
  baselineOf,
  DEFAULT_CLIP,
  predictRenewal,
  runEffectScenario,
  runScenario,
  runScenarioBlocks,
  shiftedEta,
  shiftPlan,
  shiftValue,
  type ScenarioInput,
  type RowsBaseline,
  type ScenarioResult,
  type ShiftPlan,
} from "./scenario";
