import { createRoute, z } from "@hono/zod-openapi";
import { newRouter } from "../app";
import { requireRole } from "../auth";
import { listMappings } from "../data/mappings-store";
import { errorResponses } from "./schemas";

const mappings = newRouter();

const SavedMappingSchema = z
  .object({
    kind: z.enum(["accounts", "responses", "transactions"]),
    headers: z.array(z.string()).openapi({ description: "The header row of the file the mapping stored" }),
    mapping: z.record(z.string(), z.string()).openapi({ description: "canonical column → header in the file" }),
    updatedAt: z.string(),
  })
  .openapi("SavedMapping");

mappings.openapi(
  createRoute({
    method: "get",
    path: "/api/workspaces/{ws}/mappings",
    operationId: "listMappings",
    tags: ["datasets"],
    summary: "Column mappings remembered from stored uploads (per kind and header row), newest first",
    description:
      "A mapping sent with an upload that stored a file is remembered for that kind and header row (compared case-, space- and " +
      "punctuation-insensitively). The next upload of that kind with the same headers and no `mapping` parameter is read with it.",
    security: [{ bearer: [] }],
    middleware: [requireRole("viewer")] as const,
    request: {
      params: z.object({ ws: z.string().openapi({ param: { name: "ws", in: "path" } }) }),
      query: z.object({ kind: z.enum(["accounts", "responses", "transactions"]).optional() }),
    },
    responses: {
      200: {
        description: "Saved mappings",
        content: { "application/json": { schema: z.object({ mappings: z.array(SavedMappingSchema) }) } },
      },
      ...errorResponses(401, 403, 404),
    },
  }),
  async (c) => c.json({ mappings: await listMappings(c.env, c.var.workspaceId, c.req.valid("query").kind) }, 200),
);

export default mappings;
