import { type Env, limit } from "../env";
import { sweepOrphans } from "./orphan-sweep";
import { giveUpJob } from "./parse-job";
import { stuckDatasets } from "../data/datasets";
import {
  expiredDoneUploads,
  finishedQueuedUploads,
  idleUploads,
  markIdleDeleting,
  removeUpload,
  retireUpload,
} from "../data/uploads-store";

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

  for (const u of await idleUploads(env, cutoff, BATCH)) {
    // Conditional: a part that arrived since the SELECT keeps the upload.
    if (!(await markIdleDeleting(env, u.id, cutoff))) continue;
    await removeUpload(env, u.workspace_id, u.id);
    out.expired++;
  }

  for (const d of await stuckDatasets(env, cutoff, BATCH)) {
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

  for (const u of await finishedQueuedUploads(env, cutoff, BATCH)) {
    await retireUpload(env, u.workspace_id, u.id);
    out.leftovers++;
  }

  for (const u of await expiredDoneUploads(env, cutoff, BATCH)) {
    await removeUpload(env, u.workspace_id, u.id);
    out.retired++;
  }
  out.orphans = await sweepOrphans(env, now);
  return out;
}
