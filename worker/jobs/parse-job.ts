import { AccountRollupBuilder, accountRollupKey } from "../data/account-rollup";
import { DatasetWriter } from "../data/dataset-writer";
import { failProcessingDataset, jobDatasetState, processingDatasets, rawKey, writeJobProgress } from "../data/datasets";
import { type Env, limit, type ParseJobMessage } from "../env";
import { ApiError, boundedError, type ErrorDetail } from "../errors";
import { ingestStream } from "../intake/stream";
import { uploadLimits, uploadOptions } from "../intake/upload";
import { RollupBuilder, rollupKey } from "../metrics/rollup";
import {
  claimJob,
  deleteDatasetObjects,
  findUpload,
  jobOwner,
  listParts,
  type PartRow,
  retireUpload,
  storedPartKey,
  takeJobFromAttempts,
  uploadSpec,
} from "../data/uploads-store";

/**
 * The queued parse job of a chunked upload: streams the stored parts, in order, through the same
 * intake as a direct upload (`ingestStream`), so blocks go to R2 as they fill and the raw file is
 * kept whole; progress goes to the dataset row after each block. On success the row turns `ready`
 * (from then on models use it, as the newest ready dataset); on any rejection every object written
 * is deleted and the row turns `failed` with the error a direct upload would have answered.
 * The parts are deleted either way.
 */

/** Progress is written to D1 at most this often. */
const PROGRESS_EVERY_MS = 500;

/**
 * One stream over the parts in order, each read from R2 when the previous one is done. The intake
 * reports any stream error as a cut-off body, so the real cause (a missing part, an R2 error) is also
 * kept in `failure.error` for the job to report or retry on.
 */
function partsStream(env: Env, ws: string, uploadId: string, parts: PartRow[], failure: { error?: unknown }): ReadableStream<Uint8Array> {
  let n = 0;
  let reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  return new ReadableStream<Uint8Array>({
    async pull(c) {
      try {
        await pullOne(c);
      } catch (err) {
        failure.error ??= err;
        throw err;
      }
    },
  });
  async function pullOne(c: ReadableStreamDefaultController<Uint8Array>): Promise<void> {
    for (;;) {
      if (!reader) {
        if (n >= parts.length) return c.close();
        const part = parts[n++];
        const obj = await env.FILES.get(storedPartKey(ws, uploadId, part));
        if (!obj) throw new ApiError(422, "incomplete_upload", `Part ${part.n} of the upload is missing; upload it again.`);
        reader = obj.body.getReader();
      }
      const r = await reader.read();
      if (r.done) {
        reader = null;
        continue;
      }
      c.enqueue(r.value);
      return;
    }
  }
}

/** Thrown inside a job attempt once a newer attempt (a redelivered message) has taken the job over. */
class Superseded extends Error {
  constructor() {
    super("a newer attempt took over this parse job");
    this.name = "Superseded";
  }
}

/**
 * Runs a job attempt at most this often per message: Cloudflare redelivers a message whose consumer
 * invocation died (CPU limit, eviction) or threw; wrangler.toml's max_retries = 2 gives 3 deliveries,
 * the first JOB_RUNS run the job and a later one gives up (the dataset turns `failed`).
 */
export const JOB_RUNS = 2;

/** The error a job that could not finish leaves on its dataset row. */
export function jobStoppedError(runs: number) {
  return {
    code: "job_failed",
    message:
      `The parse job stopped before it finished ${runs === 1 ? "once" : `${runs} times`} (the Queue consumer's CPU limit, or an ` +
      "eviction); nothing was stored. A very large file may need more CPU time than one job has: split it and upload the parts " +
      "as separate files, or upload it again.",
    details: [] as ErrorDetail[],
  };
}

/** A processing dataset whose last progress write (or start) is older than this is taken as lost. */
export const STALE_MINUTES = 20;

/**
 * Times out datasets of a workspace left `processing` with no progress for STALE_MINUTES: a parse job lost
 * (wrangler dev has no queue redelivery and no cron) or a direct upload whose request was killed. Each turns
 * `failed` with `job_timeout`, and its objects and upload parts are deleted; the user uploads the file again.
 * Called when datasets are read (GET .../datasets, GET .../datasets/:id), so no cron is needed.
 */
export async function expireStaleDatasets(env: Env, ws: string, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - STALE_MINUTES * 60_000).toISOString();
  const results = await processingDatasets(env, ws, cutoff);
  let n = 0;
  for (const d of results) {
    const at = (JSON.parse(d.progress ?? "{}") as { at?: string }).at ?? d.created_at;
    if (at >= cutoff) continue;
    const failed = await giveUpJob(
      env,
      { workspaceId: ws, uploadId: d.upload_id ?? "", datasetId: d.id },
      {
        code: "job_timeout",
        message: `${d.upload_id ? "The parse job" : "The upload"} stopped reporting progress ${STALE_MINUTES} minutes ago (the job or the request was lost); nothing was stored. Upload the file again.`,
        details: [],
      },
    );
    if (failed) n++;
  }
  return n;
}

/**
 * Marks a job's dataset `failed` with `error` when it is still processing, deletes whatever an attempt
 * wrote and the upload's parts. Used when the job is given up (retries spent, or stuck past the expiry).
 */
export async function giveUpJob(
  env: Env,
  msg: ParseJobMessage,
  error: { code: string; message: string; details: ErrorDetail[] },
): Promise<boolean> {
  const { workspaceId: ws, uploadId, datasetId } = msg;
  // Take the job from any attempt still running: its next progress write finds the token changed and stops.
  await takeJobFromAttempts(env, uploadId, datasetId);
  const failed = await failProcessingDataset(env, ws, datasetId, error);
  if (failed) await deleteDatasetObjects(env, ws, datasetId);
  await retireUpload(env, ws, uploadId);
  return failed;
}

/**
 * Runs one parse job attempt. A bad file is not an exception: the outcome is written to the dataset row
 * (`failed` with the 422 a direct upload would answer). Safe to run again for the same message:
 * - the job already finished (ready / failed / dataset deleted): nothing is parsed; leftovers of an
 *   attempt that died after finishing (the parts) are removed → "gone";
 * - an earlier attempt died half way (row still `processing`, some blocks in R2): this attempt takes the
 *   job over (uploads.job_token), deletes every object of the dataset and parses from the first byte, so
 *   the blocks, rollups and row counts are those of one whole run → "ready" | "failed";
 * - an older attempt still running when a newer one takes over stops at its next progress write without
 *   touching anything (the newer one owns the same keys) → "superseded".
 * Throws only for failures on our side (R2 / D1 errors), after deleting what it wrote, so that the
 * Queue redelivers the message.
 */
export async function runParseJob(env: Env, msg: ParseJobMessage): Promise<"ready" | "failed" | "gone" | "superseded"> {
  const { workspaceId: ws, uploadId, datasetId } = msg;
  const up = await findUpload(env, ws, uploadId);
  const row = await jobDatasetState(env, ws, datasetId);
  const ours = up?.status === "queued" && up.dataset_id === datasetId;
  if (!row || row.status !== "processing") {
    // Done already (a redelivered message), or the dataset was deleted meanwhile.
    if (up && ours) await retireUpload(env, ws, uploadId);
    return "gone";
  }
  if (!up || !ours) {
    // A processing dataset whose upload is gone: nothing left to parse.
    await giveUpJob(env, msg, {
      code: "job_failed",
      message: "The parts of this upload are gone; nothing was stored. Upload the file again.",
      details: [],
    });
    return "failed";
  }
  const token = crypto.randomUUID();
  if (!(await claimJob(env, uploadId, datasetId, token))) return "gone";
  // Start from nothing: blocks, raw file and rollups of an earlier attempt that died go first.
  await deleteDatasetObjects(env, ws, datasetId);
  const spec = uploadSpec(up);
  const parts = await listParts(env, uploadId);
  const rowsTotal = row.rowsTotal;
  const writer = new DatasetWriter(env, ws, datasetId, spec.contentType);
  const rollup = spec.kind === "responses" ? new RollupBuilder(spec.csatScale) : null;
  const accounts = rollup ? new AccountRollupBuilder() : null;
  let last = Date.now();
  /** Writes progress while this attempt still owns the job; throws Superseded once it does not. */
  const progress = async (rowsDone: number, errorsSoFar: number, total = Math.max(rowsTotal, rowsDone)) => {
    if (!(await writeJobProgress(env, ws, datasetId, { rowsDone, rowsTotal: total, errorsSoFar }, { uploadId, token })))
      throw new Superseded();
  };
  let outcome: "ready" | "failed";
  const streamFailure: { error?: unknown } = {};
  try {
    await progress(0, 0);
    const result = await ingestStream(partsStream(env, ws, uploadId, parts, streamFailure), {
      kind: spec.kind,
      mapping: spec.mapping,
      sheet: spec.sheet,
      csatScale: spec.csatScale,
      surveyType: spec.surveyType,
      limits: { ...uploadLimits(env), maxRows: limit(env, "MAX_JOB_ROWS", 20_000_000) },
      maxBytes: up.total_bytes,
      writer,
      reopen: async () => {
        const obj = await env.FILES.get(rawKey(ws, datasetId));
        if (!obj) throw new Error("raw upload vanished");
        return obj.body;
      },
      onBlock: rollup ? (b) => (rollup.add(b), accounts!.add(b)) : undefined,
      onRestart: () => (rollup?.reset(), accounts?.reset()),
      onProgress: async (p) => {
        // Yield to the event loop between pieces, so that requests served by this isolate (progress polls
        // under wrangler dev) are not held up for the whole job.
        await new Promise((r) => setTimeout(r, 0));
        if (Date.now() - last < PROGRESS_EVERY_MS) return;
        last = Date.now();
        await progress(p.rowsDone, p.errorsSoFar);
      },
    });
    const rolled = rollup?.toJson();
    if (rolled) writer.setExtra(rollupKey(ws, datasetId), rolled);
    const perAccount = accounts?.toBytes();
    if (perAccount) writer.setExtra(accountRollupKey(ws, datasetId), perAccount);
    // Last ownership check before the row turns ready (progress throws Superseded if taken over).
    await progress(result.rows, 0, result.rows);
    await writer.commit(
      {
        kind: spec.kind,
        name: up.name,
        rows: result.rows,
        columns: result.columns,
        warnings: result.warnings,
        options: uploadOptions(spec, result),
        blockRows: result.blockRows,
        contentType: spec.contentType,
      },
      true,
    );
    outcome = "ready";
  } catch (caught) {
    const err = streamFailure.error ?? caught;
    // Taken over by a newer attempt: it owns the same keys, leave them. Taken over by a delete or a timeout (the
    // row is gone or no longer processing): what this attempt wrote since is nobody's, delete it.
    if ((await jobDatasetState(env, ws, datasetId))?.status !== "processing") {
      await writer.abort();
      return "superseded";
    }
    if (err instanceof Superseded) return "superseded";
    if ((await jobOwner(env, uploadId)) !== token) return "superseded";
    await writer.abort();
    if (!(err instanceof ApiError)) {
      // Our side (R2 / D1): the Queue retries the message; the final delivery marks the dataset failed.
      console.error("parse job attempt failed", err);
      throw err;
    }
    // Bounded as every error body is (worker/errors.ts), so that it fits in a D1 row whatever the file held.
    const error = boundedError(err.code, err.message, err.details ?? [], err.extra);
    await failProcessingDataset(env, ws, datasetId, error);
    outcome = "failed";
  }
  // The parts are no longer needed: the raw file is kept (on success) under raw/.
  await retireUpload(env, ws, uploadId);
  return outcome;
}

/**
 * The Queue consumer: one parse job per message (max_batch_size = 1 in wrangler.toml). A delivery after
 * JOB_RUNS attempts (each died or threw) gives the job up: its dataset turns `failed` with a message
 * saying so, and the message is acknowledged.
 */
export async function handleQueue(batch: MessageBatch<ParseJobMessage>, env: Env): Promise<void> {
  for (const m of batch.messages) {
    if (m.attempts > JOB_RUNS) {
      console.error(`parse job ${m.body.datasetId} (upload ${m.body.uploadId}): delivery ${m.attempts}, earlier runs died; giving it up`);
      await giveUpJob(env, m.body, jobStoppedError(m.attempts - 1));
      m.ack();
      continue;
    }
    try {
      await runParseJob(env, m.body);
      m.ack();
    } catch (err) {
      console.error(`parse job ${m.body.datasetId} (upload ${m.body.uploadId}) failed on delivery ${m.attempts} of ${JOB_RUNS}`, err);
      if (m.attempts >= JOB_RUNS) {
        await giveUpJob(env, m.body, jobStoppedError(m.attempts));
        m.ack();
      } else {
        m.retry();
      }
    }
  }
}
