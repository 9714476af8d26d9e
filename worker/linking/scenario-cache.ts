import type { BookAnswers } from "../data/answer-counts";
import type { DatasetMeta } from "../data/datasets";
import { approxBytes, ByteLru } from "../data/isolate-cache";
import type { JoinedAccounts, SurveyChoice } from "../data/join";
import { type Env, limit } from "../env";
import type { BlockBook, Book } from "./frame";

/**
 * What a what-if (POST .../scenarios) reads before its arithmetic, kept in the isolate between requests: the
 * joined accounts, a model's book (design rows) on them, and the answers counted for a segment. Keys are made of
 * the workspace, the ids of the ready datasets joined (never rewritten: a new upload or a deletion makes the
 * newest ids, looked up in D1 on every request, different) and the model id (a fit is never changed in place),
 * so an entry can be unused but never stale. The route's role check runs before any lookup, and the workspace is
 * part of every key.
 *
 * Bounded by SCENARIO_CACHE_BYTES (default 24 MiB: the joined book, one model's design and its answers at
 * 100,000 accounts), far inside a Worker's 128 MB.
 */

/** The data of a scenario's book: its joined datasets and survey type (the model's). */
export interface BookData {
  workspaceId: string;
  accounts: DatasetMeta;
  responses: DatasetMeta | null;
  surveyType: SurveyChoice;
}

/** A model's book on the joined accounts, with what a scenario needs of the join beside it. */
export interface CachedBook {
  book: Book | BlockBook;
  /** Segment of each book row (null = none). */
  segment: (string | null)[];
  /** Bytes held through the book (the joined accounts too, for a book built block by block). */
  bytes: number;
}

/** A segment's rows of a book and the answers counted on them. */
export interface CachedAnswers {
  rowMask: Uint8Array | undefined;
  answers: BookAnswers;
}

const DEFAULT_BYTES = 24 * 2 ** 20;
let cache: ByteLru<unknown> | null = null;

function lru(env: Env): ByteLru<unknown> {
  return (cache ??= new ByteLru<unknown>(limit(env, "SCENARIO_CACHE_BYTES", DEFAULT_BYTES)));
}

const dataKey = (d: BookData) => `${d.workspaceId}|${d.accounts.id}|${d.responses?.id ?? "-"}|${d.surveyType}`;

export function cachedJoin(env: Env, d: BookData, make: () => Promise<JoinedAccounts>): Promise<JoinedAccounts> {
  return lru(env).get(`join|${dataKey(d)}|`, make, approxBytes) as Promise<JoinedAccounts>;
}

export function cachedBook(env: Env, d: BookData, modelId: string, make: () => Promise<CachedBook>): Promise<CachedBook> {
  return lru(env).get(`book|${dataKey(d)}|${modelId}|`, make, (v) => (v as CachedBook).bytes) as Promise<CachedBook>;
}

export function cachedAnswers(
  env: Env,
  d: BookData,
  modelId: string,
  segment: string | null | undefined,
  make: () => Promise<CachedAnswers>,
): Promise<CachedAnswers> {
  // The segment is user text: JSON keeps "a|b" from colliding with another key.
  return lru(env).get(`answers|${dataKey(d)}|${modelId}|${JSON.stringify(segment ?? null)}|`, make, approxBytes) as Promise<CachedAnswers>;
}

/** Drops what was derived from a dataset or model (after its deletion: not needed for correctness, frees memory). */
export function forgetInScenarioCache(id: string): void {
  cache?.forget(`|${id}|`);
}

/** Bytes and entries held (for tests and the bench). */
export function scenarioCacheStats(): { bytes: number; entries: number } {
  return { bytes: cache?.bytes ?? 0, entries: cache?.size ?? 0 };
}
