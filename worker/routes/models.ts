import { createRoute, z } from "@hono/zod-openapi";
import { DEFAULT_HOLDOUT_SEED, validateHoldout } from "../../models/regression/holdout";
import { fitRegression } from "../../models/regression/fit";
import { fitRegressionBlocks } from "../../models/regression/fit-blocks";
import { translateEffects } from "../../models/regression/translation";
import { newRouter } from "../app";
import { requireRole } from "../auth";
import { loadJoinedAccounts } from "../data/join";
import { limit } from "../env";
import { ApiError, notFound } from "../errors";
import { accountFrame, bookBlocks, bookFor, clipFor, modelBlockRows } from "../linking/frame";
import { ModelSchema, WsIdParams, WsParam } from "../linking/schemas";
import { getModel, insertModel, listModels, type StoredModel } from "../linking/store";
import { errorResponses as errors } from "./schemas";

/** Models on the workspace's joined accounts (docs/api.md#models). */
const models = newRouter();

/** Most levels a categorical predictor may have, and most terms a model may have. */
const MAX_LEVELS = 100;
const MAX_TERMS = 200;

const FitRequest = z
  .object({
    kind: z.enum(["logistic", "linear"]),
    outcome: z.string().min(1).max(200).default("renewed"),
    predictors: z.array(z.string().min(1).max(200)).min(1).max(100),
    covariance: z.enum(["nonrobust", "HC3"]).optional(),
    name: z.string().max(200).optional(),
    horizonYears: z.number().int().min(1).max(30).default(3).openapi({ description: "Horizon of the translation's money (years)" }),
    annualDiscountRate: z.number().min(0).max(1).default(0),
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
  return { id: m.id, name: (m.spec.name as string | undefined) ?? null, ...m.result, createdAt: m.createdAt } as unknown as z.infer<
    typeof ModelSchema
  >;
}

models.openapi(
  createRoute({
    method: "post",
    path: "/api/workspaces/{ws}/models",
    tags: ["models"],
    summary: "Fit a linear or logistic model on the joined accounts (editor)",
    description:
      "Account columns plus the mean nps / csat / ces of each account's responses and log_arr; text columns are " +
      "categorical (`col[T.level]`, the alphabetically first level as reference). Rows missing a needed value are " +
      "excluded and counted. Adds `translation` (each CX predictor's +1 point in pp of renewal and revenue, delta-method " +
      "intervals) and `validation` (seeded 80/20 holdout: AUC and decile calibration, or holdout R²).",
    security: [{ bearer: [] }],
    middleware: [requireRole("editor")] as const,
    request: { params: WsParam, body: { required: true, content: { "application/json": { schema: FitRequest } } } },
    responses: {
      201: { description: "The fitted model", content: { "application/json": { schema: ModelSchema } } },
      ...errors(400, 401, 403, 404, 422),
    },
  }),
  async (c) => {
    const req = c.req.valid("json");
    const maxPredictors = limit(c.env, "MAX_PREDICTORS", 30);
    if (req.predictors.length > maxPredictors) {
      throw new ApiError(422, "too_many_predictors", `At most ${maxPredictors} predictors per model (got ${req.predictors.length}).`, [
        { column: "predictors", message: `${req.predictors.length} > ${maxPredictors}` },
      ]);
    }
    if (new Set(req.predictors).size !== req.predictors.length) {
      throw new ApiError(400, "duplicate_predictors", "Each predictor may appear once.", [{ column: "predictors", message: "duplicates" }]);
    }
    const ws = c.var.workspaceId;
    const joined = await loadJoinedAccounts(c.env, ws);
    const data = accountFrame(joined);
    for (const name of [req.outcome, ...req.predictors]) {
      if (!(name in data)) {
        throw new ApiError(
          422,
          "unknown_column",
          `No column "${name}" in the joined accounts. Available: ${Object.keys(data).sort().join(", ")}.`,
          [{ column: name, message: "not a column of the joined accounts" }],
        );
      }
    }
    // A text predictor becomes one dummy per level: an id-like column would make a design of n × n.
    let terms = 1;
    for (const name of req.predictors) {
      const col = joined.text[name];
      if (!col) {
        terms++;
        continue;
      }
      const levels = new Set(col.filter((v) => v !== null && v !== "")).size;
      if (levels > MAX_LEVELS) {
        throw new ApiError(
          422,
          "too_many_levels",
          `${name} is a text column with ${levels} distinct values: as a categorical predictor it would need ${levels - 1} dummy terms (at most ${MAX_LEVELS} levels). Use a grouping column instead.`,
          [{ column: name, message: `${levels} levels > ${MAX_LEVELS}` }],
        );
      }
      terms += Math.max(levels - 1, 0);
    }
    if (terms > MAX_TERMS) {
      throw new ApiError(
        422,
        "too_many_terms",
        `The model would have ${terms} terms (at most ${MAX_TERMS}): drop a categorical predictor.`,
        [{ column: "predictors", message: `${terms} terms` }],
      );
    }
    const input = { kind: req.kind, data, outcome: req.outcome, predictors: req.predictors, covariance: req.covariance };
    // A design over MODEL_BLOCK_CELLS cells (accounts × terms) is never held whole: the fit, the translation and
    // the holdout build it a block of rows at a time, with the same result to rounding.
    const blockRows = modelBlockRows(c.env, joined.numeric.arr?.length ?? 0, terms);
    const fit = blockRows ? fitRegressionBlocks(input, blockRows) : fitRegression(input);
    const recipe = { ...fit, levels: fit.design.levels };
    const rows = blockRows
      ? { blocks: bookBlocks(joined, recipe, { requireOutcome: true }, blockRows) }
      : (({ X, arr }) => ({ X, arr }))(bookFor(joined, recipe, { requireOutcome: true }));
    const translation = translateEffects({
      kind: fit.kind,
      outcome: fit.outcome,
      terms: fit.terms,
      beta: fit.coefficients.map((x) => x.estimate),
      cov: fit.covariance,
      ...rows,
      horizonYears: req.horizonYears,
      annualDiscountRate: req.annualDiscountRate,
      clip: clipFor(joined.csatScale),
    });
    const validation = validateHoldout({ ...input, levels: fit.design.levels }, req.validationSeed, blockRows ? { blockRows } : {});
    const stored = await insertModel(c.env, ws, {
      kind: fit.kind,
      outcome: fit.outcome,
      spec: req,
      result: { ...fit, translation, validation, data: { datasets: joined.datasets, join: joined.report, csatScale: joined.csatScale } },
      datasets: joined.datasets,
    });
    // Says (outside the body, which is the same either way) that the design was built in blocks of this many rows.
    if (blockRows) c.header("x-model-block-rows", String(blockRows));
    return c.json(modelBody(stored), 201);
  },
);

models.openapi(
  createRoute({
    method: "get",
    path: "/api/workspaces/{ws}/models",
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
  })
  .openapi("ModelAccounts");

models.openapi(
  createRoute({
    method: "get",
    path: "/api/workspaces/{ws}/models/{id}/accounts",
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
    const joined = await loadJoinedAccounts(c.env, c.var.workspaceId);
    // Above MODEL_BLOCK_CELLS the design is never held whole (see POST .../models): it cannot go to a browser either.
    const accounts = joined.numeric.arr?.length ?? 0;
    const terms = (m.result.terms as string[] | undefined)?.length ?? 1;
    if (modelBlockRows(c.env, accounts, terms)) {
      throw new ApiError(
        422,
        "too_large",
        `This model's design is ${accounts.toLocaleString("en-US")} accounts × ${terms} terms, more than the in-browser what-if takes (MODEL_BLOCK_CELLS = ${limit(c.env, "MODEL_BLOCK_CELLS", 4_000_000).toLocaleString("en-US")} cells): run the scenario on the server instead (the Scenarios page, or POST .../scenarios).`,
        [{ column: "accounts", message: `${accounts} × ${terms} cells over the limit` }],
      );
    }
    const book = bookFor(joined, { ...m.result, outcome: m.outcome, levels: m.result.design.levels });
    const coefficients = m.result.coefficients as { estimate: number }[];
    return c.json(
      {
        modelId: m.id,
        kind: m.kind,
        terms: book.terms,
        beta: coefficients.map((x) => x.estimate),
        cov: m.result.covariance as number[][],
        n: book.n,
        arr: Array.from(book.arr),
        X: Array.from(book.X),
        segment: book.segment,
        accountId: book.accountId,
        clip: clipFor(joined.csatScale),
        excluded: book.excluded,
      },
      200,
    );
  },
);

export default models;
