import { createRoute, z } from "@hono/zod-openapi";
import { newRouter } from "../app";
import { requireRole } from "../auth";
import { runDrivers } from "../linking/drivers";
import { errorResponses as errors, OpenInterval, SurveyChoiceSchema, WsParam } from "./schemas";

/** POST .../drivers: journey-stage prioritization (importance × revenue at stake per touchpoint). */
const drivers = newRouter();

const DriversRequest = z
  .object({
    metric: z.enum(["nps", "csat", "ces"]).optional().openapi({ description: "Default: nps if present, else csat, else ces" }),
    method: z.enum(["relative-weights", "coefficient"]).default("relative-weights"),
    outcome: z.string().min(1).max(200).default("renewed"),
    minAccounts: z.number().int().min(5).max(100000).default(30),
    surveyType: SurveyChoiceSchema.optional().openapi({
      description: "Responses used: default transactional when the responses have any (asked at a touchpoint), else all",
    }),
  })
  .openapi("DriversRequest");

const DriversSchema = z
  .object({
    metric: z.enum(["nps", "csat", "ces"]),
    surveyType: SurveyChoiceSchema.openapi({ description: "The responses used" }),
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
        coefficient: z.object({ estimate: z.number(), ci95: OpenInterval, ame: z.number(), ameStdError: z.number().nullable() }).nullable(),
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
  async (c) => c.json(await runDrivers(c.env, c.var.workspaceId, DriversRequest.parse(c.req.valid("json") ?? {})), 200),
);

export default drivers;
