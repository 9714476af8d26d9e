import { createRoute, z } from "@hono/zod-openapi";
import { newRouter } from "../app";
import { newId, requireRole } from "../auth";
import { type Env, limit } from "../env";
import { ApiError } from "../errors";
import { partKey, type StoredSpec, type UploadRow } from "../jobs/uploads-store";
import { errorResponses } from "./schemas";

/**
 * Chunked uploads for files over the body limit (MAX_UPLOAD_BYTES): start, send parts of at most the
 * body limit each, complete. Completing queues a parse job (worker/jobs/parse-job.ts) and answers 202
 * with the dataset id; GET .../datasets/:id then reports status processing → ready | failed with
 * progress. A failed job stores nothing; only a ready dataset is ever used by models.
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
    mapping: z.record(z.string(), z.string()).optional().openapi({ description: 'As the upload\'s `mapping`: {"canonical_name": "Header In File"}' }),
    sheet: z.string().max(200).optional(),
    csatScale: z.number().int().min(3).max(10).optional(),
    contentType: z.string().max(200).optional().openapi({ description: "Content type of the whole file (text/csv, or the xlsx type)" }),
    totalBytes: z.number().int().positive().openapi({ description: "Size of the whole file in bytes" }),
  })
  .openapi("UploadStart");

const StartResult = z
  .object({
    uploadId: z.string(),
    partBytes: z.number().int().openapi({ description: "Largest part allowed (the body limit); any split works, parts are joined in order" }),
    parts: z.number().int().openapi({ description: "Parts needed at partBytes each" }),
  })
  .openapi("UploadStarted");

async function openUpload(env: Env, ws: string, id: string): Promise<UploadRow> {
  const up = await env.DB.prepare("SELECT * FROM uploads WHERE id = ? AND workspace_id = ?").bind(id, ws).first<UploadRow>();
  if (!up) throw new ApiError(404, "not_found", "No such upload in this workspace (it may have completed already).");
  if (up.status !== "open") throw new ApiError(409, "upload_completed", `Upload ${id} is already complete; its dataset is ${up.dataset_id}.`);
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
      ...errorResponses(400, 401, 403, 404, 413),
    },
  }),
  async (c) => {
    const b = c.req.valid("json");
    const maxTotal = limit(c.env, "MAX_CHUNKED_BYTES", 2 * 1024 ** 3);
    if (b.totalBytes > maxTotal) {
      throw new ApiError(413, "too_large", `The file is ${b.totalBytes} bytes; chunked uploads take up to ${maxTotal} bytes (MAX_CHUNKED_BYTES).`);
    }
    const partBytes = limit(c.env, "MAX_UPLOAD_BYTES", 100 * 1024 * 1024);
    const id = newId("u");
    const spec: StoredSpec = { mapping: b.mapping ?? {}, sheet: b.sheet, csatScale: b.csatScale ?? 5, contentType: b.contentType ?? null };
    const name = b.name?.trim() || `${b.kind} ${new Date().toISOString().slice(0, 10)}`;
    await c.env.DB.prepare("INSERT INTO uploads (id, workspace_id, kind, name, spec, total_bytes) VALUES (?, ?, ?, ?, ?, ?)")
      .bind(id, c.var.workspaceId, b.kind, name, JSON.stringify(spec), b.totalBytes)
      .run();
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
      200: { description: "Stored", content: { "application/json": { schema: z.object({ n: z.number().int(), bytes: z.number().int() }) } } },
      ...errorResponses(400, 401, 403, 404, 409, 413),
    },
  }),
  async (c) => {
    const { id, n } = c.req.valid("param");
    const ws = c.var.workspaceId;
    await openUpload(c.env, ws, id);
    const maxBytes = limit(c.env, "MAX_UPLOAD_BYTES", 100 * 1024 * 1024);
    const declared = Number(c.req.header("content-length") ?? NaN);
    if (!Number.isFinite(declared)) throw new ApiError(400, "length_required", "Send each part with a Content-Length header.");
    if (declared > maxBytes) throw new ApiError(413, "too_large", `Part ${n} is ${declared} bytes; a part may have at most ${maxBytes} bytes (MAX_UPLOAD_BYTES).`);
    if (declared === 0 || !c.req.raw.body) throw new ApiError(400, "bad_request", `Part ${n} is empty.`);
    let obj: R2Object | null;
    try {
      // Streamed to R2 (a known length), never held whole.
      obj = await c.env.FILES.put(partKey(ws, id, Number(n)), c.req.raw.body);
    } catch {
      obj = null;
    }
    if (!obj) throw new ApiError(400, "bad_request", `Part ${n} was cut off before it was complete; send it again.`);
    await c.env.DB.prepare("INSERT OR REPLACE INTO upload_parts (upload_id, n, bytes) VALUES (?, ?, ?)").bind(id, Number(n), obj.size).run();
    return c.json({ n: Number(n), bytes: obj.size }, 200);
  },
);

/** Rows a file of `total` bytes is expected to have, from the line length in its first 64 KB. */
async function estimateRows(env: Env, ws: string, id: string, total: number): Promise<number> {
  const head = await env.FILES.get(partKey(ws, id, 1), { range: { offset: 0, length: 65536 } });
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
      "(the 422 a direct upload would have answered; nothing of the file is stored).",
    security: [{ bearer: [] }],
    middleware: [requireRole("editor")] as const,
    request: { params: UploadParam },
    responses: {
      202: {
        description: "Queued",
        content: { "application/json": { schema: z.object({ datasetId: z.string(), status: z.literal("processing"), rowsTotal: z.number().int() }) } },
      },
      ...errorResponses(401, 403, 404, 409, 422),
    },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const ws = c.var.workspaceId;
    const up = await openUpload(c.env, ws, id);
    const { results } = await c.env.DB.prepare("SELECT n, bytes FROM upload_parts WHERE upload_id = ? ORDER BY n").bind(id).all<{ n: number; bytes: number }>();
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
    const rowsTotal = await estimateRows(c.env, ws, id, up.total_bytes);
    const progress = JSON.stringify({ rowsDone: 0, rowsTotal, errorsSoFar: 0 });
    const spec = JSON.parse(up.spec) as StoredSpec;
    // The row exists from now on as `processing`; models only ever read `ready` rows.
    await c.env.DB.batch([
      c.env.DB.prepare(
        `INSERT INTO datasets (id, workspace_id, kind, name, rows, columns, block_count, block_rows, raw_bytes, content_type, status, progress)
         VALUES (?, ?, ?, ?, 0, '[]', 0, 0, ?, ?, 'processing', ?)`,
      ).bind(datasetId, ws, up.kind, up.name, up.total_bytes, spec.contentType, progress),
      c.env.DB.prepare("UPDATE uploads SET status = 'queued', dataset_id = ? WHERE id = ? AND status = 'open'").bind(datasetId, id),
    ]);
    await c.env.JOBS.send({ workspaceId: ws, uploadId: id, datasetId });
    return c.json({ datasetId, status: "processing" as const, rowsTotal }, 202);
  },
);

export default uploads;
