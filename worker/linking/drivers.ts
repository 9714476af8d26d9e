import { ModelError } from "../../models/numeric/errors";
import { ownColumn } from "./frame";
import { fitRegression } from "../../models/regression/fit";
import { relativeWeights } from "../../models/regression/relative-weights";
import {
  defaultSurveyType,
  type JoinedAccounts,
  loadJoinedAccounts,
  loadResponses,
  type ResponseColumns,
  type SurveyChoice,
} from "../data/join";
import type { Env } from "../env";
import { ApiError } from "../errors";

/**
 * Journey-stage prioritization (docs/methods.md#key-drivers): per touchpoint the
 * satisfaction there, its importance for renewal, the ARR of the accounts at
 * risk there, and priority = importance × ARR at risk, ranked.
 */

export type DriverMetric = "nps" | "csat" | "ces";

/** Each touchpoint costs two arrays the size of the book: keep their number bounded. */
const MAX_TOUCHPOINTS = 50;
export type DriverMethod = "relative-weights" | "coefficient";

export interface DriverOptions {
  metric: DriverMetric;
  method: DriverMethod;
  outcome: string;
  /** Touchpoints with fewer accounts than this are listed but not scored. */
  minAccounts: number;
  /** Responses used: one survey type, or all (unspecified ones included). */
  surveyType: SurveyChoice;
}

export interface TouchpointDriver {
  touchpoint: string;
  responses: number;
  accounts: number;
  meanScore: number;
  /** Points below the best-scoring touchpoint (CES: above, as lower is easier). */
  gap: number;
  importance: number | null;
  importanceShare: number | null;
  coefficient: { estimate: number; ci95: [number, number]; ame: number; ameStdError: number | null } | null;
  /** ARR of the accounts with responses at this touchpoint. */
  revenue: number;
  atRiskAccounts: number;
  arrAtRisk: number;
  priority: number | null;
  rank: number | null;
  note?: string;
}

/** Whether an account's mean score at a touchpoint puts it at risk. */
export function atRisk(metric: DriverMetric, v: number, csatScale: number): boolean {
  if (metric === "nps") return v < 7; // detractor (0-6)
  if (metric === "csat") return v < (1 + csatScale) / 2; // bottom boxes: 1-2 on 1-5
  return v >= 5; // CES 5-7 on 1-7: high effort
}

const RISK_RULE: Record<DriverMetric, (scale: number) => string> = {
  nps: () => "account's mean NPS at the touchpoint below 7 (detractor)",
  csat: (s) => `account's mean CSAT at the touchpoint below ${(1 + s) / 2} on 1-${s} (bottom boxes)`,
  ces: () => "account's mean CES at the touchpoint 5 or more on 1-7 (high effort)",
};

export function computeDrivers(joined: JoinedAccounts, resp: ResponseColumns, o: DriverOptions) {
  const n = joined.n;
  const ids = joined.text.account_id;
  const index = new Map<string, number>();
  ids.forEach((id, i) => id !== null && index.set(id, i));
  const scores = resp[o.metric];
  // Per touchpoint: per account sum and count of the metric.
  const byTp = new Map<string, { sum: Float64Array; cnt: Float64Array; responses: number }>();
  for (let k = 0; k < resp.n; k++) {
    const tp = resp.touchpoint[k];
    const v = scores[k];
    const id = resp.accountId[k];
    if (tp === null || !Number.isFinite(v) || id === null) continue;
    if (o.surveyType !== "all" && resp.surveyType[k] !== o.surveyType) continue;
    const i = index.get(id);
    if (i === undefined) continue;
    let t = byTp.get(tp);
    if (!t) byTp.set(tp, (t = { sum: new Float64Array(n), cnt: new Float64Array(n), responses: 0 }));
    t.sum[i] += v;
    t.cnt[i]++;
    t.responses++;
  }
  if (byTp.size === 0) {
    throw new ModelError(
      "invalid_input",
      `No ${o.surveyType === "all" ? "" : `${o.surveyType} `}${o.metric} responses with a touchpoint match an account: upload responses with a touchpoint column${o.surveyType === "all" ? "" : ", or choose another surveyType"}.`,
      ["touchpoint"],
    );
  }
  const arr = joined.numeric.arr;
  const y = ownColumn(joined.numeric, o.outcome);
  if (!y) {
    throw new ApiError(422, "unknown_column", `No numeric column "${o.outcome}" in the accounts (the outcome is usually renewed).`, [
      { column: o.outcome, message: "not a numeric column of the joined accounts" },
    ]);
  }
  const names = [...byTp.keys()].sort();
  const means: Record<string, Float64Array> = {};
  const rows: TouchpointDriver[] = names.map((tp, k) => {
    const t = byTp.get(tp)!;
    const m = new Float64Array(n).fill(NaN);
    let accounts = 0,
      sum = 0,
      cnt = 0,
      revenue = 0,
      risk = 0,
      riskArr = 0;
    for (let i = 0; i < n; i++) {
      if (t.cnt[i] === 0) continue;
      m[i] = t.sum[i] / t.cnt[i];
      accounts++;
      sum += t.sum[i];
      cnt += t.cnt[i];
      const a = Number.isFinite(arr[i]) ? arr[i] : 0;
      revenue += a;
      if (atRisk(o.metric, m[i], joined.csatScale)) {
        risk++;
        riskArr += a;
      }
    }
    means[`tp${k}`] = m;
    return {
      touchpoint: tp,
      responses: t.responses,
      accounts,
      meanScore: sum / cnt,
      gap: 0,
      importance: null,
      importanceShare: null,
      coefficient: null,
      revenue,
      atRiskAccounts: risk,
      arrAtRisk: riskArr,
      priority: null,
      rank: null,
    };
  });
  const best = o.metric === "ces" ? Math.min(...rows.map((r) => r.meanScore)) : Math.max(...rows.map((r) => r.meanScore));
  for (const r of rows) r.gap = Math.abs(best - r.meanScore);

  const warnings: string[] = [];
  const eligible = rows
    .map((r, k) => ({ r, key: `tp${k}` }))
    .filter(({ r }) => {
      if (r.accounts >= o.minAccounts) return true;
      r.note = `Only ${r.accounts} accounts answered here (minimum ${o.minAccounts}): not scored.`;
      return false;
    });
  let method = o.method;
  let completeCases: number | null = null;
  if (method === "relative-weights" && eligible.length > 0) {
    const data: Record<string, Float64Array> = { [o.outcome]: y };
    for (const { key } of eligible) data[key] = means[key];
    let complete = 0;
    for (let i = 0; i < n; i++) {
      if (Number.isFinite(y[i]) && eligible.every(({ key }) => Number.isFinite(means[key][i]))) complete++;
    }
    completeCases = complete;
    const need = Math.max(30, 10 * eligible.length);
    if (complete < need) {
      warnings.push(
        `Only ${complete} accounts answered at every scored touchpoint (relative weights need ${need}); importance falls back to the per-touchpoint coefficient.`,
      );
      method = "coefficient";
    } else {
      const rw = relativeWeights({ data, outcome: o.outcome, predictors: eligible.map((e) => e.key) });
      for (const w of rw.weights) {
        const e = eligible.find((x) => x.key === w.term)!;
        // A touchpoint whose satisfaction moves against renewal gets no priority.
        const helps = o.metric === "ces" ? w.correlation < 0 : w.correlation > 0;
        e.r.importance = helps ? w.weight : 0;
        e.r.importanceShare = w.share;
      }
      warnings.push(
        `Relative weights on ${rw.nObs} accounts that answered at every scored touchpoint; R² ${rw.rSquared.toFixed(4)} (linear probability).`,
      );
    }
  }
  for (const { r, key } of eligible) {
    try {
      const fit = fitRegression({ kind: "logistic", data: { y, x: means[key] }, outcome: "y", predictors: ["x"] });
      const c = fit.coefficients[1];
      const me = fit.marginalEffects[0];
      r.coefficient = { estimate: c.estimate, ci95: c.ci95 as [number, number], ame: me.dydx, ameStdError: me.stdError };
      if (method === "coefficient") r.importance = o.metric === "ces" ? Math.max(-me.dydx, 0) : Math.max(me.dydx, 0);
    } catch (e) {
      if (!(e instanceof ModelError)) throw e;
      r.note = `Per-touchpoint logistic fit failed (${e.code}): ${e.message}`;
      if (method === "coefficient") r.importance = null;
    }
  }
  if (method === "coefficient") {
    const total = eligible.reduce((s, { r }) => s + (r.importance ?? 0), 0);
    for (const { r } of eligible) r.importanceShare = r.importance !== null && total > 0 ? r.importance / total : null;
  }
  for (const r of rows) r.priority = r.importance !== null ? r.importance * r.arrAtRisk : null;
  const ranked = rows.filter((r) => r.priority !== null).sort((a, b) => b.priority! - a.priority!);
  ranked.forEach((r, k) => (r.rank = k + 1));
  rows.sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.touchpoint.localeCompare(b.touchpoint));
  const which = o.surveyType === "all" ? "all responses (any survey type)" : `${o.surveyType} responses`;
  return {
    metric: o.metric,
    surveyType: o.surveyType,
    outcome: o.outcome,
    method,
    completeCases,
    touchpoints: rows,
    totals: {
      accounts: n,
      arr: arr.reduce((s, v) => s + (Number.isFinite(v) ? v : 0), 0),
      responsesUsed: rows.reduce((s, r) => s + r.responses, 0),
    },
    howComputed: {
      surveyType: `Uses ${which}${o.surveyType === "transactional" ? ": transactional surveys are the ones asked at a touchpoint" : ""}.`,
      meanScore: `Mean ${o.metric} of the ${which} at the touchpoint; accounts = accounts with at least one such response.`,
      gap: `Points between this touchpoint's mean and the best touchpoint's mean (${o.metric === "ces" ? "lowest effort" : "highest"}).`,
      importance:
        method === "relative-weights"
          ? `Johnson's relative weight of the touchpoint's per-account mean ${o.metric} in a linear model of ${o.outcome} on all scored touchpoints (complete cases); share = weight / R². Touchpoints whose satisfaction moves against renewal get 0.`
          : `Average marginal effect of the touchpoint's per-account mean ${o.metric} on P(${o.outcome}) from a separate logistic regression per touchpoint (probability per point${o.metric === "ces" ? ", sign flipped: lower effort is better" : ""}; negative effects count 0).`,
      coefficient: `Per-touchpoint logistic regression of ${o.outcome} on the account's mean ${o.metric} there: log-odds per point with 95% interval, and its average marginal effect.`,
      arrAtRisk: `Σ ARR of accounts whose ${RISK_RULE[o.metric](joined.csatScale)}.`,
      priority: "importance × ARR at risk; rank 1 = highest priority. Touchpoints without an importance are not ranked.",
    },
    warnings,
  };
}

/**
 * POST .../drivers on the workspace's newest accounts and responses: the metric defaults to nps if present,
 * else csat, else ces; the survey type to transactional when the responses have any, else all
 * (docs/methods.md#survey-type); 422 without responses, scores of the metric or touchpoints, or with too many touchpoints.
 */
export async function runDrivers(
  env: Env,
  ws: string,
  req: Omit<DriverOptions, "metric" | "surveyType"> & { metric?: DriverMetric; surveyType?: SurveyChoice },
) {
  const [joined, resp] = await Promise.all([loadJoinedAccounts(env, ws), loadResponses(env, ws)]);
  if (!resp)
    throw new ApiError(422, "no_responses", "This workspace has no responses dataset: upload survey responses with a touchpoint column.");
  const surveyType = req.surveyType ?? defaultSurveyType(resp.surveyTypes, "touchpoint");
  const has = (m: DriverMetric) => resp[m].some((v) => Number.isFinite(v));
  const metric = req.metric ?? (has("nps") ? "nps" : has("csat") ? "csat" : "ces");
  if (!has(metric))
    throw new ApiError(422, "no_variance", `The responses hold no ${metric} scores.`, [{ column: metric, message: "no scores" }]);
  if (!resp.touchpoint.some((t) => t !== null)) {
    throw new ApiError(422, "no_touchpoints", "The responses have no touchpoint column: add one (journey stage) to rank touchpoints.", [
      { column: "touchpoint", message: "missing" },
    ]);
  }
  const distinct = new Set(resp.touchpoint.filter((t) => t !== null)).size;
  if (distinct > MAX_TOUCHPOINTS) {
    throw new ApiError(
      422,
      "too_many_levels",
      `The responses have ${distinct} distinct touchpoints (at most ${MAX_TOUCHPOINTS}): map them to journey stages first.`,
      [{ column: "touchpoint", message: `${distinct} distinct values` }],
    );
  }
  return computeDrivers(joined, resp, { metric, method: req.method, outcome: req.outcome, minAccounts: req.minAccounts, surveyType });
}
