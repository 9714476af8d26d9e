import type { Env } from "../env";
import type { SurveyType } from "../intake/cells";
import { accountRollupKey, decodeAccountRollup } from "./account-rollup";
import { type DatasetMeta, readBlocks } from "./datasets";

/**
 * Per-account response aggregates computed block by block: each block's account_id dictionary is
 * mapped to account indices once, then its rows are added with integer lookups. Neither the
 * response rows nor their ids are materialised, so the join costs O(accounts + one block) memory
 * whatever the number of responses (so 10M responses fit a 128 MB Worker).
 */
export interface ResponseAggregates {
  count: Float64Array;
  npsSum: Float64Array;
  npsN: Float64Array;
  csatSum: Float64Array;
  csatN: Float64Array;
  cesSum: Float64Array;
  cesN: Float64Array;
  /** Responses in the dataset; those with no or an unknown account id. */
  responses: number;
  orphans: number;
}

/**
 * Adds up the responses of `meta` per account (`index` maps an account id to its row 0..n−1).
 * Sums run in file order, as a row-by-row loop would. With `surveyType`, only responses of that
 * survey type count (the others, unspecified ones too, are passed over as if absent).
 */
export async function aggregateResponses(
  env: Env,
  meta: DatasetMeta,
  index: Map<string, number>,
  n: number,
  withScores = true,
  surveyType?: SurveyType,
): Promise<ResponseAggregates> {
  const a: ResponseAggregates = {
    count: new Float64Array(n),
    npsSum: new Float64Array(n),
    npsN: new Float64Array(n),
    csatSum: new Float64Array(n),
    csatN: new Float64Array(n),
    cesSum: new Float64Array(n),
    cesN: new Float64Array(n),
    responses: 0,
    orphans: 0,
  };
  // The per-account rollup stored at ingest (all survey types): one object instead of every block.
  const rolled = surveyType ? null : await env.FILES.get(accountRollupKey(meta.workspaceId, meta.id));
  if (rolled) {
    const { ids, cols } = decodeAccountRollup(await rolled.arrayBuffer());
    for (let r = 0; r < ids.length; r++) {
      const c = cols.count[r];
      a.responses += c;
      const id = ids[r];
      const k = id === null ? -1 : (index.get(id) ?? -1);
      if (k < 0) {
        a.orphans += c;
        continue;
      }
      a.count[k] = c;
      a.npsSum[k] = cols.nps_sum[r];
      a.npsN[k] = cols.nps_n[r];
      a.csatSum[k] = cols.csat_sum[r];
      a.csatN[k] = cols.csat_n[r];
      a.cesSum[k] = cols.ces_sum[r];
      a.cesN[k] = cols.ces_n[r];
    }
    return a;
  }
  const want = [...(withScores ? ["account_id", "nps", "csat", "ces"] : ["account_id"]), ...(surveyType ? ["survey_type"] : [])];
  for await (const block of readBlocks(env, meta, want)) {
    // With a survey type: the block's code of that type (0 = none of its rows has it; -1 = no filter).
    let keep = -1;
    if (surveyType) {
      const st = block.columns.find((c) => c.name === "survey_type");
      keep = st && st.storage === "text" ? st.dict.indexOf(surveyType) + 1 : 0;
      if (keep === 0) continue;
    }
    const stCodes = keep > 0 ? (block.columns.find((c) => c.name === "survey_type") as { codes: Uint32Array }).codes : null;
    const idCol = block.columns.find((c) => c.name === "account_id");
    if (!idCol || idCol.storage !== "text") {
      const kept = stCodes ? stCodes.filter((k) => k === keep).length : block.rows;
      a.responses += kept;
      a.orphans += kept;
      continue;
    }
    const to = new Int32Array(idCol.dict.length + 1);
    to[0] = -1;
    for (let k = 0; k < idCol.dict.length; k++) to[k + 1] = index.get(idCol.dict[k]) ?? -1;
    const num = (name: string) => {
      const c = block.columns.find((x) => x.name === name);
      return c && c.storage !== "text" ? c.values : null;
    };
    const nps = withScores ? num("nps") : null,
      csat = withScores ? num("csat") : null,
      ces = withScores ? num("ces") : null;
    const codes = idCol.codes;
    for (let i = 0; i < block.rows; i++) {
      if (stCodes && stCodes[i] !== keep) continue;
      a.responses++;
      const k = to[codes[i]];
      if (k < 0) {
        a.orphans++;
        continue;
      }
      a.count[k]++;
      if (nps && !Number.isNaN(nps[i])) {
        a.npsSum[k] += nps[i];
        a.npsN[k]++;
      }
      if (csat && !Number.isNaN(csat[i])) {
        a.csatSum[k] += csat[i];
        a.csatN[k]++;
      }
      if (ces && !Number.isNaN(ces[i])) {
        a.cesSum[k] += ces[i];
        a.cesN[k]++;
      }
    }
  }
  return a;
}

/** account id → row index (null ids skipped; the first of duplicates wins). */
export function indexOf(ids: readonly (string | null)[]): Map<string, number> {
  const m = new Map<string, number>();
  ids.forEach((id, i) => {
    if (id !== null && !m.has(id)) m.set(id, i);
  });
  return m;
}
