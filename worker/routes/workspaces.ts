import { createRoute, z } from "@hono/zod-openapi";
import { newRouter } from "../app";
import { issueToken, requireAdminIfConfigured, requireRole } from "../auth";
import { createWorkspace, workspaceOverview } from "../linking/workspaces";
import { DatasetSchema, errorResponses as errors, JoinSchema, WsParam } from "./schemas";

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
    return c.json(await createWorkspace(c.env, c.req.valid("json").name), 201);
  },
);

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
  async (c) => c.json(await workspaceOverview(c.env, c.var.workspaceId, c.var.role), 200),
);

export default workspaces;
