/**
 * Survey metrics: NPS, CSAT and CES with their 95% intervals.
 *
 * - npsSummary, npsFromCounts (metrics.ts): NPS on −100..100, Wald interval clipped to the scale.
 * - csatSummary, csatFromCounts (metrics.ts): % top-two-box on 0..100 with a Wilson interval, and the mean answer.
 * - cesSummary, cesFromMoments (metrics.ts): mean effort with a Student t interval.
 *
 * @example
 * import { npsSummary } from "./index";
 * npsSummary([10, 9, 8, 3]).score // => 25
 */
export {
  cesFromMoments,
  cesSummary,
  csatFromCounts,
  csatSummary,
  npsFromCounts,
  npsSummary,
  type CesSummary,
  type CsatSummary,
  type NpsSummary,
} from "./metrics";
