import { createRoute, z } from "@hono/zod-openapi";
import { newRouter } from "../app";
import { requireRole } from "../auth";
import { abortUpload, completeUpload, putUploadPart, startUpload } from "../linking/chunked-upload";
import { DatasetKindSchema, errorResponses, SurveyTypeOption, WsIdParams, WsParam } from "./schemas";

/** Chunked uploads: the routes of worker/linking/chunked-upload.ts. */
const uploads = newRouter();

const PartParam = WsIdParams.extend({
  n: z
    .string()
    .regex(/^[1-9]\d{0,3}$/, "part numbers are 1 to 9999")
    .openapi({ param: { name: "n", in: "path" }, example: "1" }),
});

const StartBody = z
  .object({
    kind: DatasetKindSchema,
    name: z.string().max(200).optional(),
    mapping: z
      .record(z.string(), z.string())
      .optional()
      .openapi({ description: 'As the upload\'s `mapping`: {"canonical_name": "Header In File"}' }),
    sheet: z.string().max(200).optional(),
    csatScale: z.number().int().min(3).max(10).optional(),
    surveyType: SurveyTypeOption,
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

uploads.openapi(
  createRoute({
    method: "post",
    path: "/api/workspaces/{ws}/uploads",
    operationId: "startUpload",
    tags: ["datasets"],
    summary: "Start a chunked upload of a file over the body limit (editor)",
    description:
      "Then PUT each part (raw bytes, at most partBytes each, numbered from 1 in file order) to .../uploads/{id}/parts/{n} and " +
      "POST .../uploads/{id}/complete. The file is validated exactly as a direct upload.",
    security: [{ bearer: [] }],
    middleware: [requireRole("editor")] as const,
    request: {
      params: WsParam,
      body: {
        required: true,
        content: {
          "application/json": {
            schema: StartBody,
            example: { kind: "responses", name: "responses-2026.csv", contentType: "text/csv", totalBytes: 52428800 },
          },
        },
      },
    },
    responses: {
      201: { description: "Started", content: { "application/json": { schema: StartResult } } },
      ...errorResponses(400, 401, 403, 404, 413, 429),
    },
  }),
  async (c) => c.json(await startUpload(c.env, c.var.workspaceId, c.req.valid("json")), 201),
);

uploads.openapi(
  createRoute({
    method: "put",
    path: "/api/workspaces/{ws}/uploads/{id}/parts/{n}",
    operationId: "uploadPart",
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
    return c.json(await putUploadPart(c.env, c.var.workspaceId, id, Number(n), c.req.header("content-length"), c.req.raw.body), 200);
  },
);

uploads.openapi(
  createRoute({
    method: "post",
    path: "/api/workspaces/{ws}/uploads/{id}/complete",
    operationId: "completeUpload",
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
    request: { params: WsIdParams },
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
  async (c) => c.json(await completeUpload(c.env, c.var.workspaceId, c.req.valid("param").id), 202),
);

uploads.openapi(
  createRoute({
    method: "delete",
    path: "/api/workspaces/{ws}/uploads/{id}",
    operationId: "abortUpload",
    tags: ["datasets"],
    summary: "Abort a chunked upload that is not complete: deletes its parts (editor)",
    description:
      "404 for an unknown (or already deleted) upload; 409 upload_completed once it was completed (its parse job owns the " +
      "parts then; delete the dataset instead). Uploads left open are removed by themselves UPLOAD_EXPIRY_HOURS after their last part.",
    security: [{ bearer: [] }],
    middleware: [requireRole("editor")] as const,
    request: { params: WsIdParams },
    responses: {
      204: { description: "Deleted" },
      ...errorResponses(401, 403, 404, 409),
    },
  }),
  async (c) => {
    await abortUpload(c.env, c.var.workspaceId, c.req.valid("param").id);
    return c.body(null, 204);
  },
);

export default uploads;
