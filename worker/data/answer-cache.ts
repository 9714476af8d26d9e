import type { AnswerCounts } from "../../models/scenario/levers";
import type { Env } from "../env";
import { targetAnswers } from "./answer-counts";
import type { DatasetMeta } from "./datasets";
import { ByteLru, registeredLru } from "./isolate-cache";
import type { JoinedAccounts } from "./join";

/**
 * The answers of a fit's accounts (`targetAnswers`), kept in the isolate between requests: a refit on the same data
 * (another name, horizon, discount rate or validation seed, or other predictors complete on the same accounts) reuses
 * them instead of a second pass over every response block. Keys are made of the workspace, the ids of the ready
 * datasets joined (never rewritten: a new upload or a deletion changes them), the survey type and a hash of the
 * accounts counted; the accounts themselves are kept in the entry and compared on a hit, so an entry can go unused
 * but never stale or mistaken. About 1 byte per joined account an entry (4 MiB in all).
 */
interface Entry {
  target: Uint8Array;
  counts: AnswerCounts;
}

const MAX_BYTES = 4 * 2 ** 20;
let cache: ByteLru<Entry> | null = null;

/** FNV-1a over the bytes of a 0/1 mask. @example fnv1a(Uint8Array.of(1, 0)) */
function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h >>> 0;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const copyOf = (c: AnswerCounts): AnswerCounts => ({ nps: [...c.nps], csat: [...c.csat], csatScale: c.csatScale });

/**
 * `targetAnswers(env, ws, joined, target, responses)` through the isolate's cache.
 * @param datasets the ready datasets `joined` was joined from (as `joinDatasets` found them)
 */
export async function cachedTargetAnswers(
  env: Env,
  ws: string,
  joined: JoinedAccounts,
  target: Uint8Array,
  datasets: { accounts: DatasetMeta; responses: DatasetMeta | null },
): Promise<AnswerCounts> {
  const { accounts, responses } = datasets;
  const key = `answers|${ws}|${accounts.id}|${responses?.id ?? "-"}|${joined.surveyType}|${target.length}|${fnv1a(target)}|`;
  cache ??= registeredLru(new ByteLru<Entry>(MAX_BYTES));
  const entry = await cache.get(
    key,
    async () => ({ target: target.slice(), counts: await targetAnswers(env, ws, joined, target, responses) }),
    (v) => v.target.byteLength + 256,
  );
  // Another set of accounts with the same hash: counted afresh.
  if (!sameBytes(entry.target, target)) return targetAnswers(env, ws, joined, target, responses);
  return copyOf(entry.counts);
}
