import { newId } from "../auth";
import { type DatasetKind, jobDatasetState } from "../data/datasets";
import {
  findPart,
  findUpload,
  insertUpload,
  listParts,
  markDeleting,
  newPartKey,
  otherPartsBytes,
  queueUpload,
  removeUpload,
  storedPartKey,
  storePart,
  type StoredSpec,
  unqueueUpload,
  type UploadRow,
} from "../data/uploads-store";
import { type Env, limit } from "../env";
import { ApiError } from "../errors";
import type { SurveyType } from "../intake/cells";
import { surveyTypeFor } from "../intake/upload";

/**
 * Chunked uploads for files over the body limit (MAX_UPLOAD_BYTES): start, send parts of at most the
 * body limit each, complete. Completing queues a parse job (worker/jobs/parse-job.ts) and answers 202
 * with the dataset id; GET .../datasets/:id then reports status processing → ready | failed with
 * progress. A failed job stores nothing; only a ready dataset is ever used by models.
 * Completing is one conditional D1 batch (dataset row + upload status), so concurrent completes create
 * one dataset and one job; DELETE drops an open upload and its parts; open uploads idle for
 * UPLOAD_EXPIRY_HOURS are removed by the hourly sweep (worker/jobs/upload-sweep.ts).
 */

const gone = (id: string) =>
  new ApiError(404, "not_found", `No such upload in this workspace (${id} may have completed already, or been deleted).`);
const completed = (id: string, datasetId: string | null) =>
  new ApiError(409, "upload_completed", `Upload ${id} is already complete; its dataset is ${datasetId}.`);

const overTotal = (n: number, bytes: number, total: number) =>
  new ApiError(
    422,
    "parts_exceed_total",
    `Part ${n} (${bytes} bytes) would take the parts past the upload's totalBytes ${total}. Send the file's own bytes, or start a new upload with the right totalBytes.`,
    [{ column: "n", message: "parts exceed totalBytes" }],
  );

/** The upload, if it still takes parts; else 404 (unknown, deleted) or 409 upload_completed. */
async function openUpload(env: Env, ws: string, id: string): Promise<UploadRow> {
  const up = await findUpload(env, ws, id);
  if (!up || up.status === "deleting") throw gone(id);
  if (up.status !== "open") throw completed(id, up.dataset_id);
  return up;
}

/** What starting an upload takes (the request body). */
export interface UploadStart {
  kind: DatasetKind;
  name?: string;
  mapping?: Record<string, string>;
  sheet?: string;
  csatScale?: number;
  surveyType?: SurveyType;
  contentType?: string;
  totalBytes: number;
  /** The part size the client will send (default and most: the body limit). */
  partBytes?: number;
}

/** Starts a chunked upload: 413 over MAX_CHUNKED_BYTES; answers the id, the largest part and the parts needed. */
export async function startUpload(env: Env, ws: string, b: UploadStart): Promise<{ uploadId: string; partBytes: number; parts: number }> {
  const maxTotal = limit(env, "MAX_CHUNKED_BYTES", 2 * 1024 ** 3);
  if (b.totalBytes > maxTotal) {
    throw new ApiError(
      413,
      "too_large",
      `The file is ${b.totalBytes} bytes; chunked uploads take up to ${maxTotal} bytes (MAX_CHUNKED_BYTES).`,
    );
  }
  const partBytes = Math.min(b.partBytes ?? Infinity, limit(env, "MAX_UPLOAD_BYTES", 100 * 1024 * 1024));
  const maxOpen = limit(env, "MAX_OPEN_UPLOADS", 20);
  const id = newId("u");
  surveyTypeFor(b.kind, b.surveyType);
  const spec: StoredSpec = {
    mapping: b.mapping ?? {},
    sheet: b.sheet,
    csatScale: b.csatScale ?? 5,
    ...(b.surveyType ? { surveyType: b.surveyType } : {}),
    contentType: b.contentType ?? null,
    partBytes,
  };
  const name = b.name?.trim() || `${b.kind} ${new Date().toISOString().slice(0, 10)}`;
  if (!(await insertUpload(env, { id, ws, kind: b.kind, name, spec, totalBytes: b.totalBytes }, maxOpen))) {
    throw new ApiError(
      429,
      "too_many_uploads",
      `This workspace has ${maxOpen} chunked uploads open (MAX_OPEN_UPLOADS); complete or delete one (DELETE .../uploads/{id}) first. Idle ones expire after UPLOAD_EXPIRY_HOURS.`,
    );
  }
  return { uploadId: id, partBytes, parts: Math.ceil(b.totalBytes / partBytes) };
}

/**
 * Stores part `n` (the request body, of `contentLength` bytes as declared) of an open upload; sending a part
 * number again replaces it.
 */
export async function putUploadPart(
  env: Env,
  ws: string,
  id: string,
  n: number,
  contentLength: string | undefined,
  body: ReadableStream | null,
): Promise<{ n: number; bytes: number }> {
  const up = await openUpload(env, ws, id);
  const bodyLimit = limit(env, "MAX_UPLOAD_BYTES", 100 * 1024 * 1024);
  const maxBytes = Math.min(bodyLimit, (JSON.parse(up.spec) as StoredSpec).partBytes ?? bodyLimit);
  const declared = Number(contentLength ?? NaN);
  if (!Number.isFinite(declared)) throw new ApiError(400, "length_required", "Send each part with a Content-Length header.");
  if (declared > maxBytes)
    throw new ApiError(
      413,
      "too_large",
      `Part ${n} is ${declared} bytes; a part of this upload may have at most ${maxBytes} bytes (partBytes).`,
    );
  if (declared === 0 || !body) throw new ApiError(400, "bad_request", `Part ${n} is empty.`);
  // Checked before the body is stored: a part number past the last, or parts adding up past totalBytes.
  const parts = Math.ceil(up.total_bytes / maxBytes);
  if (n > parts) {
    throw new ApiError(
      422,
      "part_out_of_range",
      `Part ${n} is past the last part: ${up.total_bytes} bytes at ${maxBytes} bytes a part are ${parts} parts.`,
      [{ column: "n", message: `> ${parts}` }],
    );
  }
  if ((await otherPartsBytes(env, id, n)) + declared > up.total_bytes) throw overTotal(n, declared, up.total_bytes);
  // Each PUT writes its own object; D1 then points part n at it, only while the upload is open. So bytes a
  // completed upload lists never change, and a part sent again replaces the old one whole.
  const key = newPartKey(ws, id, n);
  let obj: R2Object | null;
  try {
    // Streamed to R2 (a known length), never held whole.
    obj = await env.FILES.put(key, body);
  } catch {
    obj = null;
  }
  if (!obj) {
    await env.FILES.delete(key);
    throw new ApiError(400, "bad_request", `Part ${n} was cut off before it was complete; send it again.`);
  }
  const before = await findPart(env, id, n);
  if (!(await storePart(env, id, n, obj.size, key))) {
    // Completed or deleted while this part arrived (404 / 409), or concurrent parts took the total past totalBytes.
    await env.FILES.delete(key);
    await openUpload(env, ws, id);
    throw overTotal(n, obj.size, up.total_bytes);
  }
  if (before) await env.FILES.delete(storedPartKey(ws, id, before));
  return { n, bytes: obj.size };
}

/** Rows a file of `total` bytes is expected to have, from the line length in its first 64 KB. */
async function estimateRows(env: Env, firstPart: string, total: number): Promise<number> {
  const head = await env.FILES.get(firstPart, { range: { offset: 0, length: 65536 } });
  if (!head) return 0;
  const bytes = new Uint8Array(await head.arrayBuffer());
  let lines = 0;
  for (const b of bytes) if (b === 10) lines++;
  if (lines === 0) return 0;
  return Math.max(0, Math.round((total * lines) / bytes.length) - 1);
}

/** The answer to completing an upload: its dataset, processing, with the rows expected. */
export interface UploadQueued {
  datasetId: string;
  status: "processing";
  rowsTotal: number;
}

/**
 * Completes an upload: checks its parts (422 incomplete_upload naming the missing ones), creates its
 * `processing` dataset and queues the parse job (503 queue_unavailable, undone, if the queue refuses).
 * A concurrent or repeated complete answers the same while the job runs, else 409 upload_completed.
 */
export async function completeUpload(env: Env, ws: string, id: string): Promise<UploadQueued> {
  const up = await findUpload(env, ws, id);
  if (!up || up.status === "deleting") throw gone(id);
  if (up.status !== "open") return alreadyCompleted(env, ws, id);
  const results = await listParts(env, id);
  const missing: number[] = [];
  let total = 0;
  const last = results.length ? results[results.length - 1].n : 0;
  const have = new Set(results.map((r) => r.n));
  for (let k = 1; k <= last; k++) if (!have.has(k)) missing.push(k);
  for (const r of results) total += r.bytes;
  if (!results.length || missing.length || total !== up.total_bytes) {
    throw new ApiError(
      422,
      "incomplete_upload",
      `The parts hold ${total} of ${up.total_bytes} bytes${missing.length ? `; parts ${missing.slice(0, 20).join(", ")} are missing` : ""}. Send the missing parts, then complete again.`,
      missing.slice(0, 100).map((k) => ({ column: `part ${k}`, message: "missing" })),
    );
  }
  const datasetId = newId("d");
  const rowsTotal = await estimateRows(env, storedPartKey(ws, id, results[0]), up.total_bytes);
  const spec = JSON.parse(up.spec) as StoredSpec;
  const claimed = await queueUpload(
    env,
    up,
    { datasetId, contentType: spec.contentType, progress: { rowsDone: 0, rowsTotal, errorsSoFar: 0 } },
    { parts: results.length, totalBytes: total },
  );
  if (!claimed) {
    const now = await findUpload(env, ws, id);
    if (!now || now.status === "deleting") throw gone(id);
    if (now.status === "open") {
      throw new ApiError(409, "upload_changed", `A part of upload ${id} was sent again while it was completing; complete it again.`);
    }
    return alreadyCompleted(env, ws, id);
  }
  // The row exists from now on as `processing`; models only ever read `ready` rows.
  try {
    await env.JOBS.send({ workspaceId: ws, uploadId: id, datasetId });
  } catch (err) {
    // No job will run: undo, so that completing again works.
    console.error("queue send failed", err);
    await unqueueUpload(env, id, datasetId);
    throw new ApiError(
      503,
      "queue_unavailable",
      "The parse job could not be queued; the parts are kept. Complete the upload again in a moment.",
    );
  }
  return { datasetId, status: "processing", rowsTotal };
}

/**
 * The answer to completing an upload that is already complete (a concurrent or repeated call): the same
 * 202 body while its job runs, else 409 upload_completed naming the dataset.
 */
async function alreadyCompleted(env: Env, ws: string, id: string): Promise<UploadQueued> {
  const up = await findUpload(env, ws, id);
  if (!up || up.status === "deleting") throw gone(id);
  const d = up.dataset_id ? await jobDatasetState(env, ws, up.dataset_id) : null;
  if (!d || d.status !== "processing") throw completed(id, up.dataset_id);
  return { datasetId: up.dataset_id!, status: "processing", rowsTotal: d.rowsTotal };
}

/** Aborts an upload that is not complete and deletes its parts: 404 if unknown, 409 upload_completed once completed. */
export async function abortUpload(env: Env, ws: string, id: string): Promise<void> {
  if (!(await markDeleting(env, ws, id))) {
    const up = await findUpload(env, ws, id);
    if (!up) throw gone(id);
    throw completed(id, up.dataset_id);
  }
  await removeUpload(env, ws, id);
}
