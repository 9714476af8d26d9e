import {
  type CesSummary,
  combineMoments,
  type CsatSummary,
  cesFromMoments,
  csatFromCounts,
  type NpsSummary,
  npsFromCounts,
} from "../../models/survey/metrics";

/**
 * Partial survey aggregates: counts and sums that add up over blocks (metrics are
 * served from stored per-block and per-day partials), turned into NPS / CSAT /
 * CES summaries by models/survey/metrics.ts only at the end.
 */
export interface Partial {
  promoters: number;
  passives: number;
  detractors: number;
  csatN: number;
  csatPositive: number;
  csatSum: number;
  /** CES moments: count, mean, Σ(x − mean)². */
  ces: { n: number; mean: number; m2: number };
}

export const emptyPartial = (): Partial => ({
  promoters: 0,
  passives: 0,
  detractors: 0,
  csatN: 0,
  csatPositive: 0,
  csatSum: 0,
  ces: { n: 0, mean: 0, m2: 0 },
});

/** Adds one response to a partial. NaN scores are missing. */
export function addResponse(p: Partial, nps: number, csat: number, ces: number, csatPositiveFrom: number): void {
  if (!Number.isNaN(nps)) {
    if (nps >= 9) p.promoters++;
    else if (nps >= 7) p.passives++;
    else p.detractors++;
  }
  if (!Number.isNaN(csat)) {
    p.csatN++;
    p.csatSum += csat;
    if (csat >= csatPositiveFrom) p.csatPositive++;
  }
  if (!Number.isNaN(ces)) {
    // Welford's update keeps M2 accurate within a block.
    const c = p.ces;
    c.n++;
    const d = ces - c.mean;
    c.mean += d / c.n;
    c.m2 += d * (ces - c.mean);
  }
}

/** Sum of two partials (blocks or groups). */
export function mergePartial(a: Partial, b: Partial): Partial {
  return {
    promoters: a.promoters + b.promoters,
    passives: a.passives + b.passives,
    detractors: a.detractors + b.detractors,
    csatN: a.csatN + b.csatN,
    csatPositive: a.csatPositive + b.csatPositive,
    csatSum: a.csatSum + b.csatSum,
    ces: combineMoments(a.ces, b.ces),
  };
}

/** The metrics object M of GET .../metrics (docs/api.md#metrics): `{ nps, csat, ces }` with 95% intervals. */
export interface Metrics {
  nps: NpsSummary;
  csat: CsatSummary;
  ces: CesSummary;
}

export function summarize(p: Partial): Metrics {
  return {
    nps: npsFromCounts(p.promoters, p.passives, p.detractors),
    csat: csatFromCounts(p.csatPositive, p.csatN, p.csatSum),
    ces: cesFromMoments(p.ces.n, p.ces.mean, p.ces.m2),
  };
}

/** Grouping of `GET .../metrics?by=`. */
export type GroupBy = "month" | "quarter" | "touchpoint" | "segment" | "surveyType";

/** ISO month / quarter key of days since 1970-01-01. */
export function periodKey(days: number, by: "month" | "quarter"): string {
  const d = new Date(days * 86400000);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  return by === "month" ? `${y}-${String(m + 1).padStart(2, "0")}` : `${y}-Q${Math.floor(m / 3) + 1}`;
}

/** Benchmarks (docs/methods.md#benchmarks): average NPS by industry, and CSAT bands. */
export const BENCHMARKS = {
  /** The survey type the NPS figures describe (compare them with relationship NPS only). */
  npsSurveyType: "relationship" as const,
  note:
    "The NPS averages are relationship NPS (customers asked how likely they are to recommend the company): compare them with " +
    "your relationship NPS. Transactional NPS (asked after a support case, onboarding or a purchase) has no benchmark here. " +
    "The CSAT bands are read the same for either survey type.",
  npsIndustryAverages: {
    "auto dealers": 39,
    hotels: 33,
    banks: 21,
    "department and specialty stores": 62,
    software: 34,
    laptops: 43,
  },
  /** The average company scores under +10 NPS; leaders sit between +50 and +80. */
  npsAverageCompanyBelow: 10,
  npsLeaders: [50, 80] as [number, number],
  /** CSAT % bands: ≥ 80 excellent, 70-79 good, 50-69 room to improve, < 50 urgent. */
  csatBands: [
    { band: "excellent", min: 80, max: 100 },
    { band: "good", min: 70, max: 80 },
    { band: "room to improve", min: 50, max: 70 },
    { band: "urgent", min: 0, max: 50 },
  ],
};

/** The CSAT band of a score in % (min inclusive, max exclusive except 100), or null. */
export function csatBand(score: number | null): string | null {
  if (score === null) return null;
  if (score >= 80) return "excellent";
  if (score >= 70) return "good";
  if (score >= 50) return "room to improve";
  return "urgent";
}
