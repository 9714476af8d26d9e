import { createRoute, z } from "@hono/zod-openapi";
import { DEFAULT_HOLDOUT_SEED } from "../../models/regression/holdout";
import { coefficientEstimates } from "../../models/regression/model";
import { modelWarnings } from "../../models/regression/warnings";
import { observedSpread } from "../../models/scenario/levers";
import { bookAnswers } from "../data/answer-counts";
import { newRouter } from "../app";
import { requireRole } from "../auth";
import { loadJoinedAccounts } from "../data/join";
import { limit } from "../env";
import { ApiError, notFound } from "../errors";
import { fitModelRequest } from "../linking/fit-model";
import { bookFor, clipFor, modelBlockRows } from "../linking/frame";
import { ModelSchema } from "../linking/schemas";
import { getModel, listModels, modelSurveyType, type StoredModel } from "../data/models-store";
import { errorResponses as errors, SurveyChoiceSchema, WsIdParams, WsParam } from "./schemas";

/** Models on the workspace's joined accounts (docs/api.md#models). */
const models = newRouter();

const FitRequest = z
  .object({
    kind: z.enum(["logistic", "linear"]),
    outcome: z.string().min(1).max(200).default("renewed"),
    predictors: z.array(z.string().min(1).max(200)).min(1).max(100),
    covariance: z.enum(["nonrobust", "HC3"]).optional(),
    name: z.string().max(200).optional(),
    horizonYears: z.number().int().min(1).max(30).default(3).openapi({ description: "Horizon of the translation's money (years)" }),
    annualDiscountRate: z.number().min(0).max(1).default(0),
    surveyType: SurveyChoiceSchema.optional().openapi({
      description:
        "Which responses make each account's mean nps / csat / ces: default relationship when the responses have any " +
        "(account health), else all. Unspecified responses count only in all. The answer's surveyType says what was used.",
    }),
    validationSeed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31)
      .default(DEFAULT_HOLDOUT_SEED),
  })
  .openapi("FitModelRequest");

/** The API body of a stored model. */
export function modelBody(m: StoredModel) {
  return {
    id: m.id,
    name: m.spec.name ?? null,
    ...m.result,
    // The fit's notes as sentences, and as named warnings with the outcome-direction check (models/regression/warnings.ts).
    notes: m.result.warnings,
    warnings: modelWarnings({ ...m.result, kind: m.kind, outcome: m.outcome }),
    createdAt: m.createdAt,
  };
}

models.openapi(
  createRoute({
    method: "post",
    path: "/api/workspaces/{ws}/models",
    operationId: "fitModel",
    tags: ["models"],
    summary: "Fit a linear or logistic model on the joined accounts (editor)",
    description:
      "Account columns plus the mean nps / csat / ces of each account's responses and log_arr; text columns are " +
      "categorical (`col[T.level]`, the alphabetically first level as reference). Rows missing a needed value are " +
      "excluded and counted. Adds `translation` (each CX predictor's +1 point in pp of renewal and revenue, delta-method " +
      "intervals) and `validation` (seeded 80/20 holdout: AUC and decile calibration, or holdout R²).",
    security: [{ bearer: [] }],
    middleware: [requireRole("editor")] as const,
    request: {
      params: WsParam,
      body: {
        required: true,
        content: {
          "application/json": {
            schema: FitRequest,
            example: { kind: "logistic", outcome: "renewed", predictors: ["nps", "csat", "log_arr"] },
          },
        },
      },
    },
    responses: {
      201: { description: "The fitted model", content: { "application/json": { schema: ModelSchema } } },
      ...errors(400, 401, 403, 404, 422),
    },
  }),
  async (c) => {
    const { stored, blockRows } = await fitModelRequest(c.env, c.var.workspaceId, c.req.valid("json"));
    // Says (outside the body, which is the same either way) that the design was built in blocks of this many rows.
    if (blockRows) c.header("x-model-block-rows", String(blockRows));
    return c.json(modelBody(stored), 201);
  },
);

models.openapi(
  createRoute({
    method: "get",
    path: "/api/workspaces/{ws}/models",
    operationId: "listModels",
    tags: ["models"],
    summary: "The workspace's models, newest first",
    security: [{ bearer: [] }],
    middleware: [requireRole("viewer")] as const,
    request: { params: WsParam },
    responses: {
      200: { description: "Models", content: { "application/json": { schema: z.object({ models: z.array(ModelSchema) }) } } },
      ...errors(401, 403, 404),
    },
  }),
  async (c) => c.json({ models: (await listModels(c.env, c.var.workspaceId)).map(modelBody) }, 200),
);

models.openapi(
  createRoute({
    method: "get",
    path: "/api/workspaces/{ws}/models/{id}",
    operationId: "getModel",
    tags: ["models"],
    summary: "One model",
    security: [{ bearer: [] }],
    middleware: [requireRole("viewer")] as const,
    request: { params: WsIdParams },
    responses: {
      200: { description: "The model", content: { "application/json": { schema: ModelSchema } } },
      ...errors(401, 403, 404),
    },
  }),
  async (c) => {
    const m = await getModel(c.env, c.var.workspaceId, c.req.valid("param").id);
    if (!m) throw notFound("model");
    return c.json(modelBody(m), 200);
  },
);

const AnswerCountsSchema = z.object({ nps: z.array(z.number()), csat: z.array(z.number()), csatScale: z.number() });
const SpreadSchema = z.object({ points: z.number(), best: z.string(), worst: z.string() });

const AccountsSchema = z
  .object({
    modelId: z.string(),
    kind: z.enum(["linear", "logistic"]),
    terms: z.array(z.string()),
    beta: z.array(z.number()),
    cov: z.array(z.array(z.number())),
    n: z.number().int(),
    arr: z.array(z.number()),
    X: z.array(z.number()).openapi({ description: "n x p row-major design rows" }),
    segment: z.array(z.string().nullable()),
    accountId: z.array(z.string().nullable()),
    clip: z.record(z.string(), z.tuple([z.number(), z.number()])),
    excluded: z.number().int(),
    answers: z
      .object({
        all: AnswerCountsSchema,
        bySegment: z.record(z.string(), AnswerCountsSchema),
        observedSpread: z
          .object({ nps: SpreadSchema.optional(), csat: SpreadSchema.optional() })
          .openapi({ description: "NPS score points / CSAT pp of satisfied answers between the best and the worst group" }),
      })
      .openapi({
        description:
          "Answer counts of the book's responses (nps[a] for a = 0..10, csat[a − 1] for a = 1..csatScale), all and by segment, and the largest NPS / CSAT gap between segments or quarters: what the levers in business units need",
      }),
  })
  .openapi("ModelAccounts");

models.openapi(
  createRoute({
    method: "get",
    path: "/api/workspaces/{ws}/models/{id}/accounts",
    operationId: "getModelAccounts",
    tags: ["models"],
    summary: "The model's design rows on the current accounts, for instant what-ifs in the browser (models/scenario/scenario.ts)",
    security: [{ bearer: [] }],
    middleware: [requireRole("viewer")] as const,
    request: { params: WsIdParams },
    responses: {
      200: { description: "β, Σ and the rows", content: { "application/json": { schema: AccountsSchema } } },
      ...errors(401, 403, 404, 422),
    },
  }),
  async (c) => {
    const m = await getModel(c.env, c.var.workspaceId, c.req.valid("param").id);
    if (!m) throw notFound("model");
    const joined = await loadJoinedAccounts(c.env, c.var.workspaceId, modelSurveyType(m));
    // Above MODEL_BLOCK_CELLS the design is never held whole (see POST .../models): it cannot go to a browser either.
    const accounts = joined.numeric.arr?.length ?? 0;
    const terms = m.result.terms.length;
    if (modelBlockRows(c.env, accounts, terms)) {
      throw new ApiError(
        422,
        "too_large",
        `This model's design is ${accounts.toLocaleString("en-US")} accounts × ${terms} terms, more than the in-browser what-if takes (MODEL_BLOCK_CELLS = ${limit(c.env, "MODEL_BLOCK_CELLS", 4_000_000).toLocaleString("en-US")} cells): run the scenario on the server instead (the Scenarios page, or POST .../scenarios).`,
        [{ column: "accounts", message: `${accounts} × ${terms} cells over the limit` }],
      );
    }
    const book = bookFor(joined, { ...m.result, outcome: m.outcome, levels: m.result.design.levels });
    // The answers behind the levers in business units (models/scenario/levers.ts), as POST .../scenarios counts them.
    const inBook = new Uint8Array(joined.n);
    for (const r of book.rows) inBook[r] = 1;
    const counted = await bookAnswers(c.env, c.var.workspaceId, joined, inBook, inBook);
    const bySegment = Object.fromEntries(
      Object.entries(counted.groups)
        .filter(([k]) => k.startsWith("segment "))
        .map(([k, v]) => [k.slice("segment ".length), v]),
    );
    return c.json(
      {
        modelId: m.id,
        kind: m.kind,
        terms: book.terms,
        beta: coefficientEstimates(m.result),
        cov: m.result.covariance,
        n: book.n,
        arr: Array.from(book.arr),
        X: Array.from(book.X),
        segment: book.segment,
        accountId: book.accountId,
        clip: clipFor(joined.csatScale),
        excluded: book.excluded,
        answers: { all: counted.target, bySegment, observedSpread: observedSpread(counted.groups) },
      },
      200,
    );
  },
);

export default models;
