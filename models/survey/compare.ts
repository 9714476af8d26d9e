/**
 * Differences of survey metrics between two independent periods (current − previous) with 95% intervals,
 * and a plain statement of whether the difference is more than sampling noise (docs/methods.md "Compare periods").
 */
import { tQuantile } from "../numeric/distributions";
import { wilson, Z95 } from "./metrics";

export interface Difference {
  current: number | null;
  previous: number | null;
  /** current − previous (NPS and CSAT in points; CES in answer points); null when either side has no answers. */
  difference: number | null;
  ci95: [number, number] | null;
  /** "more than noise" when the 95% interval excludes 0, "within noise" when it includes 0, null without data. */
  verdict: "more than noise" | "within noise" | null;
  statement: string;
}

const verdictOf = (ci: [number, number] | null) => (ci === null ? null : ci[0] > 0 || ci[1] < 0 ? "more than noise" : "within noise");

function describe(d: Omit<Difference, "statement">, unit: string, digits: number): string {
  if (d.difference === null || d.ci95 === null) return "Not enough answers in both periods to compare.";
  const f = (x: number) => (x > 0 ? "+" : "") + x.toFixed(digits);
  const range = `95% interval ${f(d.ci95[0])} to ${f(d.ci95[1])} ${unit}`;
  return d.verdict === "more than noise"
    ? `A change of ${f(d.difference)} ${unit} (${range}): more than noise; the interval does not include 0.`
    : `A change of ${f(d.difference)} ${unit} (${range}): within noise; the interval includes 0, so this could be chance.`;
}

function finish(
  current: number | null,
  previous: number | null,
  difference: number | null,
  ci95: [number, number] | null,
  unit: string,
  digits: number,
): Difference {
  const d = { current, previous, difference, ci95, verdict: verdictOf(ci95) } as Omit<Difference, "statement">;
  return { ...d, statement: describe(d, unit, digits) };
}

/**
 * NPS difference of two independent samples: var(NPS/100) = (p + d − (p − d)²)/n per sample, added; normal 95% interval.
 * @example npsDifference({ promoters: 50, passives: 30, detractors: 20 }, { promoters: 40, passives: 30, detractors: 30 }).difference // => 20
 */
export function npsDifference(
  a: { promoters: number; passives: number; detractors: number },
  b: { promoters: number; passives: number; detractors: number },
): Difference {
  const one = (x: typeof a) => {
    const n = x.promoters + x.passives + x.detractors;
    if (n === 0) return null;
    const p = x.promoters / n,
      d = x.detractors / n;
    return { score: 100 * (p - d), v: (p + d - (p - d) ** 2) / n };
  };
  const ca = one(a),
    cb = one(b);
  if (!ca || !cb) return finish(ca?.score ?? null, cb?.score ?? null, null, null, "NPS points", 1);
  const diff = ca.score - cb.score;
  const half = Z95 * 100 * Math.sqrt(ca.v + cb.v);
  return finish(ca.score, cb.score, diff, [diff - half, diff + half], "NPS points", 1);
}

/**
 * CSAT (share of positive answers, in %) difference: Newcombe's hybrid score interval (Newcombe 1998, method 10),
 * built from the two Wilson intervals; in percentage points.
 * @example csatDifference({ positive: 56, n: 70 }, { positive: 48, n: 80 }).ci95 // => [5.24…, 33.39…] (Newcombe 1998, Table II)
 */
export function csatDifference(a: { positive: number; n: number }, b: { positive: number; n: number }): Difference {
  const sa = a.n ? (100 * a.positive) / a.n : null;
  const sb = b.n ? (100 * b.positive) / b.n : null;
  if (!a.n || !b.n) return finish(sa, sb, null, null, "percentage points", 1);
  const p1 = a.positive / a.n,
    p2 = b.positive / b.n;
  const [l1, u1] = wilson(a.positive, a.n);
  const [l2, u2] = wilson(b.positive, b.n);
  const d = p1 - p2;
  const lo = d - Math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2);
  const hi = d + Math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2);
  return finish(sa, sb, 100 * d, [100 * lo, 100 * hi], "percentage points", 1);
}

/**
 * CES (mean) difference: Welch's t interval with Welch–Satterthwaite degrees of freedom.
 * Moments as in models/survey/metrics.ts: count, mean, M2 = Σ(x − mean)².
 */
export function cesDifference(a: { n: number; mean: number; m2: number }, b: { n: number; mean: number; m2: number }): Difference {
  const ma = a.n ? a.mean : null,
    mb = b.n ? b.mean : null;
  if (a.n < 2 || b.n < 2) return finish(ma, mb, ma !== null && mb !== null ? ma - mb : null, null, "answer points", 2);
  const va = a.m2 / (a.n - 1) / a.n,
    vb = b.m2 / (b.n - 1) / b.n;
  const se = Math.sqrt(va + vb);
  const diff = a.mean - b.mean;
  if (se === 0) return finish(a.mean, b.mean, diff, [diff, diff], "answer points", 2);
  const df = (va + vb) ** 2 / (va ** 2 / (a.n - 1) + vb ** 2 / (b.n - 1));
  const half = tQuantile(0.975, df) * se;
  return finish(a.mean, b.mean, diff, [diff - half, diff + half], "answer points", 2);
}
