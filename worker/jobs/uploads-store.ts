import { blockKey, type DatasetKind, rawKey } from "../data/datasets";
import { accountRollupKey } from "../data/account-rollup";
import type { Env } from "../env";
import type { UploadSpec } from "../intake/upload";
import { rollupKey } from "../metrics/rollup";

/**
 * Chunked uploads in D1 (`uploads`, `upload_parts`) and their parts in R2, under
 * `uploads/<ws>/<uploadId>/`. Every R2 object of an upload lives under that prefix, so removing an
 * upload lists the prefix (parts replaced or orphaned by a cut-off request go too).
 */

/** Where part `n` was stored before upload_parts.key existed (migration 0005); still read for such rows. */
export const partKey = (ws: string, uploadId: string, n: number) => `uploads/${ws}/${uploadId}/${n}`;

/** A fresh key for the bytes of part `n`: each PUT writes its own object, so bytes once listed never change. */
export const newPartKey = (ws: string, uploadId: string, n: number) => `uploads/${ws}/${uploadId}/${n}.${crypto.randomUUID()}`;

/** The prefix holding every R2 object of an upload. */
export const uploadPrefix = (ws: string, uploadId: string) => `uploads/${ws}/${uploadId}/`;

/** A row of `uploads`. */
export interface UploadRow {
  id: string;
  workspace_id: string;
  kind: DatasetKind;
  name: string;
  spec: string;
  total_bytes: number;
  /**
   * open (parts arrive) → queued (complete; dataset_id set) → done (job over, parts deleted; the row is kept
   * until the expiry so that a repeated complete can name the dataset); or open → deleting (DELETE / expiry).
   */
  status: "open" | "queued" | "done" | "deleting";
  dataset_id: string | null;
  created_at: string;
  /** When the last part arrived (ISO, UTC); null before the first. */
  last_part_at: string | null;
  /** The parse job attempt that owns the dataset's objects now. */
  job_token: string | null;
}

/** A row of `upload_parts`. */
export interface PartRow {
  n: number;
  bytes: number;
  key: string | null;
}

/** The R2 key of a stored part. */
export const storedPartKey = (ws: string, uploadId: string, p: PartRow) => p.key ?? partKey(ws, uploadId, p.n);

/** What is stored in `uploads.spec`. */
export interface StoredSpec {
  mapping: Record<string, string>;
  sheet?: string;
  csatScale: number;
  contentType: string | null;
  /** Largest part the upload takes (its start answered `partBytes`); absent on uploads started before it was stored. */
  partBytes?: number;
}

/** The intake spec of an upload row (never a dry run). */
export function uploadSpec(up: UploadRow): UploadSpec & { contentType: string | null } {
  const s = JSON.parse(up.spec) as StoredSpec;
  return {
    kind: up.kind,
    name: up.name,
    mapping: s.mapping,
    sheet: s.sheet,
    csatScale: s.csatScale,
    dryRun: false,
    contentType: s.contentType,
  };
}

/** Deletes every R2 object whose key starts with `prefix` (listed page by page). */
export async function deletePrefix(env: Env, prefix: string): Promise<number> {
  let deleted = 0;
  let cursor: string | undefined;
  do {
    const page = await env.FILES.list({ prefix, cursor, limit: 1000 });
    const keys = page.objects.map((o) => o.key);
    if (keys.length) await env.FILES.delete(keys);
    deleted += keys.length;
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return deleted;
}

/**
 * Removes an upload: its parts in R2 first, then its rows. If this stops half way the row is still
 * there, so the next attempt (redelivered job, DELETE again, the hourly sweep) finishes it.
 */
export async function removeUpload(env: Env, ws: string, uploadId: string): Promise<void> {
  await deletePrefix(env, uploadPrefix(ws, uploadId));
  await env.DB.batch([
    env.DB.prepare("DELETE FROM upload_parts WHERE upload_id = ?").bind(uploadId),
    env.DB.prepare("DELETE FROM uploads WHERE id = ? AND workspace_id = ?").bind(uploadId, ws),
  ]);
}

/**
 * Ends a completed upload once its job is over (ready, failed or given up): deletes its parts, keeps the
 * row as `done` naming the dataset (the hourly sweep removes it after UPLOAD_EXPIRY_HOURS).
 */
export async function retireUpload(env: Env, ws: string, uploadId: string): Promise<void> {
  await deletePrefix(env, uploadPrefix(ws, uploadId));
  await env.DB.batch([
    env.DB.prepare("DELETE FROM upload_parts WHERE upload_id = ?").bind(uploadId),
    env.DB.prepare("UPDATE uploads SET status = 'done', job_token = NULL WHERE id = ? AND workspace_id = ? AND status = 'queued'").bind(
      uploadId,
      ws,
    ),
  ]);
}

/**
 * Deletes every R2 object a parse job may have written for a dataset (raw file, blocks, rollups),
 * including blocks beyond the row's block_count that an attempt which died left behind.
 */
export async function deleteDatasetObjects(env: Env, ws: string, datasetId: string): Promise<void> {
  await env.FILES.delete([rawKey(ws, datasetId), rollupKey(ws, datasetId), accountRollupKey(ws, datasetId)]);
  await deletePrefix(env, blockKey(ws, datasetId, 0).replace(/0\.bin$/, ""));
}

/**
 * Removes the chunked upload behind a dataset that is being deleted: takes its job from any attempt still running
 * (its next progress write stops it, and it deletes what it wrote since), then the parts and rows.
 */
export async function dropDatasetUpload(env: Env, ws: string, datasetId: string): Promise<void> {
  const { results } = await env.DB.prepare("SELECT id FROM uploads WHERE workspace_id = ? AND dataset_id = ?")
    .bind(ws, datasetId)
    .all<{ id: string }>();
  for (const u of results) {
    await env.DB.prepare("UPDATE uploads SET job_token = 'deleted', status = 'deleting' WHERE id = ?").bind(u.id).run();
    await removeUpload(env, ws, u.id);
  }
}

/** Where an object of a dataset or an upload lives: [table, workspace, id] from its key, or null for other keys. */
function ownerOf(key: string): ["datasets" | "uploads", string, string] | null {
  const m = /^(cols|raw|agg|acct|uploads)\/([^/]+)\/([^/.]+)/.exec(key);
  if (!m) return null;
  return [m[1] === "uploads" ? "uploads" : "datasets", m[2], m[3]];
}

/**
 * Deletes R2 objects of datasets and uploads that have no D1 row (left by a killed request, or by a job that lost
 * its dataset), older than `graceMs` (a row is written before an object's first byte, so the grace only covers
 * clocks). Lists at most `maxPages` pages of 1,000 keys per prefix per run.
 */
export async function sweepOrphans(env: Env, now: Date, graceMs = 3_600_000, maxPages = 10): Promise<number> {
  let deleted = 0;
  for (const prefix of ["cols/", "raw/", "agg/", "acct/", "uploads/"]) {
    let cursor: string | undefined;
    for (let page = 0; page < maxPages; page++) {
      const list = await env.FILES.list({ prefix, cursor, limit: 1000 });
      const old = list.objects.filter((o) => now.getTime() - o.uploaded.getTime() > graceMs);
      const ids = new Map<string, string>();
      for (const o of old) {
        const owner = ownerOf(o.key);
        if (owner) ids.set(owner[2], owner[0]);
      }
      const known = new Set<string>();
      const byTable = (t: string) => [...ids].filter(([, table]) => table === t).map(([id]) => id);
      for (const table of ["datasets", "uploads"] as const) {
        const list = byTable(table);
        for (let i = 0; i < list.length; i += 50) {
          const chunk = list.slice(i, i + 50);
          const { results } = await env.DB.prepare(`SELECT id FROM ${table} WHERE id IN (${chunk.map(() => "?").join(",")})`)
            .bind(...chunk)
            .all<{ id: string }>();
          for (const r of results) known.add(r.id);
        }
      }
      const orphans = old.filter((o) => {
        const owner = ownerOf(o.key);
        return owner && !known.has(owner[2]);
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
