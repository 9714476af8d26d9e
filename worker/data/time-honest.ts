import { TimeHonestAccumulator, type TimeHonestFeatures } from "../../models/regression/time-honest";
import type { Env } from "../env";
import { latestDataset, readBlocks } from "./datasets";
import { indexOf } from "./join-blocks";

/**
 * The time-honest CX features of the book's accounts for each cut-off (docs/methods.md#time-honest-features), from
 * the newest ready responses dataset read block by block: each block's account_id dictionary is mapped to account
 * rows once, then its dated answers go to the accumulator (models/regression/time-honest.ts). No responses
 * dataset: every account has no earlier response.
 */
export async function loadTimeHonestFeatures(
  env: Env,
  workspaceId: string,
  accountIds: readonly (string | null)[],
  renewalDate: Float64Array,
  cutoffs: number[],
): Promise<{ features: TimeHonestFeatures[]; responsesDataset: string | null }> {
  const acc = new TimeHonestAccumulator(renewalDate, cutoffs);
  const meta = await latestDataset(env, workspaceId, "responses");
  if (meta) {
    const index = indexOf(accountIds);
    for await (const block of readBlocks(env, meta, ["account_id", "date", "nps", "csat", "ces"])) {
      const nan = new Float64Array(block.rows).fill(NaN);
      const num = (name: string) => {
        const c = block.columns.find((x) => x.name === name);
        return c && c.storage !== "text" ? c.values : nan;
      };
      const idCol = block.columns.find((c) => c.name === "account_id");
      const account = new Int32Array(block.rows).fill(-1);
      if (idCol && idCol.storage === "text") {
        const to = new Int32Array(idCol.dict.length + 1);
        to[0] = -1;
        for (let k = 0; k < idCol.dict.length; k++) to[k + 1] = index.get(idCol.dict[k]) ?? -1;
        for (let i = 0; i < block.rows; i++) account[i] = to[idCol.codes[i]];
      }
      acc.add({ n: block.rows, account, date: num("date"), nps: num("nps"), csat: num("csat"), ces: num("ces") });
    }
  }
  return { features: acc.features(), responsesDataset: meta?.id ?? null };
}
