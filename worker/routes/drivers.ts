import { createRoute, z } from "@hono/zod-openapi";
import { newRouter } from "../app";
import { requireRole } from "../auth";
import { loadJoinedAccounts, loadResponses } from "../data/join";
import { ApiError } from "../errors";
import { computeDrivers } from "../linking/drivers";
import { WsParam } from "../linking/schemas";
import { errorResponses as errors } from "./schemas";

/** POST .../drivers: journey-stage prioritization (importance × revenue at stake per touchpoint). */
const drivers = newRouter();

/** Each touchpoint costs two arrays the size of the book: keep their number bounded. */
const MAX_TOUCHPOINTS = 50;

const DriversRequest = z
  .object({
    metric: z.enum(["nps", "csat", "ces"]).optional().openapi({ description: "Default: nps if present, else csat, else ces" }),
    method: z.enum(["relative-weights", "coefficient"]).default("relative-weights"),
    outcome: z.string().min(1).max(200).default("renewed"),
    minAccounts: z.number().int().min(5).max(100000).default(30),
  })
  .openapi("DriversRequest");

const Interval = z.tuple([z.number().nullable(), z.number().nullable()]);
const DriversSchema = z
  .object({
    metric: z.enum(["nps", "csat", "ces"]),
    outcome: z.string(),
    method: z.enum(["relative-weights", "coefficient"]),
    completeCases: z.number().nullable(),
    touchpoints: z.array(
      z.object({
        touchpoint: z.string(),
        responses: z.number(),
        accounts: z.number(),
        meanScore: z.number(),
        gap: z.number(),
        importance: z.number().nullable(),
        importanceShare: z.number().nullable(),
        coefficient: z.object({ estimate: z.number(), ci95: Interval, ame: z.number(), ameStdError: z.number().nullable() }).nullable(),
        revenue: z.number(),
        atRiskAccounts: z.number(),
        arrAtRisk: z.number(),
        priority: z.number().nullable(),
        rank: z.number().nullable(),
        note: z.string().optional(),
      }),
    ),
    totals: z.object({ accounts: z.number(), arr: z.number(), responsesUsed: z.number() }),
    howComputed: z.record(z.string(), z.string()),
    warnings: z.array(z.string()),
  })
  .openapi("Drivers");

drivers.openapi(
  createRoute({
    method: "post",
    path: "/api/workspaces/{ws}/drivers",
    operationId: "rankDrivers",
    tags: ["models"],
    summary: "Key drivers by touchpoint: satisfaction, importance for renewal, ARR at risk, priority rank",
    description: "Each number's computation is stated in `howComputed`.",
    security: [{ bearer: [] }],
    middleware: [requireRole("viewer")] as const,
    request: {
      params: WsParam,
      body: {
        required: false,
        content: { "application/json": { schema: DriversRequest, example: { metric: "nps", method: "relative-weights" } } },
      },
    },
    responses: {
      200: { description: "Touchpoints ranked by priority", content: { "application/json": { schema: DriversSchema } } },
      ...errors(400, 401, 403, 404, 422),
    },
  }),
  async (c) => {
    const req = DriversRequest.parse(c.req.valid("json") ?? {});
    const ws = c.var.workspaceId;
    const [joined, resp] = await Promise.all([loadJoinedAccounts(c.env, ws), loadResponses(c.env, ws)]);
    if (!resp)
      throw new ApiError(422, "no_responses", "This workspace has no responses dataset: upload survey responses with a touchpoint column.");
    const has = (m: "nps" | "csat" | "ces") => resp[m].some((v) => Number.isFinite(v));
    const metric = req.metric ?? (has("nps") ? "nps" : has("csat") ? "csat" : "ces");
    if (!has(metric))
      throw new ApiError(422, "no_variance", `The responses hold no ${metric} scores.`, [{ column: metric, message: "no scores" }]);
    if (!resp.touchpoint.some((t) => t !== null)) {
      throw new ApiError(422, "no_touchpoints", "The responses have no touchpoint column: add one (journey stage) to rank touchpoints.", [
        { column: "touchpoint", message: "missing" },
      ]);
    }
    const distinct = new Set(resp.touchpoint.filter((t) => t !== null)).size;
    if (distinct > MAX_TOUCHPOINTS) {
      throw new ApiError(
        422,
        "too_many_levels",
        `The responses have ${distinct} distinct touchpoints (at most ${MAX_TOUCHPOINTS}): map them to journey stages first.`,
        [{ column: "touchpoint", message: `${distinct} distinct values` }],
      );
    }
    return c.json(computeDrivers(joined, resp, { metric, method: req.method, outcome: req.outcome, minAccounts: req.minAccounts }), 200);
  },
);

export default drivers;
