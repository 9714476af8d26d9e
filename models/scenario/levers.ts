import { ModelError, type Warning } from "../numeric/errors";

export type { Warning };

/**
 * Levers in the business's units, turned into per-account predictor changes by one deterministic rule
 * (docs: README "Levers"). The model's NPS / CSAT predictors are each account's MEAN answer (0-10, 1..scale);
 * the business speaks of the NPS score (−100..100), of shares of detractors and passives, and of CSAT as
 * percentage points of satisfied answers. The rule, per lever:
 *
 * - `nps` / `csat` / `ces` (answer points): every answer moves by s points; each account's mean moves by s.
 * - `npsScore` Δ: the uniform per-answer shift s at which the NPS of the responses equals before + Δ, where a
 *   fractional shift moves every answer by ⌊s⌋ and a share s − ⌊s⌋ of them one point further (capped to 0-10);
 *   s is found by bisection (the score is continuous and non-decreasing in s). Then as `nps: s`.
 * - `csatPp` Δ: the same on CSAT answers (1..scale) for the share of satisfied answers (top two boxes).
 * - `detractorsToPassives` f, then `passivesToPromoters` g (shares 0-1): a share f of detractor answers (0-6)
 *   become 7, then a share g of the passive answers (7-8, including those just moved) become 9, as in
 *   docs/methods.md example 8. An account whose mean answer x is below 7 moves to x + f·(7 − x) + f·g·2; one with
 *   7 ≤ x < 9 moves to x + g·(9 − x) (the expected mean of its answers if they were all x).
 *
 * Per metric one kind of lever: answer points, score points or shares (422 otherwise).
 */

/** Answer counts: nps[a] for a = 0..10; csat[a − 1] for a = 1..csatScale. */
export interface AnswerCounts {
  nps: number[];
  csat: number[];
  csatScale: number;
}

/** A move of accounts in a band of mean answers towards a target: from ≤ x < below → x + share·(to − x) + extra. */
export interface Band {
  from: number;
  below: number;
  to: number;
  share: number;
  /** A constant added in the band (detractors moved to 7 who then move on to 9 with the passives). */
  extra?: number;
}

/** Lever keys beside the per-answer predictor names. */
export const LEVER_KEYS = ["npsScore", "detractorsToPassives", "passivesToPromoters", "csatPp"] as const;
export type LeverKey = (typeof LEVER_KEYS)[number];

export interface ScoreChange {
  before: number | null;
  after: number | null;
}

export interface ResolvedLevers {
  /** Uniform per-answer shifts by predictor (as ScenarioInput.change). */
  change: Record<string, number>;
  /** Band moves by predictor (as ScenarioInput.bands). */
  bands: Record<string, Band[]>;
  /** NPS score (−100..100) and CSAT (% satisfied) before → after, for the metrics with answers. */
  scores: { nps?: ScoreChange; csat?: ScoreChange };
  /** The uniform shift of every answer, in answer points (npsScore and csatPp solved for it; nps, csat as given). */
  shift: { nps?: number; csat?: number };
  /** The mean change of an answer after capping at the scale, in answer points (0-10 for NPS, 1..scale for CSAT). */
  meanAnswerChange: { nps?: number; csat?: number };
  /** One sentence per lever saying how it was applied, with units. */
  explained: string[];
}

export const emptyCounts = (csatScale: number): AnswerCounts => ({
  nps: new Array(11).fill(0),
  csat: new Array(csatScale).fill(0),
  csatScale,
});

/** Adds one response (NaN = no answer). */
export function addAnswer(c: AnswerCounts, nps: number, csat: number): void {
  if (Number.isInteger(nps) && nps >= 0 && nps <= 10) c.nps[nps]++;
  if (Number.isInteger(csat) && csat >= 1 && csat <= c.csatScale) c.csat[csat - 1]++;
}

export function mergeCounts(a: AnswerCounts, b: AnswerCounts): AnswerCounts {
  return { nps: a.nps.map((v, i) => v + b.nps[i]), csat: a.csat.map((v, i) => v + (b.csat[i] ?? 0)), csatScale: a.csatScale };
}

const total = (xs: number[]) => xs.reduce((s, v) => s + v, 0);

/**
 * A score of integer answers lo..hi (counts[a − lo]) after a uniform shift s: each answer goes to a + ⌊s⌋
 * with weight 1 − r and to a + ⌊s⌋ + 1 with weight r (r = s − ⌊s⌋), capped to the scale; `value(v)` scores
 * one answer. Returns the count-weighted mean of value, or null without answers.
 */
function shiftedMean(counts: number[], lo: number, s: number, value: (v: number) => number): number | null {
  const n = total(counts);
  if (n === 0) return null;
  const hi = lo + counts.length - 1;
  const k = Math.floor(s);
  const r = s - k;
  const cap = (v: number) => Math.min(hi, Math.max(lo, v));
  let acc = 0;
  counts.forEach((c, i) => {
    if (c === 0) return;
    const a = lo + i;
    acc += c * ((1 - r) * value(cap(a + k)) + (r > 0 ? r * value(cap(a + k + 1)) : 0));
  });
  return acc / n;
}

const npsValue = (v: number) => (v >= 9 ? 100 : v >= 7 ? 0 : -100);

/**
 * NPS score (−100..100) of the answers after a uniform shift of s answer points.
 * @example npsAfterShift([0, 0, 0, 0, 0, 0, 1, 0, 1, 1, 0], 1) // => 66.67 (6, 8, 9 become 7, 9, 10: 2 promoters of 3)
 */
export function npsAfterShift(counts: number[], s: number): number | null {
  return shiftedMean(counts, 0, s, npsValue);
}

/** CSAT (% of answers in the top two boxes) after a uniform shift of s answer points. */
export function csatAfterShift(counts: number[], s: number): number | null {
  const scale = counts.length;
  return shiftedMean(counts, 1, s, (v) => (v >= scale - 1 ? 100 : 0));
}

/** Mean answer after a uniform shift (capped), for the equivalent change per answer. */
function meanAfterShift(counts: number[], lo: number, s: number): number | null {
  return shiftedMean(counts, lo, s, (v) => v);
}

/**
 * The smallest-magnitude shift s whose score reaches `target` (score non-decreasing in s), by bisection on
 * [−span, span] to 1e-10 answer points.
 * @throws ModelError("change_out_of_range") when even moving every answer to the end of the scale misses it.
 */
export function solveShift(score: (s: number) => number, before: number, target: number, span: number, what: string): number {
  if (target === before) return 0;
  const up = target > before;
  const edge = score(up ? span : -span);
  if (up ? edge < target - 1e-9 : edge > target + 1e-9) {
    throw new ModelError(
      "change_out_of_range",
      `${what} cannot reach ${target.toFixed(1)}: even with every answer at the ${up ? "top" : "bottom"} of the scale it is ${edge.toFixed(1)}.`,
    );
  }
  let a = 0;
  let b = up ? span : -span;
  for (let it = 0; it < 200 && Math.abs(b - a) > 1e-10; it++) {
    const m = (a + b) / 2;
    const v = score(m);
    if (up ? v >= target : v <= target) b = m;
    else a = m;
  }
  return b;
}

const signed = (v: number, digits: number) => `${v >= 0 ? "+" : "−"}${Math.abs(v).toFixed(digits)}`;

/**
 * Turns a scenario `change` (levers and per-answer shifts) into per-account changes, with the scores before
 * and after on the given answers (those of the accounts the change applies to).
 * @throws ModelError("invalid_input") for two kinds of lever on one metric or a share outside 0-1;
 *   ModelError("change_out_of_range") for a score the scale cannot reach.
 * @example resolveLevers({ npsScore: 10 }, counts).change.nps // => the per-answer shift that adds 10 score points
 */
export function resolveLevers(input: Record<string, number>, counts: AnswerCounts): ResolvedLevers {
  const change: Record<string, number> = {};
  const bands: Record<string, Band[]> = {};
  const explained: string[] = [];
  for (const [k, v] of Object.entries(input)) {
    if (!Number.isFinite(v)) throw new ModelError("invalid_input", `change of "${k}" is not a number`, [k]);
    if (!(LEVER_KEYS as readonly string[]).includes(k) && v !== 0) change[k] = v;
  }
  const given = (k: string) => input[k] !== undefined && input[k] !== 0;
  const npsKinds = [
    given("nps") && "nps",
    given("npsScore") && "npsScore",
    (given("detractorsToPassives") || given("passivesToPromoters")) && "shares",
  ];
  if (npsKinds.filter(Boolean).length > 1) {
    throw new ModelError(
      "invalid_input",
      "Give one NPS lever: answer points (nps), score points (npsScore) or shares (detractorsToPassives / passivesToPromoters).",
      ["nps"],
    );
  }
  if (given("csat") && given("csatPp"))
    throw new ModelError("invalid_input", "Give one CSAT lever: answer points (csat) or percentage points (csatPp).", ["csat"]);
  for (const k of ["detractorsToPassives", "passivesToPromoters"]) {
    const f = input[k];
    if (f !== undefined && !(f >= 0 && f <= 1)) throw new ModelError("invalid_input", `${k} is a share from 0 to 1 (got ${f})`, [k]);
  }

  const nN = total(counts.nps);
  const cN = total(counts.csat);
  const scale = counts.csatScale;
  const scores: ResolvedLevers["scores"] = {};
  const meanAnswerChange: ResolvedLevers["meanAnswerChange"] = {};
  const shift: ResolvedLevers["shift"] = {};
  const npsBefore = npsAfterShift(counts.nps, 0);
  const csatBefore = csatAfterShift(counts.csat, 0);

  if (given("npsScore")) {
    if (npsBefore === null)
      throw new ModelError("invalid_input", "npsScore needs NPS answers of the accounts it applies to; there are none.", ["npsScore"]);
    const d = input.npsScore;
    const s = solveShift((x) => npsAfterShift(counts.nps, x)!, npsBefore, npsBefore + d, 10, "NPS");
    change.nps = s;
    explained.push(
      `NPS ${signed(d, 1)} score points: every 0-10 answer moves ${signed(s, 2)} points (each account's mean answer too, capped at 0-10).`,
    );
  }
  const f1 = input.detractorsToPassives ?? 0;
  const f2 = input.passivesToPromoters ?? 0;
  if (f1 > 0 || f2 > 0) {
    const list: Band[] = [];
    if (f1 > 0) list.push({ from: 0, below: 7, to: 7, share: f1, extra: f1 * f2 * 2 });
    if (f2 > 0) list.push({ from: 7, below: 9, to: 9, share: f2 });
    bands.nps = list;
    if (f1 > 0)
      explained.push(
        `${(100 * f1).toFixed(0)}% of detractor answers (0-6) become 7: an account with mean answer x < 7 moves to x + ${f1}·(7 − x).`,
      );
    if (f2 > 0)
      explained.push(
        `${(100 * f2).toFixed(0)}% of passive answers (7-8) become 9: an account with mean answer 7 ≤ x < 9 moves to x + ${f2}·(9 − x).`,
      );
  }
  if (given("csatPp")) {
    if (csatBefore === null)
      throw new ModelError("invalid_input", "csatPp needs CSAT answers of the accounts it applies to; there are none.", ["csatPp"]);
    const d = input.csatPp;
    const s = solveShift((x) => csatAfterShift(counts.csat, x)!, csatBefore, csatBefore + d, scale, "CSAT");
    change.csat = s;
    explained.push(
      `CSAT ${signed(d, 1)} pp of satisfied answers: every 1-${scale} answer moves ${signed(s, 2)} points (each account's mean answer too, capped at 1-${scale}).`,
    );
  }
  if (given("nps") && !given("npsScore"))
    explained.push(`NPS ${signed(input.nps, 2)} points on every 0-10 answer (each account's mean answer too, capped at 0-10).`);
  if (given("csat") && !given("csatPp"))
    explained.push(`CSAT ${signed(input.csat, 2)} points on every 1-${scale} answer (capped at 1-${scale}).`);

  if (nN > 0) {
    let after: number;
    let meanShift: number;
    if (bands.nps) {
      // Detractors first, then passives (with the moved detractors): promoters + g·(passives + f·detractors),
      // detractors·(1 − f); the mean answer gains f·(7 − a) + f·g·2 (a ≤ 6) and g·(9 − a) (a = 7, 8).
      let sc = 0;
      let dm = 0;
      counts.nps.forEach((c, a) => {
        if (a <= 6) {
          sc += c * ((1 - f1) * -100 + f1 * f2 * 100);
          dm += c * (f1 * (7 - a) + f1 * f2 * 2);
        } else if (a <= 8) {
          sc += c * f2 * 100;
          dm += c * f2 * (9 - a);
        } else sc += c * 100;
      });
      after = sc / nN;
      meanShift = dm / nN;
    } else {
      const s = change.nps ?? 0;
      after = npsAfterShift(counts.nps, s)!;
      meanShift = meanAfterShift(counts.nps, 0, s)! - meanAfterShift(counts.nps, 0, 0)!;
    }
    scores.nps = { before: npsBefore, after };
    meanAnswerChange.nps = meanShift;
    if (!bands.nps) shift.nps = change.nps ?? 0;
  }
  if (cN > 0) {
    const s = change.csat ?? 0;
    scores.csat = { before: csatBefore, after: csatAfterShift(counts.csat, s) };
    shift.csat = s;
    meanAnswerChange.csat = meanAfterShift(counts.csat, 1, s)! - meanAfterShift(counts.csat, 1, 0)!;
  }
  return { change, bands, scores, shift, meanAnswerChange, explained };
}

/** The change of one account's predictor value x under a uniform shift and band moves (before clipping). */
export function rowDelta(x: number, shift: number, bands: readonly Band[] | undefined): number {
  let d = shift;
  if (bands) for (const b of bands) if (x >= b.from && x < b.below) d += b.share * (b.to - x) + (b.extra ?? 0);
  return d;
}

/** The spread seen in the data: the largest gap between groups (segments, quarters) with enough answers. */
export interface ObservedSpread {
  /** NPS score points between the best and the worst group. */
  nps?: { points: number; best: string; worst: string };
  /** CSAT pp of satisfied answers between the best and the worst group. */
  csat?: { points: number; best: string; worst: string };
}

/**
 * The largest gap in NPS score and in CSAT between any two groups with at least `minAnswers` answers.
 * @example observedSpread({ "segment SMB": a, "segment Enterprise": b }).nps?.points
 */
export function observedSpread(groups: Record<string, AnswerCounts>, minAnswers = 30): ObservedSpread {
  const out: ObservedSpread = {};
  const gap = (score: (c: AnswerCounts) => number | null, n: (c: AnswerCounts) => number) => {
    let best: [string, number] | null = null;
    let worst: [string, number] | null = null;
    for (const [name, c] of Object.entries(groups)) {
      if (n(c) < minAnswers) continue;
      const v = score(c);
      if (v === null) continue;
      if (!best || v > best[1]) best = [name, v];
      if (!worst || v < worst[1]) worst = [name, v];
    }
    return best && worst && best[0] !== worst[0] ? { points: best[1] - worst[1], best: best[0], worst: worst[0] } : undefined;
  };
  const nps = gap(
    (c) => npsAfterShift(c.nps, 0),
    (c) => total(c.nps),
  );
  const csat = gap(
    (c) => csatAfterShift(c.csat, 0),
    (c) => total(c.csat),
  );
  if (nps) out.nps = nps;
  if (csat) out.csat = csat;
  return out;
}

/**
 * A warning per score moved further than the largest gap seen between groups in the data (or, with no groups
 * to compare, none: the absence of a spread is said in the scenario's assumptions).
 */
export function beyondObservedWarnings(scores: ResolvedLevers["scores"], spread: ObservedSpread): Warning[] {
  const out: Warning[] = [];
  const check = (metric: "nps" | "csat", unit: string, label: string) => {
    const s = scores[metric];
    const g = spread[metric];
    if (!s || !g || s.before === null || s.after === null) return;
    const moved = Math.abs(s.after - s.before);
    if (moved > g.points + 1e-9) {
      out.push({
        code: `${metric}_beyond_observed`,
        message:
          `${label} moves ${moved.toFixed(1)} ${unit}: larger than any difference seen in your data ` +
          `(${g.best} vs ${g.worst}: ${g.points.toFixed(1)} ${unit}). The model has not seen such a change; treat the result as an extrapolation.`,
      });
    }
  };
  check("nps", "NPS score points", "NPS");
  check("csat", "pp of satisfied answers", "CSAT");
  return out;
}
