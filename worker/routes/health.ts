import { createRoute, z } from "@hono/zod-openapi";
import { newRouter } from "../app";

const health = newRouter();

health.openapi(
  createRoute({
    method: "get",
    path: "/api/health",
    operationId: "getHealth",
    security: [],
    tags: ["meta"],
    summary: "Liveness and storage check",
    responses: {
      200: {
        description: "The worker is up and D1 answers",
        content: { "application/json": { schema: z.object({ ok: z.boolean(), d1: z.boolean(), time: z.string() }) } },
      },
    },
  }),
  async (c) => {
    let d1 = false;
    try {
      d1 = (await c.env.DB.prepare("SELECT 1 AS one").first<{ one: number }>())?.one === 1;
    } catch {
      d1 = false;
    }
    return c.json({ ok: true, d1, time: new Date().toISOString() }, 200);
  },
);

export default health;
