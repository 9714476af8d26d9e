import { AccountRollupBuilder, accountRollupKey } from "../data/account-rollup";
import { DatasetWriter } from "../data/dataset-writer";
import { rawKey } from "../data/datasets";
import { type Env, limit, type ParseJobMessage } from "../env";
import { ApiError } from "../errors";
import { ingestStream } from "../intake/stream";
import { uploadLimits, uploadOptions } from "../intake/upload";
import { RollupBuilder, rollupKey } from "../metrics/rollup";
import { partKey, type UploadRow, uploadSpec } from "./uploads-store";

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

/** One stream over the parts 1..count, each read from R2 when the previous one is done. */
function partsStream(env: Env, ws: string, uploadId: string, count: number): ReadableStream<Uint8Array> {
  let n = 0;
  let reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  return new ReadableStream<Uint8Array>({
    async pull(c) {
      for (;;) {
        if (!reader) {
          if (n >= count) return c.close();
          n++;
          const obj = await env.FILES.get(partKey(ws, uploadId, n));
          if (!obj) throw new ApiError(422, "incomplete_upload", `Part ${n} of the upload is missing; upload it again.`);
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
    },
  });
}

/** Runs one parse job. Never throws for a bad file: the outcome is written to the dataset row. */
export async function runParseJob(env: Env, msg: ParseJobMessage): Promise<"ready" | "failed" | "gone"> {
  const { workspaceId: ws, uploadId, datasetId } = msg;
  const up = await env.DB.prepare("SELECT * FROM uploads WHERE id = ? AND workspace_id = ?").bind(uploadId, ws).first<UploadRow>();
  const row = await env.DB.prepare("SELECT status, progress FROM datasets WHERE id = ? AND workspace_id = ?")
    .bind(datasetId, ws)
    .first<{ status: string; progress: string | null }>();
  if (!up || !row || row.status !== "processing") return "gone"; // deleted meanwhile, or a redelivered message
  const spec = uploadSpec(up);
  const { results: parts } = await env.DB.prepare("SELECT n FROM upload_parts WHERE upload_id = ? ORDER BY n").bind(uploadId).all<{ n: number }>();
  const rowsTotal = (JSON.parse(row.progress ?? "{}") as { rowsTotal?: number }).rowsTotal ?? 0;
  const writer = new DatasetWriter(env, ws, datasetId, spec.contentType);
  const rollup = spec.kind === "responses" ? new RollupBuilder(spec.csatScale) : null;
  const accounts = rollup ? new AccountRollupBuilder() : null;
  let last = Date.now();
  const progress = (rowsDone: number, errorsSoFar: number, total = Math.max(rowsTotal, rowsDone)) =>
    env.DB.prepare("UPDATE datasets SET progress = ? WHERE id = ? AND workspace_id = ?")
      .bind(JSON.stringify({ rowsDone, rowsTotal: total, errorsSoFar }), datasetId, ws)
      .run();
  let outcome: "ready" | "failed";
  try {
    const result = await ingestStream(partsStream(env, ws, uploadId, parts.length), {
      kind: spec.kind,
      mapping: spec.mapping,
      sheet: spec.sheet,
      csatScale: spec.csatScale,
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
    await writer.commit(
      {
        kind: spec.kind, name: up.name, rows: result.rows, columns: result.columns, warnings: result.warnings,
        options: uploadOptions(spec, result), blockRows: result.blockRows, contentType: spec.contentType,
      },
      true,
    );
    await progress(result.rows, 0, result.rows);
    outcome = "ready";
  } catch (err) {
    await writer.abort();
    const e = err instanceof ApiError ? err : null;
    if (!e) console.error("parse job failed", err);
    const error = e
      ? { code: e.code, message: e.message, details: e.details ?? [] }
      : { code: "job_failed", message: "The parse job failed on our side; nothing was stored. Upload the file again.", details: [] };
    await env.DB.prepare("UPDATE datasets SET status = 'failed', error = ?, block_count = 0 WHERE id = ? AND workspace_id = ?")
      .bind(JSON.stringify(error), datasetId, ws)
      .run();
    outcome = "failed";
  }
  // The parts are no longer needed: the raw file is kept (on success) under raw/.
  const keys = parts.map((p) => partKey(ws, uploadId, p.n));
  for (let i = 0; i < keys.length; i += 1000) await env.FILES.delete(keys.slice(i, i + 1000));
  await env.DB.prepare("DELETE FROM uploads WHERE id = ?").bind(uploadId).run();
  return outcome;
}

/** The Queue consumer: one parse job per message (max_batch_size = 1 in wrangler.toml). */
export async function handleQueue(batch: MessageBatch<ParseJobMessage>, env: Env): Promise<void> {
  for (const m of batch.messages) {
    await runParseJob(env, m.body);
    m.ack();
  }
}
