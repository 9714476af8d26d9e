/**
 * Survey metrics: NPS, CSAT and CES with 95% intervals (docs/methods.md#survey-metrics).
 *
 * Every summary can be built from raw scores or from counts/histograms, so the
 * worker can keep per-block partial counts and combine them (large datasets):
 * the histogram functions are the single source of truth, the score functions
 * only tally. Results are JSON-safe: an empty sample gives `null`, never NaN.
 */
import { ModelError } from "../numeric/errors";
import { tQuantile } from "../numeric/distributions";

/** Two-sided 95% normal quantile, Φ⁻¹(0.975) (the exact value, not 1.96). */
export const Z95 = 1.959963984540054;

export interface NpsSummary {
  /** %promoters − %detractors, −100..100; null when n = 0. */
  score: number | null;
  promoters: number;
  passives: number;
  detractors: number;
  n: number;
  /** score ± z·100·√((p + d − (p − d)²)/n); null when n = 0. */
  ci95: [number, number] | null;
}

export interface CsatSummary {
  /** Share of positive (top-box) answers in % (0..100); null when n = 0. */
  score: number | null;
  /** Mean answer on the scale; null when n = 0. */
  mean: number | null;
  n: number;
  /** Wilson score interval for the positive share, in %; null when n = 0. */
  ci95: [number, number] | null;
}

export interface CesSummary {
  mean: number | null;
  n: number;
  /** mean ± t(0.975, n−1)·s/√n; null when n < 2. */
  ci95: [number, number] | null;
}

export interface CsatOptions {
  /** Top of the scale (5 for 1-5, 10 for 1-10). Default 5. */
  scale?: number;
  /** Lowest answer counted as positive. Default: top two boxes, scale − 1. */
  positiveFrom?: number;
}

/**
 * NPS from counts of promoters (9-10), passives (7-8) and detractors (0-6).
 * Standard error from var(NPS/100) = (p + d − (p − d)²)/n (docs/methods.md#nps); the 95% Wald
 * interval score ± 1.96·100·SE is clipped to the scale, −100..100.
 * @throws ModelError invalid_input when a count is negative or not an integer
 * @example npsFromCounts(200, 300, 500).score // => -30 (docs/methods.md#example-1)
 */
export function npsFromCounts(promoters: number, passives: number, detractors: number): NpsSummary {
  for (const [name, v] of [
    ["promoters", promoters],
    ["passives", passives],
    ["detractors", detractors],
  ] as const) {
    if (!Number.isInteger(v) || v < 0) {
      throw new ModelError("invalid_input", `${name} must be a whole number ≥ 0 (got ${v}).`, [name]);
    }
  }
  const n = promoters + passives + detractors;
  if (n === 0) return { score: null, promoters, passives, detractors, n, ci95: null };
  const p = promoters / n;
  const d = detractors / n;
  // From the counts, not from p − d: 100·(40 − 30)/100 is exactly 10 where 100·(0.4 − 0.3) is not.
  const score = (100 * (promoters - detractors)) / n;
  const variance = Math.max(0, p + d - (p - d) * (p - d)) / n;
  const half = Z95 * 100 * Math.sqrt(variance);
  // The Wald interval can leave the scale on small samples; NPS lives in −100..100 (as CSAT's in 0..100).
  return { score, promoters, passives, detractors, n, ci95: [Math.max(-100, score - half), Math.min(100, score + half)] };
}

/**
 * NPS of 0-10 answers; NaN entries are skipped (missing answers).
 * @throws ModelError invalid_input for an answer that is not an integer 0-10
 * @example npsSummary([10, 9, 8, 3]).score // => 25
 */
export function npsSummary(scores: ArrayLike<number>): NpsSummary {
  let pr = 0,
    pa = 0,
    de = 0;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i];
    if (Number.isNaN(s)) continue;
    if (!Number.isInteger(s) || s < 0 || s > 10) {
      throw new ModelError("invalid_input", `NPS answers are whole numbers 0-10 (got ${s} at position ${i + 1}).`, ["nps"]);
    }
    if (s >= 9) pr++;
    else if (s >= 7) pa++;
    else de++;
  }
  return npsFromCounts(pr, pa, de);
}

/**
 * Wilson score interval for a proportion k/n, as fractions.
 * @example wilson(8, 10) // => [0.4902..., 0.9433...]
 */
export function wilson(k: number, n: number, z = Z95): [number, number] {
  const p = k / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/**
 * CSAT from its sufficient statistics: number of positive answers, number of
 * answers and their sum (for the mean). The combinable form for per-block sums.
 * @example csatFromCounts(8, 10, 42) // => { score: 80, mean: 4.2, n: 10, ci95: [49.0.., 94.3..] }
 */
export function csatFromCounts(positive: number, n: number, sum: number): CsatSummary {
  if (n === 0) return { score: null, mean: null, n: 0, ci95: null };
  const [lo, hi] = wilson(positive, n);
  return { score: (100 * positive) / n, mean: sum / n, n, ci95: [100 * lo, 100 * hi] };
}

/**
 * CSAT: share of top-box answers in % with a Wilson interval, and the mean.
 * NaN entries are skipped.
 * @throws ModelError invalid_input for an answer outside 1..scale or a bad option
 * @example csatSummary([5, 4, 3, 2]).score // => 50
 */
export function csatSummary(scores: ArrayLike<number>, options: CsatOptions = {}): CsatSummary {
  const scale = options.scale ?? 5;
  if (!Number.isInteger(scale) || scale < 2) {
    throw new ModelError("invalid_input", `The CSAT scale must be a whole number ≥ 2 (got ${scale}).`, ["scale"]);
  }
  const positiveFrom = options.positiveFrom ?? scale - 1;
  if (!(positiveFrom >= 1 && positiveFrom <= scale)) {
    throw new ModelError("invalid_input", `positiveFrom must lie in 1..${scale} (got ${positiveFrom}).`, ["positiveFrom"]);
  }
  let n = 0,
    positive = 0,
    sum = 0;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i];
    if (Number.isNaN(s)) continue;
    if (!Number.isFinite(s) || s < 1 || s > scale) {
      throw new ModelError("invalid_input", `CSAT answers lie in 1-${scale} (got ${s} at position ${i + 1}).`, ["csat"]);
    }
    n++;
    sum += s;
    if (s >= positiveFrom) positive++;
  }
  return csatFromCounts(positive, n, sum);
}

/**
 * CES (or any mean score) from its combinable moments: count, mean and M2 =
 * Σ(x − mean)² (Chan et al. 1979 pairwise update keeps M2 accurate).
 */
export function cesFromMoments(n: number, mean: number, m2: number): CesSummary {
  if (n === 0) return { mean: null, n: 0, ci95: null };
  if (n < 2) return { mean, n, ci95: null };
  const sd = Math.sqrt(Math.max(0, m2) / (n - 1));
  const half = tQuantile(0.975, n - 1) * (sd / Math.sqrt(n));
  return { mean, n, ci95: [mean - half, mean + half] };
}

/** Moments of one sample (two-pass, for accuracy), for `cesFromMoments` / `combineMoments`. */
export function moments(scores: ArrayLike<number>): { n: number; mean: number; m2: number } {
  let n = 0,
    sum = 0;
  for (let i = 0; i < scores.length; i++)
    if (!Number.isNaN(scores[i])) {
      n++;
      sum += scores[i];
    }
  const mean = n ? sum / n : 0;
  let m2 = 0;
  for (let i = 0; i < scores.length; i++) if (!Number.isNaN(scores[i])) m2 += (scores[i] - mean) ** 2;
  return { n, mean, m2 };
}

/** Combines the moments of two disjoint samples (Chan, Golub & LeVeque's parallel update). */
export function combineMoments(
  a: { n: number; mean: number; m2: number },
  b: { n: number; mean: number; m2: number },
): { n: number; mean: number; m2: number } {
  if (a.n === 0) return { ...b };
  if (b.n === 0) return { ...a };
  const n = a.n + b.n;
  const delta = b.mean - a.mean;
  return { n, mean: a.mean + (delta * b.n) / n, m2: a.m2 + b.m2 + (delta * delta * a.n * b.n) / n };
}

/**
 * CES: mean effort score with a Student-t 95% interval. NaN entries are skipped.
 * @throws ModelError invalid_input for a non-finite answer
 * @example cesSummary([2, 4, 6]).mean // => 4  (ci95 = 4 ± 4.3027·2/√3)
 */
export function cesSummary(scores: ArrayLike<number>): CesSummary {
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i];
    if (!Number.isNaN(s) && !Number.isFinite(s)) {
      throw new ModelError("invalid_input", `CES answers must be finite numbers (got ${s} at position ${i + 1}).`, ["ces"]);
    }
  }
  const m = moments(scores);
  return cesFromMoments(m.n, m.mean, m.m2);
}
