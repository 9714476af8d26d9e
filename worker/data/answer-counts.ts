import { addAnswer, type AnswerCounts, emptyCounts } from "../../models/scenario/levers";
import { periodKey } from "../metrics/aggregate";
import type { Env } from "../env";
import { type DatasetMeta, latestDataset, readBlocks } from "./datasets";
import type { JoinedAccounts } from "./join";
import { indexOf } from "./join-blocks";

/**
 * Counts of NPS and CSAT answers of the responses of some accounts (the accounts a scenario changes), and the
 * same per segment and per quarter of the whole book (for the spread seen in the data), in one pass over the
 * response blocks: O(accounts + one block) memory.
 */
export interface BookAnswers {
  /** Answers of the accounts with `target[row] = 1`. */
  target: AnswerCounts;
  /** Answers of all accounts with `inBook[row] = 1`, by "segment X" and by "quarter 2024-Q1". */
  groups: Record<string, AnswerCounts>;
}

/**
 * @param inBook 1 = joined account row i is in the model's book
 * @param target 1 = joined account row i is one the change applies to
 * @param responses the responses dataset the joined accounts' means came from (default: the newest one)
 */
export async function bookAnswers(
  env: Env,
  ws: string,
  joined: JoinedAccounts,
  inBook: Uint8Array,
  target: Uint8Array,
  responses?: DatasetMeta | null,
): Promise<BookAnswers> {
  return countAnswers(env, ws, joined, inBook, target, responses, true);
}

/**
 * The `target` counts of `bookAnswers(…, target, target)` alone (what a fit's per-answer steps need): the same pass
 * over the response blocks without the per-segment and per-quarter groups, so no date column is read.
 * @param target 1 = joined account row i is one whose answers are counted
 */
export async function targetAnswers(
  env: Env,
  ws: string,
  joined: JoinedAccounts,
  target: Uint8Array,
  responses?: DatasetMeta | null,
): Promise<AnswerCounts> {
  return (await countAnswers(env, ws, joined, target, target, responses, false)).target;
}

async function countAnswers(
  env: Env,
  ws: string,
  joined: JoinedAccounts,
  inBook: Uint8Array,
  target: Uint8Array,
  responses: DatasetMeta | null | undefined,
  withGroups: boolean,
): Promise<BookAnswers> {
  const scale = joined.csatScale;
  const out: BookAnswers = { target: emptyCounts(scale), groups: {} };
  const meta = responses !== undefined ? responses : await latestDataset(env, ws, "responses");
  if (!meta) return out;
  const index = indexOf(joined.text.account_id ?? []);
  const segment = joined.text.segment ?? [];
  const group = (key: string) => (out.groups[key] ??= emptyCounts(scale));
  // The group of each account row's segment and of each day's quarter, looked up once (created on first use, in row order).
  const segmentGroup: (AnswerCounts | undefined)[] = [];
  const quarterGroup = new Map<number, AnswerCounts>();
  // Only the answers of the survey type the joined accounts' means use (docs/methods.md#survey-type).
  const only = joined.surveyType === "all" ? null : joined.surveyType;
  const names = withGroups ? ["account_id", "date", "nps", "csat", "survey_type"] : ["account_id", "nps", "csat", "survey_type"];
  for await (const block of readBlocks(env, meta, names)) {
    const idCol = block.columns.find((c) => c.name === "account_id");
    if (!idCol || idCol.storage !== "text") continue;
    const st = block.columns.find((c) => c.name === "survey_type");
    const keep = only && st && st.storage === "text" ? st.dict.indexOf(only) + 1 : 0;
    if (only && keep === 0) continue; // no answer of that type in this block
    const stCodes = only && st && st.storage === "text" ? st.codes : null;
    const num = (name: string) => {
      const c = block.columns.find((x) => x.name === name);
      return c && c.storage !== "text" ? c.values : null;
    };
    const nps = num("nps"),
      csat = num("csat"),
      date = withGroups ? num("date") : null;
    const to = new Int32Array(idCol.dict.length + 1);
    to[0] = -1;
    for (let k = 0; k < idCol.dict.length; k++) to[k + 1] = index.get(idCol.dict[k]) ?? -1;
    for (let i = 0; i < block.rows; i++) {
      if (stCodes && stCodes[i] !== keep) continue;
      const r = to[idCol.codes[i]];
      if (r < 0 || inBook[r] !== 1) continue;
      const a = nps ? nps[i] : NaN;
      const b = csat ? csat[i] : NaN;
      if (target[r] === 1) addAnswer(out.target, a, b);
      if (!withGroups) continue;
      const seg = segment[r];
      if (seg) addAnswer((segmentGroup[r] ??= group(`segment ${seg}`)), a, b);
      const d = date ? date[i] : NaN;
      if (!Number.isNaN(d)) {
        let q = quarterGroup.get(d);
        if (!q) quarterGroup.set(d, (q = group(`quarter ${periodKey(d, "quarter")}`)));
        addAnswer(q, a, b);
      }
    }
  }
  return out;
}
