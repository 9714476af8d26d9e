import { createRoute, z } from "@hono/zod-openapi";
import { newRouter } from "../app";
import { requireRole } from "../auth";
import { comparePeriods } from "../metrics/compare-periods";
import { computeMetrics, dayRange } from "../metrics/compute";
import { type DatasetMeta, datasetOf, latestDatasetStatement } from "../data/datasets";
import { errorResponses, MetricsSchema, SurveyTypeSchema, WsParam } from "./schemas";

const metrics = newRouter();

const isoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "use YYYY-MM-DD")
  .optional();

const Difference = z
  .object({
    current: z.number().nullable(),
    previous: z.number().nullable(),
    difference: z.number().nullable().openapi({ description: "current − previous" }),
    ci95: z.tuple([z.number(), z.number()]).nullable(),
    verdict: z.enum(["more than noise", "within noise"]).nullable(),
    statement: z.string().openapi({ description: "The difference in plain words, and whether it is more than noise" }),
  })
  .openapi("Difference");

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
      "responses; surveyType= keeps only that survey type (unspecified responses count in unfiltered figures only). " +
      "segment / region keep the responses of those accounts. compare=previous|year (with from and to) adds the difference to the " +
      "period before or a year earlier, with its 95% interval. Groups without a key (no date, touchpoint, segment, region or " +
      'survey type, or an unknown account) are reported as "(none)".',
    security: [{ bearer: [] }],
    // The newest responses dataset is looked up in one D1 batch with the token.
    middleware: [requireRole("viewer", { statement: (env, ws) => latestDatasetStatement(env, ws, "responses"), read: datasetOf })] as const,
    request: {
      params: WsParam,
      query: z.object({
        by: z.enum(["month", "quarter", "touchpoint", "segment", "region", "surveyType"]).optional(),
        surveyType: SurveyTypeSchema.optional().openapi({
          description: "Only responses of this survey type (e.g. transactional NPS by touchpoint: by=touchpoint&surveyType=transactional)",
        }),
        from: isoDay,
        to: isoDay,
        segment: z.string().max(200).optional().openapi({ description: "Only responses of accounts in this segment (accounts file)" }),
        region: z.string().max(200).optional().openapi({ description: "Only responses of accounts in this region (accounts file)" }),
        compare: z
          .enum(["previous", "year"])
          .optional()
          .openapi({
            description:
              "With from and to: compare with the period just before (previous: the same number of calendar months when from..to are whole months, else of days) or a year earlier (year). " +
              "Adds `comparison` with current − previous and its 95% interval per metric.",
          }),
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
              comparison: z
                .object({
                  current: z.object({ from: z.string(), to: z.string() }),
                  previous: z.object({ from: z.string(), to: z.string() }),
                  nps: Difference,
                  csat: Difference,
                  ces: Difference,
                })
                .optional()
                .openapi({
                  description:
                    "compare=: NPS in NPS points (normal interval from each period's variance), CSAT in percentage points " +
                    "(Newcombe's hybrid score interval), CES in answer points (Welch). Periods are independent samples.",
                }),
            }),
          },
        },
      },
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const range = dayRange(q.from, q.to);
    const filters = { segment: q.segment, region: q.region, surveyType: q.surveyType };
    const prefetched = c.var.prefetched as DatasetMeta | null;
    const { partial, ...result } = await computeMetrics(c.env, c.var.workspaceId, { by: q.by, ...range, ...filters }, prefetched);
    if (!q.compare) return c.json(result, 200);
    return c.json({ ...result, comparison: await comparePeriods(c.env, c.var.workspaceId, range, q.compare, filters, partial!) }, 200);
  },
);

export default metrics;
