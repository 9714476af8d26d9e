import { createRoute, z } from "@hono/zod-openapi";
import { combineProgram } from "../../models/scenario/program";
import { DEFAULT_SEED } from "../../models/scenario/scenario";
import { newRouter } from "../app";
import { requireRole } from "../auth";
import { ApiError, notFound } from "../errors";
import { runScenarioRequest } from "../linking/scenario-run";
import { SavedScenarioSchema, ScenarioSchema } from "../linking/schemas";
import { getScenario, insertScenario, listScenarios, type StoredScenario } from "../data/models-store";
import { errorResponses as errors, WsIdParams, WsParam } from "./schemas";

/** What-if scenarios on a fitted renewal model (docs/api.md#scenarios), saved and combined into programmes. */
const scenarios = newRouter();

/** How each lever becomes per-account predictor changes (models/scenario/levers.ts; README "Levers"). */
const LEVER_RULE =
  "Levers, at most one kind per metric. `nps` / `csat` / `ces`: answer points added to every answer and to each account's mean " +
  "answer (capped to the scale: NPS 0-10, CSAT 1..scale, CES 1-7). `npsScore`: NPS score points (−100..100); the worker finds " +
  "the uniform per-answer shift s at which the NPS of the changed accounts' responses equals before + npsScore (a fractional s moves " +
  "every answer by ⌊s⌋ and a share s − ⌊s⌋ one point further), then applies `nps: s`. `csatPp`: percentage points of satisfied " +
  "(top-two-box) answers, solved the same way on CSAT answers. `detractorsToPassives` f / `passivesToPromoters` g (shares 0-1): " +
  "a share f of detractor answers (0-6) become 7, a share g of passive answers (7-8) become 9; an account with mean answer x < 7 " +
  "moves to x + f·(7 − x), one with 7 ≤ x < 9 to x + g·(9 − x). Deterministic: no randomness.";

const ScenarioRequest = z
  .object({
    name: z.string().trim().min(1).max(200).default("Scenario"),
    modelId: z.string().min(1).max(100),
    change: z
      .record(z.string().min(1).max(200), z.number().min(-200).max(200))
      .openapi({ example: { npsScore: 10 }, description: LEVER_RULE }),
    horizonYears: z.number().int().min(1).max(30).default(3),
    annualDiscountRate: z.number().min(0).max(1).default(0),
    grossMargin: z.number().min(0).max(1).default(1),
    investment: z.number().min(0).max(1e15).default(0),
    draws: z.number().int().min(0).default(1000),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .default(DEFAULT_SEED),
    segment: z.string().max(200).nullable().optional().openapi({ description: "Apply the change to this segment's accounts only" }),
    save: z.boolean().default(false).openapi({ description: "Store the scenario (editor); false = an unsaved what-if (viewer)" }),
  })
  .openapi("ScenarioRequest");

/** A scenario as the API answers it; scenarios saved before levers in business units get empty scores and warnings. */
const scenarioBody = (s: StoredScenario) => ({
  id: s.id,
  ...s.result,
  scores: s.result.scores ?? {},
  warnings: s.result.warnings ?? [],
  createdAt: s.createdAt,
});

scenarios.openapi(
  createRoute({
    method: "post",
    path: "/api/workspaces/{ws}/scenarios",
    operationId: "createScenario",
    tags: ["scenarios"],
    summary: "Run a what-if on a logistic renewal model; save:true stores it (editor), otherwise viewers may run it",
    description:
      "p_i = logistic(x_i·β), x'_i = x_i + change (clipped to the scale). revenueGain = Σ_i Σ_t arr_i (p'_i^(t−1) − p_i^(t−1)) / (1+d)^(t−1); " +
      "marginGain = grossMargin · revenueGain; roi = (marginGain − investment) / investment; npv = marginGain − investment; " +
      "ci95 from `draws` seeded draws of β ~ N(β̂, Σ̂). " +
      LEVER_RULE +
      " `scores` gives NPS (score points) and CSAT (% satisfied) before → after; `levers.shift` the equivalent per-answer shift and `levers.meanAnswerChange` the mean change of an answer after capping; " +
      "`warnings` flags a change larger than any difference seen between segments or quarters (`nps_beyond_observed`, `csat_beyond_observed`).",
    security: [{ bearer: [] }],
    middleware: [requireRole("viewer")] as const,
    request: {
      params: WsParam,
      body: {
        required: true,
        content: {
          "application/json": {
            schema: ScenarioRequest,
            example: {
              name: "NPS +5",
              modelId: "m_abc",
              change: { nps: 5 },
              horizonYears: 3,
              grossMargin: 0.8,
              investment: 250000,
              save: true,
            },
          },
        },
      },
    },
    responses: {
      200: { description: "An unsaved what-if (id null)", content: { "application/json": { schema: ScenarioSchema } } },
      201: { description: "The saved scenario", content: { "application/json": { schema: SavedScenarioSchema } } },
      ...errors(400, 401, 403, 404, 422),
    },
  }),
  async (c) => {
    const req = c.req.valid("json");
    if (req.save && c.var.role === "viewer") {
      throw new ApiError(403, "forbidden", "Saving a scenario needs the editor role; send save:false for an unsaved what-if.");
    }
    const run = await runScenarioRequest(c.env, c.var.workspaceId, req);
    if (!req.save) return c.json({ id: null, ...run.body, scores: run.body.scores ?? {}, warnings: run.body.warnings ?? [] }, 200);
    const stored = await insertScenario(c.env, c.var.workspaceId, {
      modelId: run.model.id,
      name: req.name,
      request: req,
      result: run.body,
    });
    return c.json(scenarioBody(stored), 201);
  },
);

scenarios.openapi(
  createRoute({
    method: "get",
    path: "/api/workspaces/{ws}/scenarios",
    operationId: "listScenarios",
    tags: ["scenarios"],
    summary: "Saved scenarios, newest first (side by side: same fields as each scenario)",
    security: [{ bearer: [] }],
    middleware: [requireRole("viewer")] as const,
    request: { params: WsParam },
    responses: {
      200: { description: "Scenarios", content: { "application/json": { schema: z.object({ scenarios: z.array(SavedScenarioSchema) }) } } },
      ...errors(401, 403, 404),
    },
  }),
  async (c) => c.json({ scenarios: (await listScenarios(c.env, c.var.workspaceId)).map(scenarioBody) }, 200),
);

scenarios.openapi(
  createRoute({
    method: "get",
    path: "/api/workspaces/{ws}/scenarios/{id}",
    operationId: "getScenario",
    tags: ["scenarios"],
    summary: "One saved scenario",
    security: [{ bearer: [] }],
    middleware: [requireRole("viewer")] as const,
    request: { params: WsIdParams },
    responses: {
      200: { description: "The scenario", content: { "application/json": { schema: SavedScenarioSchema } } },
      ...errors(401, 403, 404),
    },
  }),
  async (c) => {
    const s = await getScenario(c.env, c.var.workspaceId, c.req.valid("param").id);
    if (!s) throw notFound("scenario");
    return c.json(scenarioBody(s), 200);
  },
);

const ProgramRequest = z
  .object({
    scenarioIds: z.array(z.string().min(1).max(100)).min(1).max(50),
    overlap: z.number().min(0).max(1).default(0),
  })
  .openapi("ProgramRequest");

const Interval = z.tuple([z.number(), z.number()]);
const ProgramSchema = z
  .object({
    initiatives: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        gain: z.number(),
        investment: z.number(),
        gainCi95: Interval.nullable(),
        roi: z.number().nullable(),
        npv: z.number(),
      }),
    ),
    programme: z.object({
      gain: z.number(),
      investment: z.number(),
      roi: z.number().nullable(),
      npv: z.number(),
      overlap: z.number(),
      gainCi95: Interval.nullable(),
      roiCi95: Interval.nullable(),
    }),
    method: z.string(),
  })
  .openapi("Program");

scenarios.openapi(
  createRoute({
    method: "post",
    path: "/api/workspaces/{ws}/programs",
    operationId: "combineScenarios",
    tags: ["scenarios"],
    summary: "Combine saved scenarios into an integrated programme (overlap as in /api/calc/program)",
    security: [{ bearer: [] }],
    middleware: [requireRole("viewer")] as const,
    request: {
      params: WsParam,
      body: {
        required: true,
        content: { "application/json": { schema: ProgramRequest, example: { scenarioIds: ["s_abc", "s_def"], overlap: 0.2 } } },
      },
    },
    responses: {
      200: { description: "Each initiative's ROI and the programme's", content: { "application/json": { schema: ProgramSchema } } },
      ...errors(400, 401, 403, 404),
    },
  }),
  async (c) => {
    const { scenarioIds, overlap } = c.req.valid("json");
    const found = await Promise.all(scenarioIds.map((id) => getScenario(c.env, c.var.workspaceId, id)));
    const initiatives = found.map((s, k) => {
      if (!s)
        throw new ApiError(404, "not_found", `No such scenario in this workspace: ${scenarioIds[k]}.`, [
          { column: `scenarioIds.${k}`, message: "not found" },
        ]);
      const r = s.result;
      return { id: s.id, name: s.name, gain: r.marginGain, investment: r.request.investment, gainCi95: r.ci95?.marginGain ?? null };
    });
    return c.json(combineProgram(initiatives, overlap), 200);
  },
);

export default scenarios;
