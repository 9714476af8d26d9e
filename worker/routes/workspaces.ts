import { createRoute, z } from "@hono/zod-openapi";
import { newRouter } from "../app";
import { issueToken, newId, requireAdminIfConfigured, requireRole } from "../auth";
import { datasetJson, listDatasets } from "../data/datasets";
import { joinReport } from "../data/join";
import { ApiError } from "../errors";
import { DatasetSchema, errorResponses as errors, JoinSchema } from "./schemas";

const workspaces = newRouter();

workspaces.openapi(
  createRoute({
    method: "post",
    path: "/api/workspaces",
    operationId: "createWorkspace",
    // Public, unless the deployment sets ADMIN_TOKEN: then the bearer token is that admin token.
    security: [{}, { bearer: [] }] as Record<string, string[]>[],
    tags: ["workspaces"],
    summary: "Create a workspace; answers its owner token (shown once)",
    description: "Open locally; when the deployment sets ADMIN_TOKEN, send it as the bearer token.",
    request: {
      body: {
        required: true,
        content: {
          "application/json": { schema: z.object({ name: z.string().trim().min(1).max(200) }), example: { name: "Acme renewals FY26" } },
        },
      },
    },
    responses: {
      201: {
        description: "Created",
        content: {
          "application/json": { schema: z.object({ id: z.string(), name: z.string(), token: z.string() }) },
        },
      },
      ...errors(400, 401),
    },
  }),
  async (c) => {
    await requireAdminIfConfigured(c);
    const { name } = c.req.valid("json");
    const id = newId("w");
    await c.env.DB.prepare("INSERT INTO workspaces (id, name) VALUES (?, ?)").bind(id, name).run();
    const token = await issueToken(c.env, id, "owner");
    return c.json({ id, name, token }, 201);
  },
);

const WsParam = z.object({ ws: z.string().openapi({ param: { name: "ws", in: "path" }, example: "w_abc" }) });

workspaces.openapi(
  createRoute({
    method: "post",
    path: "/api/workspaces/{ws}/tokens",
    operationId: "createToken",
    tags: ["workspaces"],
    summary: "Issue another token for the workspace (owner)",
    security: [{ bearer: [] }],
    middleware: [requireRole("owner")] as const,
    request: {
      params: WsParam,
      body: {
        required: true,
        content: { "application/json": { schema: z.object({ role: z.enum(["editor", "viewer"]) }), example: { role: "viewer" } } },
      },
    },
    responses: {
      201: {
        description: "Created",
        content: {
          "application/json": { schema: z.object({ token: z.string(), role: z.enum(["editor", "viewer"]) }) },
        },
      },
      ...errors(400, 401, 403, 404),
    },
  }),
  async (c) => {
    const { role } = c.req.valid("json");
    const token = await issueToken(c.env, c.var.workspaceId, role);
    return c.json({ token, role }, 201);
  },
);

workspaces.openapi(
  createRoute({
    method: "get",
    path: "/api/workspaces/{ws}",
    operationId: "getWorkspace",
    tags: ["workspaces"],
    summary: "The workspace, its datasets (newest first) and the accounts-responses join report",
    security: [{ bearer: [] }],
    middleware: [requireRole("viewer")] as const,
    request: { params: WsParam },
    responses: {
      200: {
        description: "The workspace",
        content: {
          "application/json": {
            schema: z.object({
              id: z.string(),
              name: z.string(),
              role: z.enum(["owner", "editor", "viewer"]),
              datasets: z.array(DatasetSchema),
              join: JoinSchema,
            }),
          },
        },
      },
      ...errors(401, 403, 404),
    },
  }),
  async (c) => {
    const ws = c.var.workspaceId;
    const row = await c.env.DB.prepare("SELECT id, name FROM workspaces WHERE id = ?").bind(ws).first<{ id: string; name: string }>();
    if (!row) throw new ApiError(404, "not_found", "No such workspace.");
    const [datasets, join] = await Promise.all([listDatasets(c.env, ws), joinReport(c.env, ws)]);
    return c.json({ id: row.id, name: row.name, role: c.var.role, datasets: datasets.map(datasetJson), join }, 200);
  },
);

export default workspaces;
