import { blockKey, type DatasetKind, rawKey } from "./datasets";
import { accountRollupKey } from "./account-rollup";
import type { Env } from "../env";
import type { SurveyType } from "../intake/cells";
import type { UploadSpec } from "../intake/upload";
import { rollupKey } from "../metrics/rollup";

/**
 * The store of chunked uploads: every SQL statement on `uploads` and `upload_parts` (D1), and their parts
 * in R2 under `uploads/<ws>/<uploadId>/`. Every R2 object of an upload lives under that prefix, so removing
 * an upload lists the prefix (parts replaced or orphaned by a cut-off request go too).
 * Completing an upload is the one transaction over two tables (its `processing` dataset row is inserted
 * with it); it lives here, as a step of the upload's life.
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
  surveyType?: SurveyType;
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
    surveyType: s.surveyType,
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

/** An upload of the workspace, or null (another workspace's id is not found either). */
export async function findUpload(env: Env, ws: string, id: string): Promise<UploadRow | null> {
  return env.DB.prepare("SELECT * FROM uploads WHERE id = ? AND workspace_id = ?").bind(id, ws).first<UploadRow>();
}

/** A new `open` upload. */
export async function insertUpload(
  env: Env,
  u: { id: string; ws: string; kind: DatasetKind; name: string; spec: StoredSpec; totalBytes: number },
  maxOpen = Infinity,
): Promise<boolean> {
  // Conditional, so concurrent starts cannot pass the limit of open uploads together; false when at the limit.
  const r = await env.DB.prepare(
    `INSERT INTO uploads (id, workspace_id, kind, name, spec, total_bytes) SELECT ?, ?, ?, ?, ?, ?
     WHERE (SELECT COUNT(*) FROM uploads WHERE workspace_id = ? AND status = 'open') < ?`,
  )
    .bind(u.id, u.ws, u.kind, u.name, JSON.stringify(u.spec), u.totalBytes, u.ws, Number.isFinite(maxOpen) ? maxOpen : 2 ** 31)
    .run();
  return r.meta.changes > 0;
}

/** Bytes of the upload's parts other than part `n`. */
export async function otherPartsBytes(env: Env, uploadId: string, n: number): Promise<number> {
  const r = await env.DB.prepare("SELECT COALESCE(SUM(bytes), 0) AS b FROM upload_parts WHERE upload_id = ? AND n != ?")
    .bind(uploadId, n)
    .first<{ b: number }>();
  return r?.b ?? 0;
}

/** The stored parts of an upload, in order. */
export async function listParts(env: Env, uploadId: string): Promise<PartRow[]> {
  const { results } = await env.DB.prepare("SELECT n, bytes, key FROM upload_parts WHERE upload_id = ? ORDER BY n")
    .bind(uploadId)
    .all<PartRow>();
  return results;
}

/** Part `n` of an upload, or null. */
export async function findPart(env: Env, uploadId: string, n: number): Promise<PartRow | null> {
  return env.DB.prepare("SELECT n, bytes, key FROM upload_parts WHERE upload_id = ? AND n = ?").bind(uploadId, n).first<PartRow>();
}

/**
 * Points part `n` at the object `key` (replacing an earlier part n) and stamps the upload's last part time,
 * only while the upload is open. False when it is not (completed or deleted meanwhile): nothing changed.
 */
export async function storePart(env: Env, uploadId: string, n: number, bytes: number, key: string): Promise<boolean> {
  const [stored] = await env.DB.batch([
    // Recorded only while the upload is open and the parts stay within total_bytes (checked here atomically,
    // against parts that arrived concurrently).
    env.DB.prepare(
      `INSERT OR REPLACE INTO upload_parts (upload_id, n, bytes, key)
         SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM uploads WHERE id = ? AND status = 'open')
           AND (SELECT COALESCE(SUM(bytes), 0) FROM upload_parts WHERE upload_id = ? AND n != ?) + ?
               <= (SELECT total_bytes FROM uploads WHERE id = ?)`,
    ).bind(uploadId, n, bytes, key, uploadId, uploadId, n, bytes, uploadId),
    env.DB.prepare("UPDATE uploads SET last_part_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ? AND status = 'open'").bind(
      uploadId,
    ),
  ]);
  return stored.meta.changes > 0;
}

/**
 * Completes an upload in one batch (a transaction, run alone): the dataset row is inserted as `processing`
 * only while the upload is still open with the parts the caller checked (`parts` of `totalBytes` bytes), and
 * the upload turns `queued` only if that row was inserted. Of concurrent completes exactly one gets both
 * changes (true); the others change nothing (false).
 */
export async function queueUpload(
  env: Env,
  up: UploadRow,
  d: { datasetId: string; contentType: string | null; progress: { rowsDone: number; rowsTotal: number; errorsSoFar: number } },
  checked: { parts: number; totalBytes: number },
): Promise<boolean> {
  const [, claimed] = await env.DB.batch([
    env.DB.prepare(
      `INSERT INTO datasets (id, workspace_id, kind, name, rows, columns, block_count, block_rows, raw_bytes, content_type, status, progress)
         SELECT ?, ?, ?, ?, 0, '[]', 0, 0, ?, ?, 'processing', ?
         WHERE EXISTS (SELECT 1 FROM uploads WHERE id = ? AND workspace_id = ? AND status = 'open')
           AND (SELECT COUNT(*) FROM upload_parts WHERE upload_id = ?) = ?
           AND (SELECT COALESCE(SUM(bytes), 0) FROM upload_parts WHERE upload_id = ?) = ?`,
    ).bind(
      d.datasetId,
      up.workspace_id,
      up.kind,
      up.name,
      up.total_bytes,
      d.contentType,
      JSON.stringify(d.progress),
      up.id,
      up.workspace_id,
      up.id,
      checked.parts,
      up.id,
      checked.totalBytes,
    ),
    env.DB.prepare(
      "UPDATE uploads SET status = 'queued', dataset_id = ? WHERE id = ? AND status = 'open' AND EXISTS (SELECT 1 FROM datasets WHERE id = ?)",
    ).bind(d.datasetId, up.id, d.datasetId),
  ]);
  return claimed.meta.changes > 0;
}

/** Undoes `queueUpload` when its job could not be queued: the upload is open again, the processing row gone. */
export async function unqueueUpload(env: Env, uploadId: string, datasetId: string): Promise<void> {
  await env.DB.batch([
    env.DB.prepare("UPDATE uploads SET status = 'open', dataset_id = NULL WHERE id = ? AND dataset_id = ?").bind(uploadId, datasetId),
    env.DB.prepare("DELETE FROM datasets WHERE id = ? AND status = 'processing'").bind(datasetId),
  ]);
}

/**
 * Marks an upload `deleting` if it is open (or already deleting); false otherwise. Conditional, so that a
 * concurrent complete and a DELETE cannot both win.
 */
export async function markDeleting(env: Env, ws: string, uploadId: string): Promise<boolean> {
  const r = await env.DB.prepare(
    "UPDATE uploads SET status = 'deleting' WHERE id = ? AND workspace_id = ? AND status IN ('open', 'deleting')",
  )
    .bind(uploadId, ws)
    .run();
  return r.meta.changes > 0;
}

/** Gives the parse job of a queued upload to the attempt holding `token`; false if the upload is no longer queued for it. */
export async function claimJob(env: Env, uploadId: string, datasetId: string, token: string): Promise<boolean> {
  const r = await env.DB.prepare("UPDATE uploads SET job_token = ? WHERE id = ? AND status = 'queued' AND dataset_id = ?")
    .bind(token, uploadId, datasetId)
    .run();
  return r.meta.changes > 0;
}

/** The token of the attempt that owns the upload's job now (null when none, or the upload is gone). */
export async function jobOwner(env: Env, uploadId: string): Promise<string | null> {
  return env.DB.prepare("SELECT job_token FROM uploads WHERE id = ?").bind(uploadId).first<string | null>("job_token");
}

/** The token a given-up job holds: any attempt still running finds its own token gone at its next progress write. */
export async function takeJobFromAttempts(env: Env, uploadId: string, datasetId: string): Promise<void> {
  await env.DB.prepare("UPDATE uploads SET job_token = 'given-up' WHERE id = ? AND dataset_id = ?").bind(uploadId, datasetId).run();
}

/** An upload named by the sweep. */
export interface UploadRef {
  id: string;
  workspace_id: string;
}

/** Uploads to remove: half deleted, or open with no part since `cutoff` (ISO). */
export async function idleUploads(env: Env, cutoff: string, max: number): Promise<UploadRef[]> {
  const { results } = await env.DB.prepare(
    `SELECT id, workspace_id FROM uploads
     WHERE status = 'deleting' OR (status = 'open' AND COALESCE(last_part_at, created_at) < ?) LIMIT ?`,
  )
    .bind(cutoff, max)
    .all<UploadRef>();
  return results;
}

/** Marks an idle upload `deleting`, unless a part arrived since it was listed (false then). */
export async function markIdleDeleting(env: Env, uploadId: string, cutoff: string): Promise<boolean> {
  const r = await env.DB.prepare(
    `UPDATE uploads SET status = 'deleting'
       WHERE id = ? AND (status = 'deleting' OR (status = 'open' AND COALESCE(last_part_at, created_at) < ?))`,
  )
    .bind(uploadId, cutoff)
    .run();
  return r.meta.changes > 0;
}

/** Queued uploads created before `cutoff` whose job is over (or whose dataset is gone) but which still hold parts. */
export async function finishedQueuedUploads(env: Env, cutoff: string, max: number): Promise<UploadRef[]> {
  const { results } = await env.DB.prepare(
    `SELECT u.id, u.workspace_id FROM uploads u LEFT JOIN datasets d ON d.id = u.dataset_id
     WHERE u.status = 'queued' AND (d.id IS NULL OR d.status != 'processing') AND u.created_at < ? LIMIT ?`,
  )
    .bind(cutoff, max)
    .all<UploadRef>();
  return results;
}

/** `done` uploads whose last part (or start) is older than `cutoff`. */
export async function expiredDoneUploads(env: Env, cutoff: string, max: number): Promise<UploadRef[]> {
  const { results } = await env.DB.prepare(
    "SELECT id, workspace_id FROM uploads WHERE status = 'done' AND COALESCE(last_part_at, created_at) < ? LIMIT ?",
  )
    .bind(cutoff, max)
    .all<UploadRef>();
  return results;
}

/**
 * Removes the chunked upload behind a dataset that is being deleted: takes its job from any attempt still running
 * (its next progress write stops it, and it deletes what it wrote since), then the parts and rows.
 */
/** Takes the job of a dataset's upload from any attempt running it (before the dataset is deleted). */
export async function takeJobForDelete(env: Env, ws: string, datasetId: string): Promise<void> {
  await env.DB.prepare("UPDATE uploads SET job_token = 'deleted' WHERE workspace_id = ? AND dataset_id = ?").bind(ws, datasetId).run();
}

export async function dropDatasetUpload(env: Env, ws: string, datasetId: string): Promise<void> {
  const { results } = await env.DB.prepare("SELECT id FROM uploads WHERE workspace_id = ? AND dataset_id = ?")
    .bind(ws, datasetId)
    .all<{ id: string }>();
  for (const u of results) {
    await env.DB.prepare("UPDATE uploads SET job_token = 'deleted', status = 'deleting' WHERE id = ?").bind(u.id).run();
    await removeUpload(env, ws, u.id);
  }
}

/** Of these upload ids, those that have a row. */
export async function knownUploadIds(env: Env, ids: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < ids.length; i += 50) {
    const chunk = ids.slice(i, i + 50);
    const { results } = await env.DB.prepare(`SELECT id FROM uploads WHERE id IN (${chunk.map(() => "?").join(",")})`)
      .bind(...chunk)
      .all<{ id: string }>();
    for (const r of results) out.add(r.id);
  }
  return out;
}
