import { type Env, limit } from "../env";
import { giveUpJob } from "./parse-job";
import { removeUpload, retireUpload, sweepOrphans } from "./uploads-store";

/**
 * The hourly sweep of chunked uploads (the `scheduled` handler, wrangler.toml [triggers] crons):
 * - open uploads whose last part (or start, before any part) is older than UPLOAD_EXPIRY_HOURS
 *   (default 24) are removed with their parts, as are uploads a DELETE left half removed;
 * - parse jobs still `processing` that long after completion (their message was lost, or every
 *   delivery died) are given up: the dataset turns `failed` with a message, its objects and parts go;
 * - completed uploads whose job finished but died before deleting the parts lose their parts;
 * - `done` upload rows (kept so that a repeated complete names the dataset) go UPLOAD_EXPIRY_HOURS after
 *   their last part;
 * - R2 objects of datasets or uploads with no D1 row, an hour old, are deleted (sweepOrphans).
 * Each step takes at most BATCH rows per run; the next run goes on.
 */

const BATCH = 200;

export interface SweepResult {
  expired: number;
  stuckJobs: number;
  leftovers: number;
  retired: number;
  /** R2 objects of datasets or uploads without a D1 row, deleted. */
  orphans: number;
}

/** Runs one sweep as of `now` (the scheduled time; tests pass a fixed date). */
export async function sweepUploads(env: Env, now: Date): Promise<SweepResult> {
  const hours = limit(env, "UPLOAD_EXPIRY_HOURS", 24);
  // Timestamps in D1 are ISO strings in UTC with milliseconds (strftime '%Y-%m-%dT%H:%M:%fZ'), as toISOString.
  const cutoff = new Date(now.getTime() - hours * 3_600_000).toISOString();
  const out: SweepResult = { expired: 0, stuckJobs: 0, leftovers: 0, retired: 0, orphans: 0 };

  const idle = await env.DB.prepare(
    `SELECT id, workspace_id FROM uploads
     WHERE status = 'deleting' OR (status = 'open' AND COALESCE(last_part_at, created_at) < ?) LIMIT ?`,
  )
    .bind(cutoff, BATCH)
    .all<{ id: string; workspace_id: string }>();
  for (const u of idle.results) {
    // Conditional: a part that arrived since the SELECT keeps the upload.
    const r = await env.DB.prepare(
      `UPDATE uploads SET status = 'deleting'
       WHERE id = ? AND (status = 'deleting' OR (status = 'open' AND COALESCE(last_part_at, created_at) < ?))`,
    )
      .bind(u.id, cutoff)
      .run();
    if (!r.meta.changes) continue;
    await removeUpload(env, u.workspace_id, u.id);
    out.expired++;
  }

  const stuck = await env.DB.prepare(
    `SELECT d.id, d.workspace_id, u.id AS upload_id FROM datasets d LEFT JOIN uploads u ON u.dataset_id = d.id
     WHERE d.status = 'processing' AND d.created_at < ? LIMIT ?`,
  )
    .bind(cutoff, BATCH)
    .all<{ id: string; workspace_id: string; upload_id: string | null }>();
  for (const d of stuck.results) {
    const failed = await giveUpJob(
      env,
      { workspaceId: d.workspace_id, uploadId: d.upload_id ?? "", datasetId: d.id },
      {
        code: "job_failed",
        message: `The parse job did not finish within ${hours} hours of the upload (UPLOAD_EXPIRY_HOURS); nothing was stored. Upload the file again.`,
        details: [],
      },
    );
    if (failed) out.stuckJobs++;
  }

  const left = await env.DB.prepare(
    `SELECT u.id, u.workspace_id FROM uploads u LEFT JOIN datasets d ON d.id = u.dataset_id
     WHERE u.status = 'queued' AND (d.id IS NULL OR d.status != 'processing') AND u.created_at < ? LIMIT ?`,
  )
    .bind(cutoff, BATCH)
    .all<{ id: string; workspace_id: string }>();
  for (const u of left.results) {
    await retireUpload(env, u.workspace_id, u.id);
    out.leftovers++;
  }

  const done = await env.DB.prepare(
    "SELECT id, workspace_id FROM uploads WHERE status = 'done' AND COALESCE(last_part_at, created_at) < ? LIMIT ?",
  )
    .bind(cutoff, BATCH)
    .all<{ id: string; workspace_id: string }>();
  for (const u of done.results) {
    await removeUpload(env, u.workspace_id, u.id);
    out.retired++;
  }
  out.orphans = await sweepOrphans(env, now);
  return out;
}
