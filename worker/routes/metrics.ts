import { createRoute, z } from "@hono/zod-openapi";
import { newRouter } from "../app";
import { requireRole } from "../auth";
import { computeMetrics, dayRange } from "../metrics/compute";
import { errorResponses, MetricsSchema, SurveyTypeSchema, WsParam } from "./schemas";

const metrics = newRouter();

const isoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "use YYYY-MM-DD")
  .optional();

const Benchmarks = z
  .object({
    npsSurveyType: z.literal("relationship").openapi({ description: "The survey type the NPS averages describe" }),
    note: z.string(),
    npsIndustryAverages: z.record(z.string(), z.number()),
    npsAverageCompanyBelow: z.number(),
    npsLeaders: z.tuple([z.number(), z.number()]),
    csatBands: z.array(z.object({ band: z.string(), min: z.number(), max: z.number() })),
    csatBand: z.string().nullable().openapi({ description: "Band of the overall CSAT score" }),
  })
  .openapi("Benchmarks");

metrics.openapi(
  createRoute({
    method: "get",
    path: "/api/workspaces/{ws}/metrics",
    operationId: "getMetrics",
    tags: ["metrics"],
    summary: "NPS, CSAT and CES with 95% intervals, overall and by month, quarter, touchpoint, segment or survey type",
    description:
      "NPS ci95 uses var(NPS/100) = (p + d − (p − d)²)/n with z = Φ⁻¹(0.975); CSAT is the top-two-box share in % with a " +
      "Wilson interval (scale from the upload's csatScale); CES is the mean with a Student-t interval. from/to (inclusive) " +
      "filter on the response date; undated responses are then left out. by=surveyType groups relationship and transactional " +
      "responses; surveyType= keeps only that survey type (unspecified responses count in unfiltered figures only). Groups " +
      'without a key (no date, touchpoint, segment or survey type, or an unknown account) are reported as "(none)".',
    security: [{ bearer: [] }],
    middleware: [requireRole("viewer")] as const,
    request: {
      params: WsParam,
      query: z.object({
        by: z.enum(["month", "quarter", "touchpoint", "segment", "surveyType"]).optional(),
        surveyType: SurveyTypeSchema.optional().openapi({
          description: "Only responses of this survey type (e.g. transactional NPS by touchpoint: by=touchpoint&surveyType=transactional)",
        }),
        from: isoDay,
        to: isoDay,
      }),
    },
    responses: {
      200: {
        description: "Metrics",
        content: {
          "application/json": {
            schema: z.object({
              overall: MetricsSchema,
              groups: z.array(MetricsSchema.extend({ key: z.string() })),
              benchmarks: Benchmarks,
              csatScale: z.number().int(),
              datasetId: z.string().nullable(),
            }),
          },
        },
      },
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => {
    const q = c.req.valid("query");
    return c.json(await computeMetrics(c.env, c.var.workspaceId, { by: q.by, surveyType: q.surveyType, ...dayRange(q.from, q.to) }), 200);
  },
);

export default metrics;
