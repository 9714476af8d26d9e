import { createRoute, z } from "@hono/zod-openapi";
import { newRouter } from "../app";
import { d1Answers } from "../data/d1-ping";

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
  async (c) => c.json({ ok: true, d1: await d1Answers(c.env), time: new Date().toISOString() }, 200),
);

export default health;
