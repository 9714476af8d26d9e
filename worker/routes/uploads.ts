import { createRoute, z } from "@hono/zod-openapi";
import { newRouter } from "../app";
import { newId, requireRole } from "../auth";
import { type Env, limit } from "../env";
import { ApiError } from "../errors";
import { newPartKey, type PartRow, removeUpload, storedPartKey, type StoredSpec, type UploadRow } from "../jobs/uploads-store";
import { errorResponses } from "./schemas";

/**
 * Chunked uploads for files over the body limit (MAX_UPLOAD_BYTES): start, send parts of at most the
 * body limit each, complete. Completing queues a parse job (worker/jobs/parse-job.ts) and answers 202
 * with the dataset id; GET .../datasets/:id then reports status processing → ready | failed with
 * progress. A failed job stores nothing; only a ready dataset is ever used by models.
 * Completing is one conditional D1 batch (dataset row + upload status), so concurrent completes create
 * one dataset and one job; DELETE drops an open upload and its parts; open uploads idle for
 * UPLOAD_EXPIRY_HOURS are removed by the hourly sweep (worker/jobs/upload-sweep.ts).
 */
const uploads = newRouter();

const WsParam = z.object({ ws: z.string().openapi({ param: { name: "ws", in: "path" } }) });
const UploadParam = WsParam.extend({ id: z.string().openapi({ param: { name: "id", in: "path" } }) });
const PartParam = UploadParam.extend({
  n: z
    .string()
    .regex(/^[1-9]\d{0,3}$/, "part numbers are 1 to 9999")
    .openapi({ param: { name: "n", in: "path" }, example: "1" }),
});

const StartBody = z
  .object({
    kind: z.enum(["accounts", "responses", "transactions"]),
    name: z.string().max(200).optional(),
    mapping: z
      .record(z.string(), z.string())
      .optional()
      .openapi({ description: 'As the upload\'s `mapping`: {"canonical_name": "Header In File"}' }),
    sheet: z.string().max(200).optional(),
    csatScale: z.number().int().min(3).max(10).optional(),
    contentType: z.string().max(200).optional().openapi({ description: "Content type of the whole file (text/csv, or the xlsx type)" }),
    totalBytes: z.number().int().positive().openapi({ description: "Size of the whole file in bytes" }),
    partBytes: z.number().int().min(1).optional().openapi({
      description:
        "Size of the parts the client will send (default and most: the body limit). The answer's `parts` follows from it; a part number past `parts`, a part over `partBytes`, or parts adding up to more than totalBytes are refused.",
    }),
  })
  .openapi("UploadStart");

const StartResult = z
  .object({
    uploadId: z.string(),
    partBytes: z.number().int().openapi({
      description: "Largest part allowed (the requested partBytes, at most the body limit); any split works, parts are joined in order",
    }),
    parts: z.number().int().openapi({ description: "Parts needed at partBytes each: the highest part number accepted" }),
  })
  .openapi("UploadStarted");

async function findUpload(env: Env, ws: string, id: string): Promise<UploadRow | null> {
  return env.DB.prepare("SELECT * FROM uploads WHERE id = ? AND workspace_id = ?").bind(id, ws).first<UploadRow>();
}

const gone = (id: string) =>
  new ApiError(404, "not_found", `No such upload in this workspace (${id} may have completed already, or been deleted).`);
const completed = (id: string, datasetId: string | null) =>
  new ApiError(409, "upload_completed", `Upload ${id} is already complete; its dataset is ${datasetId}.`);

const overTotal = (n: number, others: number, bytes: number, total: number) =>
  new ApiError(
    422,
    "parts_exceed_total",
    `Part ${n} (${bytes} bytes) would take the parts ${Number.isNaN(others) ? "" : `to ${others + bytes} bytes, `}past the upload's totalBytes ${total}. Send the file's own bytes, or start a new upload with the right totalBytes.`,
    [{ column: "n", message: "parts exceed totalBytes" }],
  );

/** The upload, if it still takes parts; else 404 (unknown, deleted) or 409 upload_completed. */
async function openUpload(env: Env, ws: string, id: string): Promise<UploadRow> {
  const up = await findUpload(env, ws, id);
  if (!up || up.status === "deleting") throw gone(id);
  if (up.status !== "open") throw completed(id, up.dataset_id);
  return up;
}

uploads.openapi(
  createRoute({
    method: "post",
    path: "/api/workspaces/{ws}/uploads",
    tags: ["datasets"],
    summary: "Start a chunked upload of a file over the body limit (editor)",
    description:
      "Then PUT each part (raw bytes, at most partBytes each, numbered from 1 in file order) to .../uploads/{id}/parts/{n} and " +
      "POST .../uploads/{id}/complete. The file is validated exactly as a direct upload.",
    security: [{ bearer: [] }],
    middleware: [requireRole("editor")] as const,
    request: { params: WsParam, body: { required: true, content: { "application/json": { schema: StartBody } } } },
    responses: {
      201: { description: "Started", content: { "application/json": { schema: StartResult } } },
      ...errorResponses(400, 401, 403, 404, 413, 429),
    },
  }),
  async (c) => {
    const b = c.req.valid("json");
    const maxTotal = limit(c.env, "MAX_CHUNKED_BYTES", 2 * 1024 ** 3);
    if (b.totalBytes > maxTotal) {
      throw new ApiError(
        413,
        "too_large",
        `The file is ${b.totalBytes} bytes; chunked uploads take up to ${maxTotal} bytes (MAX_CHUNKED_BYTES).`,
      );
    }
    const partBytes = Math.min(b.partBytes ?? Infinity, limit(c.env, "MAX_UPLOAD_BYTES", 100 * 1024 * 1024));
    const maxOpen = limit(c.env, "MAX_OPEN_UPLOADS", 20);
    const id = newId("u");
    const spec: StoredSpec = {
      mapping: b.mapping ?? {},
      sheet: b.sheet,
      csatScale: b.csatScale ?? 5,
      contentType: b.contentType ?? null,
      partBytes,
    };
    const name = b.name?.trim() || `${b.kind} ${new Date().toISOString().slice(0, 10)}`;
    // Conditional, so concurrent starts cannot pass the limit together.
    const r = await c.env.DB.prepare(
      `INSERT INTO uploads (id, workspace_id, kind, name, spec, total_bytes) SELECT ?, ?, ?, ?, ?, ?
       WHERE (SELECT COUNT(*) FROM uploads WHERE workspace_id = ? AND status = 'open') < ?`,
    )
      .bind(id, c.var.workspaceId, b.kind, name, JSON.stringify(spec), b.totalBytes, c.var.workspaceId, maxOpen)
      .run();
    if (!r.meta.changes) {
      throw new ApiError(
        429,
        "too_many_uploads",
        `This workspace has ${maxOpen} chunked uploads open (MAX_OPEN_UPLOADS); complete or delete one (DELETE .../uploads/{id}) first. Idle ones expire after UPLOAD_EXPIRY_HOURS.`,
      );
    }
    return c.json({ uploadId: id, partBytes, parts: Math.ceil(b.totalBytes / partBytes) }, 201);
  },
);

uploads.openapi(
  createRoute({
    method: "put",
    path: "/api/workspaces/{ws}/uploads/{id}/parts/{n}",
    tags: ["datasets"],
    summary: "Send one part of a chunked upload: raw bytes with a Content-Length, at most the body limit (editor)",
    description: "Sending a part number again replaces it.",
    security: [{ bearer: [] }],
    middleware: [requireRole("editor")] as const,
    request: {
      params: PartParam,
      body: { required: true, content: { "application/octet-stream": { schema: { type: "string", format: "binary" } } } },
    },
    responses: {
      200: {
        description: "Stored",
        content: { "application/json": { schema: z.object({ n: z.number().int(), bytes: z.number().int() }) } },
      },
      ...errorResponses(400, 401, 403, 404, 409, 413, 422),
    },
  }),
  async (c) => {
    const { id, n } = c.req.valid("param");
    const ws = c.var.workspaceId;
    const up = await openUpload(c.env, ws, id);
    const bodyLimit = limit(c.env, "MAX_UPLOAD_BYTES", 100 * 1024 * 1024);
    const maxBytes = Math.min(bodyLimit, (JSON.parse(up.spec) as StoredSpec).partBytes ?? bodyLimit);
    const declared = Number(c.req.header("content-length") ?? NaN);
    if (!Number.isFinite(declared)) throw new ApiError(400, "length_required", "Send each part with a Content-Length header.");
    if (declared > maxBytes)
      throw new ApiError(
        413,
        "too_large",
        `Part ${n} is ${declared} bytes; a part of this upload may have at most ${maxBytes} bytes (partBytes).`,
      );
    if (declared === 0 || !c.req.raw.body) throw new ApiError(400, "bad_request", `Part ${n} is empty.`);
    const parts = Math.ceil(up.total_bytes / maxBytes);
    if (Number(n) > parts) {
      throw new ApiError(
        422,
        "part_out_of_range",
        `Part ${n} is past the last part: ${up.total_bytes} bytes at ${maxBytes} bytes a part are ${parts} parts.`,
        [{ column: "n", message: `> ${parts}` }],
      );
    }
    const others = await c.env.DB.prepare("SELECT COALESCE(SUM(bytes), 0) AS b FROM upload_parts WHERE upload_id = ? AND n != ?")
      .bind(id, Number(n))
      .first<{ b: number }>();
    if ((others?.b ?? 0) + declared > up.total_bytes) throw overTotal(Number(n), others?.b ?? 0, declared, up.total_bytes);
    // Each PUT writes its own object; D1 then points part n at it, only while the upload is open. So bytes a
    // completed upload lists never change, and a part sent again replaces the old one whole.
    const key = newPartKey(ws, id, Number(n));
    let obj: R2Object | null;
    try {
      // Streamed to R2 (a known length), never held whole.
      obj = await c.env.FILES.put(key, c.req.raw.body);
    } catch {
      obj = null;
    }
    if (!obj) {
      await c.env.FILES.delete(key);
      throw new ApiError(400, "bad_request", `Part ${n} was cut off before it was complete; send it again.`);
    }
    const before = await c.env.DB.prepare("SELECT n, bytes, key FROM upload_parts WHERE upload_id = ? AND n = ?")
      .bind(id, Number(n))
      .first<PartRow>();
    const [stored] = await c.env.DB.batch([
      // Recorded only while the upload is open and the parts stay within totalBytes (checked again here, atomically,
      // against parts that arrived concurrently).
      c.env.DB.prepare(
        `INSERT OR REPLACE INTO upload_parts (upload_id, n, bytes, key)
         SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM uploads WHERE id = ? AND status = 'open')
           AND (SELECT COALESCE(SUM(bytes), 0) FROM upload_parts WHERE upload_id = ? AND n != ?) + ? <= ?`,
      ).bind(id, Number(n), obj.size, key, id, id, Number(n), obj.size, up.total_bytes),
      c.env.DB.prepare("UPDATE uploads SET last_part_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ? AND status = 'open'").bind(id),
    ]);
    if (!stored.meta.changes) {
      // Completed or deleted while this part arrived: it is not part of the upload.
      await c.env.FILES.delete(key);
      await openUpload(c.env, ws, id);
      throw gone(id);
    }
    if (before) await c.env.FILES.delete(storedPartKey(ws, id, before));
    return c.json({ n: Number(n), bytes: obj.size }, 200);
  },
);

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

uploads.openapi(
  createRoute({
    method: "post",
    path: "/api/workspaces/{ws}/uploads/{id}/complete",
    tags: ["datasets"],
    summary: "Finish a chunked upload and queue its parse job (editor)",
    description:
      "Answers 202 with the dataset id. Poll GET .../datasets/{datasetId}: status processing with progress {rowsDone, rowsTotal " +
      "(estimated from the bytes), errorsSoFar}, then ready (the dataset models use, when newest) or failed with `error` " +
      "(the 422 a direct upload would have answered; nothing of the file is stored). Completing is atomic: of concurrent or " +
      "repeated completes one creates the dataset; the others answer the same 202 while its job runs, else 409 upload_completed " +
      "naming the dataset.",
    security: [{ bearer: [] }],
    middleware: [requireRole("editor")] as const,
    request: { params: UploadParam },
    responses: {
      202: {
        description: "Queued",
        content: {
          "application/json": { schema: z.object({ datasetId: z.string(), status: z.literal("processing"), rowsTotal: z.number().int() }) },
        },
      },
      ...errorResponses(401, 403, 404, 409, 422, 503),
    },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const ws = c.var.workspaceId;
    const up = await findUpload(c.env, ws, id);
    if (!up || up.status === "deleting") throw gone(id);
    if (up.status !== "open") return c.json(await alreadyCompleted(c.env, ws, id), 202);
    const { results } = await c.env.DB.prepare("SELECT n, bytes, key FROM upload_parts WHERE upload_id = ? ORDER BY n")
      .bind(id)
      .all<PartRow>();
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
    const rowsTotal = await estimateRows(c.env, storedPartKey(ws, id, results[0]), up.total_bytes);
    const progress = JSON.stringify({ rowsDone: 0, rowsTotal, errorsSoFar: 0 });
    const spec = JSON.parse(up.spec) as StoredSpec;
    // One batch (a transaction, run alone): the dataset row is inserted only while the upload is still open
    // with the parts just checked, and the upload turns queued only if that row was inserted. Of concurrent
    // completes exactly one gets both changes; the others change nothing and answer below.
    const [, claimed] = await c.env.DB.batch([
      c.env.DB.prepare(
        `INSERT INTO datasets (id, workspace_id, kind, name, rows, columns, block_count, block_rows, raw_bytes, content_type, status, progress)
         SELECT ?, ?, ?, ?, 0, '[]', 0, 0, ?, ?, 'processing', ?
         WHERE EXISTS (SELECT 1 FROM uploads WHERE id = ? AND workspace_id = ? AND status = 'open')
           AND (SELECT COUNT(*) FROM upload_parts WHERE upload_id = ?) = ?
           AND (SELECT COALESCE(SUM(bytes), 0) FROM upload_parts WHERE upload_id = ?) = ?`,
      ).bind(datasetId, ws, up.kind, up.name, up.total_bytes, spec.contentType, progress, id, ws, id, results.length, id, total),
      c.env.DB.prepare(
        "UPDATE uploads SET status = 'queued', dataset_id = ? WHERE id = ? AND status = 'open' AND EXISTS (SELECT 1 FROM datasets WHERE id = ?)",
      ).bind(datasetId, id, datasetId),
    ]);
    if (!claimed.meta.changes) {
      const now = await findUpload(c.env, ws, id);
      if (!now || now.status === "deleting") throw gone(id);
      if (now.status === "open") {
        throw new ApiError(409, "upload_changed", `A part of upload ${id} was sent again while it was completing; complete it again.`);
      }
      return c.json(await alreadyCompleted(c.env, ws, id), 202);
    }
    // The row exists from now on as `processing`; models only ever read `ready` rows.
    try {
      await c.env.JOBS.send({ workspaceId: ws, uploadId: id, datasetId });
    } catch (err) {
      // No job will run: undo, so that completing again works.
      console.error("queue send failed", err);
      await c.env.DB.batch([
        c.env.DB.prepare("UPDATE uploads SET status = 'open', dataset_id = NULL WHERE id = ? AND dataset_id = ?").bind(id, datasetId),
        c.env.DB.prepare("DELETE FROM datasets WHERE id = ? AND status = 'processing'").bind(datasetId),
      ]);
      throw new ApiError(
        503,
        "queue_unavailable",
        "The parse job could not be queued; the parts are kept. Complete the upload again in a moment.",
      );
    }
    return c.json({ datasetId, status: "processing" as const, rowsTotal }, 202);
  },
);

/**
 * The answer to completing an upload that is already complete (a concurrent or repeated call): the same
 * 202 body while its job runs, else 409 upload_completed naming the dataset.
 */
async function alreadyCompleted(env: Env, ws: string, id: string): Promise<{ datasetId: string; status: "processing"; rowsTotal: number }> {
  const up = await findUpload(env, ws, id);
  if (!up || up.status === "deleting") throw gone(id);
  const d = up.dataset_id
    ? await env.DB.prepare("SELECT status, progress FROM datasets WHERE id = ? AND workspace_id = ?")
        .bind(up.dataset_id, ws)
        .first<{ status: string; progress: string | null }>()
    : null;
  if (!d || d.status !== "processing") throw completed(id, up.dataset_id);
  const rowsTotal = (JSON.parse(d.progress ?? "{}") as { rowsTotal?: number }).rowsTotal ?? 0;
  return { datasetId: up.dataset_id!, status: "processing", rowsTotal };
}

uploads.openapi(
  createRoute({
    method: "delete",
    path: "/api/workspaces/{ws}/uploads/{id}",
    tags: ["datasets"],
    summary: "Abort a chunked upload that is not complete: deletes its parts (editor)",
    description:
      "404 for an unknown (or already deleted) upload; 409 upload_completed once it was completed (its parse job owns the " +
      "parts then; delete the dataset instead). Uploads left open are removed by themselves UPLOAD_EXPIRY_HOURS after their last part.",
    security: [{ bearer: [] }],
    middleware: [requireRole("editor")] as const,
    request: { params: UploadParam },
    responses: {
      204: { description: "Deleted" },
      ...errorResponses(401, 403, 404, 409),
    },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const ws = c.var.workspaceId;
    // Conditional, so that a concurrent complete and this DELETE cannot both win.
    const r = await c.env.DB.prepare(
      "UPDATE uploads SET status = 'deleting' WHERE id = ? AND workspace_id = ? AND status IN ('open', 'deleting')",
    )
      .bind(id, ws)
      .run();
    if (!r.meta.changes) {
      const up = await findUpload(c.env, ws, id);
      if (!up) throw gone(id);
      throw completed(id, up.dataset_id);
    }
    await removeUpload(c.env, ws, id);
    return c.body(null, 204);
  },
);

export default uploads;
