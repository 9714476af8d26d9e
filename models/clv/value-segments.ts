import type { Warning } from "../numeric/errors";
import { ModelError } from "../numeric/errors";
import { quantileSorted } from "../numeric/rng";

/**
 * Customer value segmentation (docs/methods.md#value-segmentation): satisfaction group ×
 * value tier, with accounts, revenue share, renewal rate and mean CLV per
 * cell, and the promoter–detractor gap with a 95% interval.
 */

const Z95 = 1.959963984540054;

export type SatisfactionBy = "nps" | "csat";

export interface SegmentInput {
  by: SatisfactionBy;
  /** Per account: mean NPS (0-10) or mean CSAT; NaN = no responses (not matched). */
  satisfaction: Float64Array;
  /** ARR per account (revenue share and money). */
  arr: Float64Array;
  /** The value that makes the tiers (ARR or CLV), per account. */
  value: Float64Array;
  /** 1/0 renewed, NaN unknown. */
  renewed: Float64Array;
  /** CLV per account when known (NaN otherwise). */
  clv?: Float64Array;
  tiers: number;
  /** CSAT scale top (5 for 1-5). */
  csatScale?: number;
}

export interface SegmentCell {
  group: string;
  tier: number;
  accounts: number;
  revenue: number;
  revenueShare: number;
  renewalRate: number | null;
  renewalN: number;
  meanClv: number | null;
}

export interface GroupGap {
  /**
   * Estimate and Wald 95% interval of high-group minus low-group renewal rate (fractions; ×100 = pp). The interval
   * is null when it collapses to a point (both groups renew at 0% or 100%: perfect separation), with a warning.
   */
  renewalRateDiff: { estimate: number; ci95: [number, number] | null } | null;
  /** Mean ARR per account difference, Welch (normal) 95% interval. */
  meanArrDiff: { estimate: number; ci95: [number, number] } | null;
  /** Low group's ARR × renewal-rate gap: the revenue a year if it renewed like the high group. */
  revenueAtStake: { estimate: number; ci95: [number, number] | null } | null;
}

export interface SegmentResult {
  by: SatisfactionBy;
  groups: string[];
  tierEdges: number[];
  cells: SegmentCell[];
  byGroup: SegmentCell[];
  byTier: SegmentCell[];
  totals: { accounts: number; revenue: number; unmatched: number; renewalRate: number | null };
  gap: GroupGap & { high: string; low: string };
  /** Named warnings: a renewal-rate gap whose interval collapses, or a group renewing at 0% or 100%. */
  warnings: Warning[];
}

/** Promoter 9-10, passive 7-8, detractor 0-6 on the account's mean NPS. */
export function npsGroup(v: number): string {
  return v >= 9 ? "promoter" : v >= 7 ? "passive" : "detractor";
}

/** CSAT band on a 1..scale mean: satisfied ≥ scale − 1 (top two boxes), dissatisfied < (1 + scale) / 2, else neutral. */
export function csatBand(v: number, scale = 5): string {
  return v >= scale - 1 ? "satisfied" : v < (1 + scale) / 2 ? "dissatisfied" : "neutral";
}

/**
 * Tier edges as pandas.qcut: quantiles at k/tiers (linear interpolation);
 * tier k holds values in (edge_k, edge_{k+1}], the first tier including the minimum.
 */
export function tierEdges(values: ArrayLike<number>, tiers: number): number[] {
  const s = Float64Array.from(values).sort();
  return Array.from({ length: tiers + 1 }, (_, k) => quantileSorted(s, k / tiers));
}

function tierOf(v: number, edges: number[]): number {
  for (let k = 1; k < edges.length - 1; k++) if (v <= edges[k]) return k;
  return edges.length - 1;
}

interface Acc {
  accounts: number;
  revenue: number;
  renewedSum: number;
  renewalN: number;
  clvSum: number;
  clvN: number;
}
const emptyAcc = (): Acc => ({ accounts: 0, revenue: 0, renewedSum: 0, renewalN: 0, clvSum: 0, clvN: 0 });

function toCell(group: string, tier: number, a: Acc, totalRevenue: number): SegmentCell {
  return {
    group,
    tier,
    accounts: a.accounts,
    revenue: a.revenue,
    revenueShare: totalRevenue > 0 ? a.revenue / totalRevenue : 0,
    renewalRate: a.renewalN > 0 ? a.renewedSum / a.renewalN : null,
    renewalN: a.renewalN,
    meanClv: a.clvN > 0 ? a.clvSum / a.clvN : null,
  };
}

/**
 * Builds the satisfaction group × value tier table.
 * @throws ModelError("too_few_rows") when fewer accounts than tiers have a satisfaction score.
 * @example segmentAccounts({ by: "nps", satisfaction, arr, value: arr, renewed, tiers: 3 }).cells
 */
export function segmentAccounts(input: SegmentInput): SegmentResult {
  const { satisfaction, arr, value, renewed, clv, tiers, by } = input;
  const n = arr.length;
  if (!Number.isInteger(tiers) || tiers < 1 || tiers > 10) throw new ModelError("invalid_input", `tiers must be 1 to 10 (got ${tiers})`);
  const groups = by === "nps" ? ["promoter", "passive", "detractor"] : ["satisfied", "neutral", "dissatisfied"];
  const label = (v: number) => (by === "nps" ? npsGroup(v) : csatBand(v, input.csatScale ?? 5));
  const matched: number[] = [];
  for (let i = 0; i < n; i++) {
    if (Number.isFinite(satisfaction[i]) && Number.isFinite(value[i]) && Number.isFinite(arr[i])) matched.push(i);
  }
  if (matched.length < tiers) {
    throw new ModelError(
      "too_few_rows",
      `Segmenting into ${tiers} value tiers needs at least ${tiers} accounts with ${by} responses and a value (got ${matched.length}).`,
    );
  }
  const edges = tierEdges(
    matched.map((i) => value[i]),
    tiers,
  );
  const cellAcc = new Map<string, Acc>();
  const groupAcc = new Map<string, Acc>(groups.map((g) => [g, emptyAcc()]));
  const tierAcc = new Map<number, Acc>();
  for (let k = 1; k <= tiers; k++) tierAcc.set(k, emptyAcc());
  for (const g of groups) for (let k = 1; k <= tiers; k++) cellAcc.set(`${g}|${k}`, emptyAcc());
  const total = emptyAcc();
  // Per group, the ARR and renewal samples for the gap intervals.
  const arrByGroup = new Map<string, number[]>(groups.map((g) => [g, []]));
  for (const i of matched) {
    const g = label(satisfaction[i]);
    const k = tierOf(value[i], edges);
    arrByGroup.get(g)!.push(arr[i]);
    for (const a of [cellAcc.get(`${g}|${k}`)!, groupAcc.get(g)!, tierAcc.get(k)!, total]) {
      a.accounts++;
      a.revenue += arr[i];
      if (renewed[i] === 0 || renewed[i] === 1) {
        a.renewedSum += renewed[i];
        a.renewalN++;
      }
      if (clv && Number.isFinite(clv[i])) {
        a.clvSum += clv[i];
        a.clvN++;
      }
    }
  }
  const cells: SegmentCell[] = [];
  for (const g of groups) for (let k = 1; k <= tiers; k++) cells.push(toCell(g, k, cellAcc.get(`${g}|${k}`)!, total.revenue));
  const high = groups[0];
  const low = groups[2];
  return {
    by,
    groups,
    tierEdges: edges,
    cells,
    byGroup: groups.map((g) => toCell(g, 0, groupAcc.get(g)!, total.revenue)),
    byTier: Array.from({ length: tiers }, (_, k) => toCell("all", k + 1, tierAcc.get(k + 1)!, total.revenue)),
    totals: {
      accounts: total.accounts,
      revenue: total.revenue,
      unmatched: n - matched.length,
      renewalRate: total.renewalN > 0 ? total.renewedSum / total.renewalN : null,
    },
    gap: { high, low, ...groupGap(groupAcc.get(high)!, groupAcc.get(low)!, arrByGroup.get(high)!, arrByGroup.get(low)!) },
    warnings: gapWarnings(high, low, groupAcc.get(high)!, groupAcc.get(low)!),
  };
}

/** A renewal-rate gap the data cannot carry: a collapsed interval (perfect separation) or a group at 0% / 100%. */
function gapWarnings(high: string, low: string, hi: Acc, lo: Acc): Warning[] {
  if (hi.renewalN === 0 || lo.renewalN === 0) return [];
  const p1 = hi.renewedSum / hi.renewalN;
  const p2 = lo.renewedSum / lo.renewalN;
  const edge = (p: number) => p === 0 || p === 1;
  const pc = (p: number) => `${(100 * p).toFixed(1)}%`;
  if (edge(p1) && edge(p2)) {
    return [
      {
        code: "renewal_gap_interval_collapsed",
        message:
          `Every ${high} account ${p1 === 1 ? "renewed" : "left"} and every ${low} account ${p2 === 1 ? "renewed" : "left"} (${pc(p1)} vs ${pc(p2)}): ` +
          `satisfaction separates renewal perfectly here, so the gap has no usable interval and no model can estimate an effect. ` +
          `This usually means the score was collected after (or because of) the renewal decision; use scores from before it.`,
      },
    ];
  }
  const at = [
    [high, p1],
    [low, p2],
  ].filter(([, p]) => edge(p as number));
  if (at.length === 0) return [];
  return [
    {
      code: "renewal_rate_at_boundary",
      message:
        `${at.map(([g, p]) => `${g} accounts renew at ${pc(p as number)}`).join(" and ")}: an interval around a rate of exactly 0% or 100% ` +
        `understates the uncertainty; read the gap's interval as too narrow.`,
    },
  ];
}

function meanVar(xs: number[]): [number, number] {
  const m = xs.reduce((s, v) => s + v, 0) / xs.length;
  const v = xs.length > 1 ? xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1) : 0;
  return [m, v];
}

/** Gap between the high and low satisfaction groups, with normal-approximation 95% intervals. */
function groupGap(hi: Acc, lo: Acc, arrHi: number[], arrLo: number[]): GroupGap {
  let renewalRateDiff: GroupGap["renewalRateDiff"] = null;
  let revenueAtStake: GroupGap["revenueAtStake"] = null;
  if (hi.renewalN > 0 && lo.renewalN > 0) {
    const p1 = hi.renewedSum / hi.renewalN;
    const p2 = lo.renewedSum / lo.renewalN;
    const se = Math.sqrt((p1 * (1 - p1)) / hi.renewalN + (p2 * (1 - p2)) / lo.renewalN);
    const d = p1 - p2;
    // A standard error of 0 (both rates at 0 or 1) gives no interval, not a point "interval".
    renewalRateDiff = { estimate: d, ci95: se > 0 ? [d - Z95 * se, d + Z95 * se] : null };
    revenueAtStake = { estimate: lo.revenue * d, ci95: se > 0 ? [lo.revenue * (d - Z95 * se), lo.revenue * (d + Z95 * se)] : null };
  }
  let meanArrDiff: GroupGap["meanArrDiff"] = null;
  if (arrHi.length > 1 && arrLo.length > 1) {
    const [m1, v1] = meanVar(arrHi);
    const [m2, v2] = meanVar(arrLo);
    const se = Math.sqrt(v1 / arrHi.length + v2 / arrLo.length);
    meanArrDiff = { estimate: m1 - m2, ci95: [m1 - m2 - Z95 * se, m1 - m2 + Z95 * se] };
  }
  return { renewalRateDiff, meanArrDiff, revenueAtStake };
}
