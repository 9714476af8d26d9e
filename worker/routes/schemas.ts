import { z } from "@hono/zod-openapi";

/** Shared OpenAPI schemas of the core routes: path params, the error shape, datasets, join, metrics. */

/** The `{ws}` path param of every workspace route. */
export const WsParam = z.object({ ws: z.string().openapi({ param: { name: "ws", in: "path" }, example: "w_abc" }) });
/** What a dataset holds. */
export const DatasetKindSchema = z.enum(["accounts", "responses", "transactions"]);

/** A response's survey programme (docs/methods.md#survey-type). */
export const SurveyTypeSchema = z.enum(["relationship", "transactional"]);
/** The responses an account-level or touchpoint figure uses: one survey type, or all (unspecified ones included). */
export const SurveyChoiceSchema = z.enum(["relationship", "transactional", "all"]);
/** The upload option: the survey type of responses whose file does not say. */
export const SurveyTypeOption = SurveyTypeSchema.optional().openapi({
  description:
    "Responses only: the survey type (relationship or transactional) of rows whose file has no survey_type column or a blank cell " +
    "there. Without it such rows are of unspecified type: counted in overall figures and in models with surveyType all.",
});

/** A 95% interval [low, high]. */
export const Interval = z.tuple([z.number(), z.number()]);
/** A 95% interval whose bounds may be unknown (null). */
export const OpenInterval = z.tuple([z.number().nullable(), z.number().nullable()]);

/** `{ws}` and the `{id}` of a dataset, upload, model or scenario in it. */
export const WsIdParams = WsParam.extend({ id: z.string().openapi({ param: { name: "id", in: "path" } }) });

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.array(z.object({ row: z.number().int().optional(), column: z.string().optional(), message: z.string() })),
      headers: z
        .array(z.string())
        .optional()
        .openapi({ description: "The file's header row, when an upload lacks required columns (to map them)" }),
    }),
  })
  .openapi("Error");

/** `...errorResponses(401, 404)` for a createRoute's `responses`. */
export const errorResponses = (...codes: (400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 503)[]) =>
  Object.fromEntries(codes.map((c) => [c, { description: "Error", content: { "application/json": { schema: ErrorSchema } } }]));

export const DatasetSchema = z
  .object({
    id: z.string(),
    kind: DatasetKindSchema,
    name: z.string(),
    rows: z.number().int(),
    columns: z.array(
      z.object({
        name: z.string(),
        type: z.string(),
        source: z.string().nullable(),
        readAs: z
          .string()
          .optional()
          .openapi({ description: "How the header was read when not as written: a churn header is stored as renewed = 1 − churn" }),
      }),
    ),
    warnings: z.array(z.string()),
    options: z.record(z.string(), z.unknown()),
    status: z.string().optional().openapi({ description: "ready (models use it), or processing / failed for queued jobs" }),
    progress: z.object({ rowsDone: z.number().int(), rowsTotal: z.number().int(), errorsSoFar: z.number().int() }).optional().openapi({
      description:
        "Queued parse jobs (chunked uploads): rows parsed, rows expected (estimated from the bytes until done), bad cells so far",
    }),
    error: z
      .object({
        code: z.string(),
        message: z.string(),
        details: z.array(z.object({ row: z.number().int().optional(), column: z.string().optional(), message: z.string() })),
      })
      .optional()
      .openapi({ description: "status failed: why the job rejected the file (as a 422 upload would say); nothing of it is stored" }),
    createdAt: z.string(),
  })
  .openapi("Dataset");

export const JoinSchema = z
  .object({
    accounts: z.number().int(),
    responses: z.number().int(),
    matchedAccounts: z.number().int(),
    orphanResponses: z.number().int(),
    accountsWithoutResponses: z.number().int(),
  })
  .openapi("JoinReport");

export const MetricsSchema = z
  .object({
    nps: z.object({
      score: z.number().nullable(),
      promoters: z.number().int(),
      passives: z.number().int(),
      detractors: z.number().int(),
      n: z.number().int(),
      ci95: Interval.nullable(),
    }),
    csat: z.object({ score: z.number().nullable(), mean: z.number().nullable(), n: z.number().int(), ci95: Interval.nullable() }),
    ces: z.object({ mean: z.number().nullable(), n: z.number().int(), ci95: Interval.nullable() }),
  })
  .openapi("Metrics");
