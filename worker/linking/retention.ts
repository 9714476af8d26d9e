import { ModelError } from "../../models/numeric/errors";
import { fitSbgCohorts, sbgDerl, sbgProjection } from "../../models/clv/sbg-cohorts";
import { csatBand, npsGroup } from "../../models/clv/value-segments";
import { periodDiscountRate } from "../../models/scenario/money";
import { type JoinedAccounts, loadJoinedAccounts, type SurveyChoice } from "../data/join";
import type { Env } from "../env";
import { ApiError } from "../errors";

export interface RetentionRequest {
  periodMonths: number;
  horizonYears: number;
  annualDiscountRate: number;
  splitBy: "nps" | "csat" | "none";
  /** Responses behind the accounts' mean scores (default: relationship when there are any, else all). */
  surveyType?: SurveyChoice;
}

/**
 * sBG retention curves from the accounts' tenure and latest renewal outcome,
 * overall and per satisfaction group (promoters / passives / detractors or CSAT
 * bands): churned accounts end at period ⌈tenure / period⌉, active ones are
 * censored after ⌊tenure / period⌋ completed periods.
 */
export function retentionBySatisfaction(j: JoinedAccounts, req: RetentionRequest) {
  const tenure = j.numeric.tenure_months;
  const renewed = j.numeric.renewed;
  const arr = j.numeric.arr;
  const sat = req.splitBy === "none" ? null : j.numeric[req.splitBy];
  const label = (v: number) => (req.splitBy === "nps" ? npsGroup(v) : csatBand(v, j.csatScale));
  const groups = new Map<string, { periods: number[]; churned: number[]; active: { arr: number; renewals: number }[] }>();
  const ensure = (g: string) => {
    let x = groups.get(g);
    if (!x) groups.set(g, (x = { periods: [], churned: [], active: [] }));
    return x;
  };
  let used = 0;
  let excluded = 0;
  const months = req.periodMonths;
  for (let i = 0; i < j.n; i++) {
    const t = tenure[i];
    const r = renewed[i];
    if (!(t >= 0) || (r !== 0 && r !== 1)) {
      excluded++;
      continue;
    }
    used++;
    const keys = ["all"];
    if (sat && Number.isFinite(sat[i])) keys.push(label(sat[i]));
    for (const k of keys) {
      const g = ensure(k);
      if (r === 0) {
        g.periods.push(Math.max(1, Math.ceil(t / months)));
        g.churned.push(1);
      } else {
        const done = Math.floor(t / months);
        if (done >= 1) {
          g.periods.push(done);
          g.churned.push(0);
        }
        g.active.push({ arr: Number.isFinite(arr[i]) ? arr[i] : 0, renewals: done });
      }
    }
  }
  if (used === 0) {
    throw new ApiError(422, "too_few_rows", "Retention needs accounts with tenure_months and renewed: none has both.", [
      { column: "tenure_months", message: "missing" },
    ]);
  }
  const horizon = Math.round((req.horizonYears * 12) / months);
  const d = periodDiscountRate(req.annualDiscountRate, months);
  const order = ["all", "promoter", "passive", "detractor", "satisfied", "neutral", "dissatisfied"];
  const out = [...groups.keys()]
    .sort((a, b) => order.indexOf(a) - order.indexOf(b))
    .map((name) => {
      const g = groups.get(name)!;
      try {
        const fit = fitSbgCohorts({ periods: g.periods, churned: g.churned });
        const { retention, survival } = sbgProjection(fit.alpha, fit.beta, horizon);
        let residual = 0;
        if (d > 0) for (const a of g.active) residual += a.arr * sbgDerl(fit.alpha, fit.beta, d, a.renewals);
        return {
          group: name,
          ...fit,
          retention,
          survival,
          derlNewCustomer: d > 0 ? sbgDerl(fit.alpha, fit.beta, d, 0) : null,
          activeAccounts: g.active.length,
          residualValue: d > 0 ? residual : null,
          error: null,
        };
      } catch (e) {
        if (!(e instanceof ModelError)) throw e;
        return { group: name, accounts: g.periods.length, activeAccounts: g.active.length, error: { code: e.code, message: e.message } };
      }
    });
  return {
    periodMonths: months,
    splitBy: req.splitBy,
    surveyType: j.surveyType,
    accountsUsed: used,
    accountsExcluded: excluded,
    groups: out,
    howComputed: {
      periods: `Churned accounts (renewed = 0) end at period ⌈tenure_months / ${months}⌉; active ones (renewed = 1) are censored after ⌊tenure_months / ${months}⌋ completed periods (those in their first period carry no information and are left out of the fit).`,
      fit: "sBG (Fader & Hardie 2007) by maximum likelihood with censoring: P(T = t) = B(α+1, β+t−1)/B(α, β) for churned, S(t) = B(α, β+t)/B(α, β) for active.",
      retention: `r_t = (β + t − 1)/(α + β + t − 1) and S(t) for t = 1..${horizon} periods.`,
      residualValue: `Σ over active accounts of ARR × DERL(α, β, d = ${d.toFixed(6)} per period, renewals made) (Fader & Hardie 2010): discounted expected payments from the next renewal on.`,
      groups:
        req.splitBy === "none"
          ? "No split."
          : `Split by the account's mean ${req.splitBy} (NPS: promoter ≥ 9, passive 7 to < 9, detractor < 7) over ${j.surveyType === "all" ? "all its responses (any survey type)" : `its ${j.surveyType} survey responses`}.`,
    },
  };
}

/** GET .../clv/sbg: retention by satisfaction on the workspace's newest accounts (joined with its responses). */
export async function runRetention(env: Env, ws: string, req: RetentionRequest) {
  return retentionBySatisfaction(await loadJoinedAccounts(env, ws, req.surveyType), req);
}
