import { textAt, type BlockColumn } from "../data/blocks";
import { type DatasetMeta, latestDataset, readBlocks, readColumns } from "../data/datasets";
import { approxBytes, ByteLru, registeredLru } from "../data/isolate-cache";
import type { Env } from "../env";
import { ApiError } from "../errors";
import { parseDate, type SurveyType } from "../intake/cells";
import {
  addResponse,
  BENCHMARKS,
  csatBand,
  emptyPartial,
  type GroupBy,
  mergePartial,
  type Metrics,
  type Partial,
  periodKey,
  summarize,
} from "./aggregate";
import { rollupPartials } from "./rollup";

export interface MetricsQuery {
  by?: GroupBy;
  /** Inclusive bounds in days since 1970-01-01; responses without a date are left out when either is set. */
  from?: number;
  to?: number;
  /** Only responses of accounts in this segment / region (of the newest accounts dataset). */
  segment?: string;
  region?: string;
  /** Only responses of this survey type (unspecified ones are left out); docs/methods.md#survey-type. */
  surveyType?: SurveyType;
}

export interface MetricsResult {
  overall: Metrics;
  groups: ({ key: string } & Metrics)[];
  benchmarks: typeof BENCHMARKS & { csatBand: string | null };
  csatScale: number;
  datasetId: string | null;
  /** The overall counts behind `overall` (for comparing periods); not part of the JSON answer. */
  partial?: Partial;
}

/** The from / to query (YYYY-MM-DD, inclusive) as days: 400 naming the field for a date that does not exist or from after to. */
export function dayRange(from: string | undefined, to: string | undefined): Pick<MetricsQuery, "from" | "to"> {
  const day = (s: string | undefined, name: string) => {
    if (s === undefined) return undefined;
    const v = parseDate(s, "mdy");
    if (typeof v !== "number")
      throw new ApiError(400, "invalid_request", `${name}=${s} is not a real date.`, [{ column: name, message: v.message }]);
    return v;
  };
  const f = day(from, "from");
  const t = day(to, "to");
  if (f !== undefined && t !== undefined && f > t) {
    throw new ApiError(400, "invalid_request", "from must not be after to.", [{ column: "from", message: "after to" }]);
  }
  return { from: f, to: t };
}

const NONE = "(none)";

/**
 * NPS / CSAT / CES overall and by group over the newest responses dataset.
 * Block by block: each block's rows are tallied into per-group partials, which are
 * merged; only the merged partials are summarised (O(groups) after the scan).
 * Segment comes from the newest accounts dataset; responses of unknown accounts
 * fall in the group "(none)", like blank touchpoints, missing dates and unspecified survey types.
 */
export async function computeMetrics(
  env: Env,
  workspaceId: string,
  q: MetricsQuery,
  responses?: DatasetMeta | null,
): Promise<MetricsResult> {
  // `responses`: the newest responses dataset when the caller already looked it up (GET .../metrics: beside the token).
  const meta = responses !== undefined ? responses : await latestDataset(env, workspaceId, "responses");
  const filtered = q.segment !== undefined || q.region !== undefined;
  const acc = (q.by === "segment" || q.by === "region" || filtered) && meta ? await latestDataset(env, workspaceId, "accounts") : null;
  if (!meta) return compute(env, null, null, q);
  // Datasets never change once ready: the answer for (responses dataset, accounts dataset, query) is cached in
  // this isolate, so repeated dashboard loads cost the two metadata lookups and no block or rollup work.
  const key = `|${meta.id}|${acc?.id ?? ""}|${q.by ?? ""}|${q.from ?? ""}|${q.to ?? ""}|${q.segment ?? ""}|${q.region ?? ""}|${q.surveyType ?? ""}`;
  return results.get(
    key,
    () => compute(env, meta, acc, q),
    (r) => approxBytes(r),
  );
}

/**
 * Metrics answers by dataset ids and query, least recently used dropped first, bounded by their estimated bytes
 * (a by=day answer over years holds thousands of groups): 8 MiB of a Worker's 128 MB.
 */
const results = registeredLru(new ByteLru<MetricsResult>(8 * 2 ** 20));

async function compute(env: Env, meta: DatasetMeta | null, acc: DatasetMeta | null, q: MetricsQuery): Promise<MetricsResult> {
  const csatScale = Number(meta?.options.csatScale ?? 5);
  const positiveFrom = csatScale - 1; // top two boxes (docs/methods.md#csat)
  let overall = emptyPartial();
  const groups = new Map<string, Partial>();

  const byAccount = q.segment !== undefined || q.region !== undefined;
  // A segment or region filter needs each response's account: the rows are scanned (the rollup has no accounts).
  const rolled = meta && !byAccount ? await rollupPartials(env, meta, q, positiveFrom) : null; // O(groups) when stored at ingest
  if (rolled) {
    overall = rolled.overall;
    for (const [k, g] of rolled.groups) groups.set(k, g);
  } else if (meta) {
    let allowed: Set<string> | null = null;
    if (byAccount) {
      allowed = new Set();
      const want = ["account_id", ...(q.segment !== undefined ? ["segment"] : []), ...(q.region !== undefined ? ["region"] : [])];
      if (acc && want.every((n) => acc.columns.some((c) => c.name === n))) {
        const cols = await readColumns(env, acc, want);
        cols.text.account_id.forEach((id, i) => {
          if (id === null) return;
          if (q.segment !== undefined && cols.text.segment[i] !== q.segment) return;
          if (q.region !== undefined && cols.text.region[i] !== q.region) return;
          allowed!.add(id);
        });
      }
    }
    let segmentOf: Map<string, string> | null = null;
    const accountKey = q.by === "segment" || q.by === "region" ? q.by : null;
    if (accountKey) {
      segmentOf = new Map();
      if (acc && acc.columns.some((c) => c.name === accountKey)) {
        const cols = await readColumns(env, acc, ["account_id", accountKey]);
        cols.text.account_id.forEach((id, i) => {
          const s = cols.text[accountKey][i];
          if (id !== null && s !== null) segmentOf!.set(id, s);
        });
      }
    }
    const filtered = q.from !== undefined || q.to !== undefined;
    const lo = q.from ?? -Infinity;
    const hi = q.to ?? Infinity;
    const want = ["account_id", "date", "nps", "csat", "ces", "touchpoint", "survey_type"];
    for await (const block of readBlocks(env, meta, want)) {
      const col = (name: string): BlockColumn | undefined => block.columns.find((c) => c.name === name);
      const num = (name: string) => {
        const c = col(name);
        return c && c.storage !== "text" ? c.values : null;
      };
      const date = num("date"),
        nps = num("nps"),
        csat = num("csat"),
        ces = num("ces");
      const id = col("account_id"),
        tp = col("touchpoint"),
        st = col("survey_type");
      const stText = st && st.storage === "text" ? st : null;
      const blockOverall = emptyPartial();
      const blockGroups = new Map<string, Partial>();
      for (let i = 0; i < block.rows; i++) {
        const d = date ? date[i] : NaN;
        if (filtered && !(d >= lo && d <= hi)) continue;
        const type = stText ? textAt(stText, i) : null;
        if (q.surveyType && type !== q.surveyType) continue;
        if (allowed) {
          const acct = id && id.storage === "text" ? textAt(id, i) : null;
          if (acct === null || !allowed.has(acct)) continue;
        }
        const a = nps ? nps[i] : NaN,
          b = csat ? csat[i] : NaN,
          e = ces ? ces[i] : NaN;
        addResponse(blockOverall, a, b, e, positiveFrom);
        if (!q.by) continue;
        let key: string;
        if (q.by === "month" || q.by === "quarter") key = Number.isNaN(d) ? NONE : periodKey(d, q.by);
        else if (q.by === "touchpoint") key = (tp && tp.storage === "text" ? textAt(tp, i) : null) ?? NONE;
        else if (q.by === "surveyType") key = type ?? NONE;
        else {
          const acct = id && id.storage === "text" ? textAt(id, i) : null;
          key = (acct !== null ? segmentOf!.get(acct) : undefined) ?? NONE;
        }
        let g = blockGroups.get(key);
        if (!g) blockGroups.set(key, (g = emptyPartial()));
        addResponse(g, a, b, e, positiveFrom);
      }
      overall = mergePartial(overall, blockOverall);
      for (const [k, g] of blockGroups) groups.set(k, groups.has(k) ? mergePartial(groups.get(k)!, g) : g);
    }
  }
  const summary = summarize(overall);
  const keys = [...groups.keys()].sort((x, y) => (x === NONE ? 1 : y === NONE ? -1 : x < y ? -1 : x > y ? 1 : 0));
  return {
    overall: summary,
    groups: keys.map((key) => ({ key, ...summarize(groups.get(key)!) })),
    benchmarks: { ...BENCHMARKS, csatBand: csatBand(summary.csat.score) },
    csatScale,
    datasetId: meta?.id ?? null,
    partial: overall,
  };
}
