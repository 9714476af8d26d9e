import type { BookAnswers } from "../data/answer-counts";
import type { DatasetMeta } from "../data/datasets";
import { ByteLru, registeredLru } from "../data/isolate-cache";
import type { SurveyChoice } from "../data/join";
import { type Env, limit } from "../env";
import type { BlockBook, Book } from "./frame";

/**
 * What a what-if (POST .../scenarios) reads before its arithmetic, kept in the isolate between requests: a model's
 * book (design rows) on the joined accounts and the answers counted on it. Keys are made of the workspace, the ids
 * of the ready datasets joined (never rewritten: a new upload or a deletion changes the newest ids, which the route
 * looks up in D1 on every request) and the model id (a fit is never changed in place), so an entry can go unused
 * but never stale. The route's role check runs before any lookup, and the workspace is part of every key.
 *
 * Bounded by SCENARIO_CACHE_BYTES (default 24 MiB: about two models' books at 100,000 accounts), far inside a
 * Worker's 128 MB; a book larger than that (block-wise books hold the joined accounts) is used once and not kept.
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
  /** Answers of the book's accounts (target: all of them), per segment and per quarter. */
  answers: BookAnswers;
  /** Bytes held through the entry (estimated). */
  bytes: number;
}

const DEFAULT_BYTES = 24 * 2 ** 20;
let cache: ByteLru<CachedBook> | null = null;

function lru(env: Env): ByteLru<CachedBook> {
  return (cache ??= registeredLru(new ByteLru<CachedBook>(limit(env, "SCENARIO_CACHE_BYTES", DEFAULT_BYTES))));
}

export function cachedBook(env: Env, d: BookData, modelId: string, make: () => Promise<CachedBook>): Promise<CachedBook> {
  const key = `book|${d.workspaceId}|${d.accounts.id}|${d.responses?.id ?? "-"}|${d.surveyType}|${modelId}|`;
  return lru(env).get(key, make, (v) => v.bytes);
}

/** Bytes and entries held (for tests and the bench). */
export function scenarioCacheStats(): { bytes: number; entries: number } {
  return { bytes: cache?.bytes ?? 0, entries: cache?.size ?? 0 };
}
