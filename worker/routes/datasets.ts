import { createRoute, z } from "@hono/zod-openapi";
import { newRouter } from "../app";
import { requireRole } from "../auth";
import { datasetJson, getDataset, listDatasets } from "../data/datasets";
import { notFound } from "../errors";
import { parseMappingParam } from "../intake/mapping";
import { handleUpload, previewJson, surveyTypeFor } from "../intake/upload";
import { expireStaleDatasets } from "../jobs/parse-job";
import { removeDataset } from "../linking/dataset-removal";
import { DatasetKindSchema, DatasetSchema, errorResponses, SurveyTypeOption, WsIdParams, WsParam } from "./schemas";

const datasets = newRouter();

const UploadQuery = z.object({
  kind: DatasetKindSchema.openapi({ description: "What the file holds (docs/api.md#datasets)." }),
  name: z.string().max(200).optional().openapi({ description: "Dataset name; default: the file name or the kind and date." }),
  mapping: z
    .string()
    .max(10000)
    .optional()
    .openapi({
      description:
        'JSON object {"canonical_name": "Header In File"}; a header the file lacks is a 422 invalid_mapping naming it. ' +
        '"churned" names a churn column (Yes = did not renew), stored as renewed = 1 − churn; churn headers (Churned?, churn, cancelled, lost, closed lost, …) are read so without a mapping.',
      example: '{"account_id":"Customer ID","nps":"Likelihood to recommend"}',
    }),
  sheet: z.string().max(200).optional().openapi({ description: "xlsx: sheet name or 1-based number (default: the first sheet)." }),
  csatScale: z
    .string()
    .regex(/^(?:[3-9]|10)$/, "csatScale must be a whole number from 3 to 10 (usually 5 or 10)")
    .optional()
    .openapi({
      description: "Responses: top of the CSAT scale (answers 1..csatScale; positive = top two boxes). Default 5.",
      example: "5",
    }),
  surveyType: SurveyTypeOption,
  dryRun: z.enum(["true", "false"]).optional().openapi({
    description: "true: validate and answer 200 with the would-be dataset (id null) and a preview of the first 20 rows; store nothing.",
  }),
});

const UploadResult = DatasetSchema.extend({
  id: z.string().nullable(),
  preview: z.object({ headers: z.array(z.string()), rows: z.array(z.array(z.string())) }).optional(),
}).openapi("UploadResult");

const binary = { type: "string", format: "binary" } as const;

datasets.openapi(
  createRoute({
    method: "post",
    path: "/api/workspaces/{ws}/datasets",
    operationId: "uploadDataset",
    tags: ["datasets"],
    summary: "Upload a CSV or xlsx file as a dataset (editor)",
    description:
      "Body: the file itself (text/csv; xlsx by its bytes), or multipart/form-data with field `file`. CSV: `,` `;` tab or `|` " +
      "delimiters, BOM, CRLF, quoted newlines; `$12,000.00`, `1.234,56` in `;` files, `(1,200)`, `12%`, ISO / M/D/YYYY / Excel " +
      "dates; yes/no, true/false, renewed/churned. Headers are matched case-insensitively with synonyms unless `mapping` says " +
      "otherwise. A file with bad cells gets 422 invalid_file listing each with its file row (header = 1) and column; nothing is stored.",
    security: [{ bearer: [] }],
    middleware: [requireRole("editor")] as const,
    request: {
      params: WsParam,
      query: UploadQuery,
      body: {
        required: true,
        content: {
          "text/csv": {
            schema: { type: "string" },
            example: "account_id,arr,renewed,segment\nA-001,12000,yes,Enterprise\nA-002,4800,no,SMB\n",
          },
          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": { schema: binary },
          "multipart/form-data": { schema: { type: "object", properties: { file: binary }, required: ["file"] } },
        },
      },
    },
    responses: {
      201: { description: "Stored", content: { "application/json": { schema: UploadResult } } },
      200: {
        description: "dryRun=true: validated, nothing stored; with a preview",
        content: { "application/json": { schema: UploadResult } },
      },
      ...errorResponses(400, 401, 403, 404, 413, 422),
    },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const mapping = parseMappingParam(q.mapping);
    const csatScale = q.csatScale ? Number(q.csatScale) : 5;
    const surveyType = surveyTypeFor(q.kind, q.surveyType);
    const spec = { kind: q.kind, name: q.name, mapping, sheet: q.sheet, csatScale, surveyType, dryRun: q.dryRun === "true" };
    const out = await handleUpload(c, spec);
    if (!out.meta) return c.json(previewJson(spec, out.name, out.result), 200);
    return c.json(datasetJson(out.meta), 201);
  },
);

datasets.openapi(
  createRoute({
    method: "get",
    path: "/api/workspaces/{ws}/datasets",
    operationId: "listDatasets",
    tags: ["datasets"],
    summary: "List the workspace's datasets, newest first (the newest of each kind is the one models use)",
    security: [{ bearer: [] }],
    middleware: [requireRole("viewer")] as const,
    request: { params: WsParam },
    responses: {
      200: { description: "Datasets", content: { "application/json": { schema: z.object({ datasets: z.array(DatasetSchema) }) } } },
      ...errorResponses(401, 403, 404),
    },
  }),
  async (c) => {
    await expireStaleDatasets(c.env, c.var.workspaceId);
    return c.json({ datasets: (await listDatasets(c.env, c.var.workspaceId)).map(datasetJson) }, 200);
  },
);

datasets.openapi(
  createRoute({
    method: "get",
    path: "/api/workspaces/{ws}/datasets/{id}",
    operationId: "getDataset",
    tags: ["datasets"],
    summary: "One dataset's metadata",
    security: [{ bearer: [] }],
    middleware: [requireRole("viewer")] as const,
    request: { params: WsIdParams },
    responses: {
      200: { description: "The dataset", content: { "application/json": { schema: DatasetSchema } } },
      ...errorResponses(401, 403, 404),
    },
  }),
  async (c) => {
    await expireStaleDatasets(c.env, c.var.workspaceId);
    const meta = await getDataset(c.env, c.var.workspaceId, c.req.valid("param").id);
    if (!meta) throw notFound("dataset");
    return c.json(datasetJson(meta), 200);
  },
);

datasets.openapi(
  createRoute({
    method: "delete",
    path: "/api/workspaces/{ws}/datasets/{id}",
    operationId: "deleteDataset",
    tags: ["datasets"],
    summary: "Delete a dataset and its stored files (editor)",
    security: [{ bearer: [] }],
    middleware: [requireRole("editor")] as const,
    request: { params: WsIdParams },
    responses: {
      204: { description: "Deleted" },
      ...errorResponses(401, 403, 404),
    },
  }),
  async (c) => {
    const meta = await getDataset(c.env, c.var.workspaceId, c.req.valid("param").id);
    if (!meta) throw notFound("dataset");
    await removeDataset(c.env, meta);
    return c.body(null, 204);
  },
);

export default datasets;
