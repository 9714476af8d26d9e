import { knownDatasetIds } from "../data/datasets";
import { knownUploadIds } from "../data/uploads-store";
import type { Env } from "../env";

/** Where an object of a dataset or an upload lives: [table, id] from its key, or null for other keys. */
function ownerOf(key: string): ["datasets" | "uploads", string] | null {
  const m = /^(cols|raw|agg|acct|uploads)\/[^/]+\/([^/.]+)/.exec(key);
  if (!m) return null;
  return [m[1] === "uploads" ? "uploads" : "datasets", m[2]];
}

/**
 * Deletes R2 objects of datasets and uploads that have no D1 row (left by a killed request, or by a job that lost
 * its dataset), older than `graceMs` (a row is written before an object's first byte, so the grace only covers
 * clocks). Lists at most `maxPages` pages of 1,000 keys per prefix per run (the hourly sweep goes on next time).
 */
export async function sweepOrphans(env: Env, now: Date, graceMs = 3_600_000, maxPages = 10): Promise<number> {
  let deleted = 0;
  for (const prefix of ["cols/", "raw/", "agg/", "acct/", "uploads/"]) {
    let cursor: string | undefined;
    for (let page = 0; page < maxPages; page++) {
      const list = await env.FILES.list({ prefix, cursor, limit: 1000 });
      const old = list.objects.filter((o) => now.getTime() - o.uploaded.getTime() > graceMs);
      const ids = { datasets: new Set<string>(), uploads: new Set<string>() };
      for (const o of old) {
        const owner = ownerOf(o.key);
        if (owner) ids[owner[0]].add(owner[1]);
      }
      const known = new Set([...(await knownDatasetIds(env, [...ids.datasets])), ...(await knownUploadIds(env, [...ids.uploads]))]);
      const orphans = old.filter((o) => {
        const owner = ownerOf(o.key);
        return owner !== null && !known.has(owner[1]);
      });
      if (orphans.length) {
        await env.FILES.delete(orphans.map((o) => o.key));
        deleted += orphans.length;
      }
      if (!list.truncated) break;
      cursor = list.cursor;
    }
  }
  return deleted;
}
