/**
 * Customer lifetime value: transactional models (BG/NBD, Gamma-Gamma), contractual retention (sBG), the renewal
 * CLV of contract accounts, and value segments.
 *
 * - fitBgnbd (bgnbd.ts): BG/NBD purchase and dropout process (Fader, Hardie & Lee 2005); bgnbdPAlive, bgnbdExpectedPurchases.
 * - fitGammaGamma (gamma-gamma.ts): spend per transaction (Fader, Hardie & Lee 2005, JMR); gammaGammaExpectedSpend.
 * - clvTable, clvColumns, customerClv (transactions-clv.ts): discounted CLV per customer from BG/NBD (or Pareto/NBD) and Gamma-Gamma;
 *   every customer valued, those first seen on the observation end from the fitted population.
 * - clvIntervals (clv-intervals.ts): delta-method 95% intervals on each customer's, the total and the mean CLV.
 * - holdoutTest, holdoutInput (holdout-test.ts): calibration/holdout test by frequency and by week (FHL 2005 figs. 3-4).
 * - bgnbdProbabilityOfN, bgnbdExpectedPurchasesNew, bgnbdLogLik (bgnbd-predict.ts): BG/NBD predictions at given parameters.
 * - fitParetoNbd (pareto-nbd.ts): Pareto/NBD (Schmittlein, Morrison & Colombo 1987); paretoNbdPAlive, paretoNbdModel.
 * - fitBgbb (bgbb.ts): BG/BB for discrete-time data (Fader, Hardie & Shang 2010); bgbbPAlive, bgbbExpectedNew.
 * - clvBySatisfaction (satisfaction-clv.ts): per-group fits, LR test of equal parameters, CLV gap with interval.
 * - clvWarnings (clv-warnings.ts): few repeat buyers, parameters at the edge of plausibility, a penalised fit, P(alive) of one-time buyers.
 * - summariseTransactions (rfm.ts): frequency, recency, T and mean spend per customer from transactions.
 * - fitSbg (sbg.ts): shifted-beta-geometric retention of one cohort (Fader & Hardie 2007); sbgProjection, sbgDerl.
 * - fitSbgCohorts (sbg-cohorts.ts): sBG on individual accounts with right-censoring (accounts that joined at different times).
 * - renewalClv (renewal-clv.ts): ARR carried over the horizon by the satisfaction group's renewal rate.
 * - segmentAccounts (value-segments.ts): satisfaction group × value tier, and the promoter–detractor gap.
 *
 * @example
 * import { fitBgnbd } from "./index";
 * fitBgnbd({ frequency, recency, T }).r
 */
export { bgnbdExpectedPurchases, bgnbdPAlive, fitBgnbd, type BgnbdParams, type BgnbdResult, type RfmColumns } from "./bgnbd";
export { fitGammaGamma, gammaGammaExpectedSpend, type GammaGammaResult } from "./gamma-gamma";
export { renewalClv, renewalYears, type RenewalClvInput } from "./renewal-clv";
export { summariseTransactions, type RfmSummary } from "./rfm";
export { fitSbgCohorts, type SbgCohortInput, type SbgCohortResult } from "./sbg-cohorts";
export { fitSbg, sbgDerl, sbgProjection, type SbgResult } from "./sbg";
export { clvWarnings } from "./clv-warnings";
export { clvColumns, clvTable, customerClv, type ClvMethod, type ClvOptions, type ClvTable } from "./transactions-clv";
export { clvIntervals, type ClvIntervals } from "./clv-intervals";
export { holdoutInput, holdoutTest, type HoldoutResult } from "./holdout-test";
export { bgnbdExpectedPurchasesNew, bgnbdLogLik, bgnbdProbabilityOfN } from "./bgnbd-predict";
export { fitParetoNbd, paretoNbdModel, paretoNbdPAlive, type ParetoNbdResult } from "./pareto-nbd";
export { bgbbExpectedNew, bgbbPAlive, fitBgbb, type BgbbResult } from "./bgbb";
export { clvBySatisfaction, type SatisfactionClv } from "./satisfaction-clv";
export { segmentAccounts, type SegmentInput, type SegmentResult } from "./value-segments";
