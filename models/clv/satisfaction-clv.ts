/**
 * CLV by satisfaction group in a transactional business: BG/NBD + Gamma-Gamma fitted separately on each
 * group's customers (e.g. promoters / passives / detractors), a likelihood-ratio test of "every group has
 * the same parameters" against the pooled fit, and the gap in mean CLV between two groups with a 95%
 * interval. The LR statistic is 2·(Σ_g LL_g − LL_pooled) over the BG/NBD and Gamma-Gamma likelihoods,
 * χ² with (G − 1)·7 degrees of freedom (4 BG/NBD + 3 Gamma-Gamma parameters per group; Wilks 1938).
 * The gap's interval adds the two groups' delta-method variances of the mean (independent fits).
 * Association, not causation: satisfied customers may differ in other ways.
 */
import { chi2Sf } from "../numeric/distributions";
import { ModelError } from "../numeric/errors";
import type { BgnbdResult } from "./bgnbd";
import { clvIntervals } from "./clv-intervals";
import type { GammaGammaResult } from "./gamma-gamma";
import { bgnbdModel, clvColumns, type ClvOptions, clvLayout } from "./transactions-clv";

type RfmIn = { frequency: ArrayLike<number>; recency: ArrayLike<number>; T: ArrayLike<number>; monetary: ArrayLike<number> };

export interface SatisfactionGroupClv {
  group: string;
  customers: number;
  /** Customers of the group with at least one repeat purchase. */
  repeatBuyers: number;
  meanClv: number | null;
  meanClvCi95: [number, number] | null;
  totalClv: number | null;
  bgnbd: Pick<BgnbdResult, "r" | "alpha" | "a" | "b" | "logLik"> | null;
  gammaGamma: Pick<GammaGammaResult, "p" | "q" | "gamma" | "logLik"> | null;
  /** Why the group could not be fitted (then the values are null). */
  error: { code: string; message: string } | null;
}

export interface SatisfactionClv {
  groups: SatisfactionGroupClv[];
  /** LR test of equal BG/NBD + Gamma-Gamma parameters across the fitted groups; null when fewer than two groups fit. */
  test: { statistic: number; df: number; pValue: number } | null;
  /** Mean CLV of `gap[0]` minus that of `gap[1]`, with its 95% interval. */
  gap: { from: string; to: string; meanClvDifference: number; ci95: [number, number] | null } | null;
  /** Customers without a satisfaction group (no linked response), not in the groups or the test. */
  ungrouped: number;
  warnings: { code: string; message: string }[];
}

/** Fewer repeat buyers than this in a group: a warning that its fit rests on too little repeat behaviour. */
export const MIN_GROUP_REPEAT_BUYERS = 50;

const Z95 = 1.959963984540054;

function subset(s: RfmIn, idx: number[]): RfmIn {
  const pick = (a: ArrayLike<number>) => Float64Array.from(idx, (j) => a[j]);
  return { frequency: pick(s.frequency), recency: pick(s.recency), T: pick(s.T), monetary: pick(s.monetary) };
}

/**
 * Fits each group and the pooled customers, tests equal parameters and reports the CLV gap.
 * @param group each customer's group (null = no response linked)
 * @param order the groups in display order; `gap` the pair [higher, lower] whose mean-CLV difference is reported
 * @throws ModelError invalid_input when `group` does not match the customers
 * @example clvBySatisfaction(rfm, groups, ["promoters", "passives", "detractors"], ["promoters", "detractors"], opts).test
 */
export function clvBySatisfaction(
  s: RfmIn,
  group: readonly (string | null)[],
  order: readonly string[],
  gap: readonly [string, string],
  opts: ClvOptions,
): SatisfactionClv {
  const n = s.frequency.length;
  if (group.length !== n) throw new ModelError("invalid_input", `group has ${group.length} entries for ${n} customers.`);
  const members = new Map<string, number[]>(order.map((g) => [g, []]));
  const pooledIdx: number[] = [];
  let ungrouped = 0;
  for (let j = 0; j < n; j++) {
    const g = group[j];
    const list = g === null ? undefined : members.get(g);
    if (!list) {
      ungrouped++;
      continue;
    }
    list.push(j);
    pooledIdx.push(j);
  }
  const warnings: SatisfactionClv["warnings"] = [];
  const fitted: { ll: number; meanVar: number; mean: number }[] = [];
  const byName = new Map<string, { mean: number; meanVar: number }>();
  const groups = order.map((name): SatisfactionGroupClv => {
    const idx = members.get(name)!;
    let repeatBuyers = 0;
    for (const j of idx) if (s.frequency[j] > 0 && s.T[j] > 0) repeatBuyers++;
    const base: SatisfactionGroupClv = {
      group: name,
      customers: idx.length,
      repeatBuyers,
      meanClv: null,
      meanClvCi95: null,
      totalClv: null,
      bgnbd: null,
      gammaGamma: null,
      error: null,
    };
    if (idx.length === 0) {
      base.error = { code: "no_customers", message: `No customer with transactions is in the ${name} group.` };
      warnings.push({ code: "group_empty", message: `${name}: no customer with transactions has a response in this group.` });
      return base;
    }
    if (repeatBuyers < MIN_GROUP_REPEAT_BUYERS)
      warnings.push({
        code: "group_too_small",
        message: `${name}: only ${repeatBuyers} repeat buyers (of ${idx.length} customers); the group's BG/NBD and Gamma-Gamma fits rest on too little repeat behaviour to trust its CLV — link more responses or wait for more purchases.`,
      });
    try {
      const sub = subset(s, idx);
      const layout = clvLayout(sub);
      const c = clvColumns(sub, opts, layout);
      const bg = c.bgnbd;
      const iv = clvIntervals(
        (f) => bgnbdModel({ r: f[0], alpha: f[1], a: f[2], b: f[3] }),
        [bg.r, bg.alpha, bg.a, bg.b],
        bg.covariance,
        c.gammaGamma,
        c.gammaGamma.covariance,
        sub,
        layout,
        opts,
        c.clv,
        c.totals.clv,
      );
      const mean = c.totals.clv / idx.length;
      base.meanClv = mean;
      base.totalClv = c.totals.clv;
      base.meanClvCi95 = iv.meanCi95;
      base.bgnbd = { r: bg.r, alpha: bg.alpha, a: bg.a, b: bg.b, logLik: bg.logLik };
      const gg = c.gammaGamma;
      base.gammaGamma = { p: gg.p, q: gg.q, gamma: gg.gamma, logLik: gg.logLik };
      if (bg.penalizer > 0) warnings.push({ code: "group_penalised", message: `${name}: ${bg.warnings.join(" ")}` });
      const meanVar = iv.totalVariance / (idx.length * idx.length);
      fitted.push({ ll: bg.logLik + gg.logLik, meanVar, mean });
      byName.set(name, { mean, meanVar });
    } catch (e) {
      if (!(e instanceof ModelError)) throw e;
      base.error = { code: e.code, message: e.message };
      warnings.push({ code: "group_not_fitted", message: `${name}: ${e.message}` });
    }
    return base;
  });
  let test: SatisfactionClv["test"] = null;
  if (fitted.length >= 2 && fitted.length === groups.filter((g) => g.customers > 0).length) {
    try {
      const pooled = clvColumns(subset(s, pooledIdx), opts);
      const statistic = Math.max(0, 2 * (fitted.reduce((t, f) => t + f.ll, 0) - (pooled.bgnbd.logLik + pooled.gammaGamma.logLik)));
      const df = 7 * (fitted.length - 1);
      test = { statistic, df, pValue: chi2Sf(statistic, df) };
    } catch (e) {
      if (!(e instanceof ModelError)) throw e;
      warnings.push({ code: "pooled_not_fitted", message: `The pooled fit for the test failed: ${e.message}` });
    }
  } else {
    warnings.push({
      code: "test_unavailable",
      message: "The likelihood-ratio test needs every group with customers fitted; see the groups' errors.",
    });
  }
  const a = byName.get(gap[0]),
    b = byName.get(gap[1]);
  const diff = a && b ? a.mean - b.mean : null;
  const se = a && b ? Math.sqrt(a.meanVar + b.meanVar) : NaN;
  return {
    groups,
    test,
    gap:
      diff === null
        ? null
        : { from: gap[0], to: gap[1], meanClvDifference: diff, ci95: Number.isFinite(se) ? [diff - Z95 * se, diff + Z95 * se] : null },
    ungrouped,
    warnings,
  };
}
