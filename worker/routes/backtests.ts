import { createRoute, z } from "@hono/zod-openapi";
import { BACKTEST_DEFAULT_DRAWS, BACKTEST_DEFAULT_SEED } from "../../models/regression/backtest";
import { newRouter } from "../app";
import { requireRole } from "../auth";
import type { StoredBacktest } from "../data/backtests-store";
import { backtestOrNewest, backtestOverview, runBacktest } from "../linking/backtest-run";
import { type BacktestBody, backtestCsv } from "../render/backtest-csv";
import { errorResponses as errors, Interval, WsIdParams, WsParam } from "./schemas";

/** Back-tests: would a model fitted on earlier renewals have called the later ones (docs/api.md#back-tests)? */
const backtests = newRouter();

const MAX_SPLITS = 8;
const IsoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .openapi({ example: "2025-01-01" });

const BacktestRequest = z
  .object({
    kind: z.literal("logistic"),
    outcome: z.string().min(1).max(200).default("renewed"),
    predictors: z.array(z.string().min(1).max(200)).min(1).max(100),
    splits: z
      .array(IsoDay)
      .min(1)
      .max(MAX_SPLITS)
      .openapi({ description: "Split dates, increasing: each split's later window runs to the next split, the last one to `end`" }),
    end: IsoDay.optional().openapi({ description: "End (exclusive) of the last split's window; default the day after the last renewal" }),
    draws: z.number().int().min(0).max(100_000).default(BACKTEST_DEFAULT_DRAWS),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31)
      .default(BACKTEST_DEFAULT_SEED),
  })
  .openapi("BacktestRequest");

/** A validated back-test request. */
export type BacktestRequestBody = z.infer<typeof BacktestRequest>;

const Ci = Interval.nullable().openapi({ description: "95% interval (β draws and Bernoulli outcomes)" });
const Group = {
  testAccounts: z.number().int().openapi({ description: "Later accounts scored (renewing in the window, with every predictor)" }),
  predictedRenewals: z.number().nullable(),
  predictedRenewalsCi95: Ci,
  actualRenewals: z.number(),
  predictedArr: z.number().nullable().openapi({ description: "Σ p̂ × ARR: predicted renewed ARR in the window, undiscounted" }),
  predictedArrCi95: Ci,
  actualArr: z.number().openapi({ description: "ARR of the later accounts that renewed, undiscounted" }),
  baselineArr: z.number().nullable().openapi({ description: "baselineRate × the later accounts' ARR" }),
};
const Warning = z.object({ code: z.string(), message: z.string() });
const Window = z.object({ from: z.string(), to: z.string().openapi({ description: "exclusive" }) });

export const BacktestSplitSchema = z
  .object({
    split: z.string(),
    trainWindow: z.object({ from: z.string().nullable(), to: z.string() }),
    testWindow: Window,
    baselineWindow: Window,
    trainAccounts: z.number().int(),
    ...Group,
    noEarlierResponse: z.object({ train: z.number().int(), test: z.number().int() }),
    excluded: z.object({ train: z.number().int(), test: z.number().int() }),
    predictedRate: z.number().nullable(),
    actualRate: z.number().nullable(),
    baselineRate: z.number().nullable().openapi({ description: "Share of accounts renewing in baselineWindow that renewed" }),
    baselineAccounts: z.number().int(),
    baselineRenewals: z.number().nullable(),
    errors: z.object({
      modelArr: z.number().nullable(),
      modelArrPct: z.number().nullable(),
      baselineArr: z.number().nullable(),
      baselineArrPct: z.number().nullable(),
    }),
    auc: z.number().nullable(),
    calibration: z
      .array(
        z.object({
          bin: z.number(),
          n: z.number(),
          minPredicted: z.number(),
          maxPredicted: z.number(),
          meanPredicted: z.number(),
          observedRate: z.number(),
        }),
      )
      .nullable(),
    coefficients: z.array(z.object({ term: z.string(), estimate: z.number(), stdError: z.number().nullable() })).nullable(),
    segments: z.array(z.object({ segment: z.string(), ...Group })),
    warnings: z.array(Warning),
  })
  .openapi("BacktestSplit");

export const BacktestSchema = z
  .looseObject({
    id: z.string(),
    createdAt: z.string(),
    kind: z.literal("logistic"),
    outcome: z.string(),
    predictors: z.array(z.string()),
    draws: z.number().int(),
    seed: z.number().int(),
    splits: z.array(BacktestSplitSchema),
    featureRule: z.string(),
    undatedResponses: z.number().int(),
    money: z.string(),
  })
  .openapi("Backtest");

const body = (b: StoredBacktest) =>
  ({ id: b.id, createdAt: b.createdAt, ...b.result }) as unknown as BacktestBody & z.infer<typeof BacktestSchema>;

backtests.openapi(
  createRoute({
    method: "post",
    path: "/api/workspaces/{ws}/backtests",
    operationId: "runBacktest",
    tags: ["back-tests"],
    summary: "Back-test a logistic renewal model on later renewals (editor)",
    description:
      "For each split date: fit on the accounts whose renewal fell before it (time-honest CX features), predict the accounts " +
      "renewing from the split to the next split (the last: to `end`), and compare predicted vs actual renewals and renewed ARR " +
      "(undiscounted, in the window) with a 95% interval from seeded β draws and Bernoulli outcomes, AUC and decile calibration, " +
      "and the naive baseline (last period's renewal rate × the later accounts' ARR). Stored; association, not causation.",
    security: [{ bearer: [] }],
    middleware: [requireRole("editor")] as const,
    request: { params: WsParam, body: { required: true, content: { "application/json": { schema: BacktestRequest } } } },
    responses: {
      201: { description: "The back-test", content: { "application/json": { schema: BacktestSchema } } },
      ...errors(400, 401, 403, 404, 422),
    },
  }),
  async (c) => c.json(body(await runBacktest(c.env, c.var.workspaceId, c.req.valid("json"))), 201),
);

backtests.openapi(
  createRoute({
    method: "get",
    path: "/api/workspaces/{ws}/backtests",
    operationId: "listBacktests",
    tags: ["back-tests"],
    summary: "The workspace's back-tests, newest first, and suggested split dates",
    description:
      "`suggestedSplits`: quarter starts (else month starts) with at least 40% of the dated renewals before them and 10% after, " +
      "at most three, the latest ones; empty when the accounts have no renewal dates.",
    security: [{ bearer: [] }],
    middleware: [requireRole("viewer")] as const,
    request: { params: WsParam },
    responses: {
      200: {
        description: "Back-tests",
        content: {
          "application/json": {
            schema: z.object({
              backtests: z.array(BacktestSchema),
              suggestedSplits: z.array(z.string()),
              renewalDates: z.object({ count: z.number().int(), first: z.string().nullable(), last: z.string().nullable() }),
            }),
          },
        },
      },
      ...errors(401, 403, 404),
    },
  }),
  async (c) => {
    const o = await backtestOverview(c.env, c.var.workspaceId);
    return c.json({ ...o, backtests: o.backtests.map(body) }, 200);
  },
);

backtests.openapi(
  createRoute({
    method: "get",
    path: "/api/workspaces/{ws}/backtests/{id}",
    operationId: "getBacktest",
    tags: ["back-tests"],
    summary: "One back-test",
    security: [{ bearer: [] }],
    middleware: [requireRole("viewer")] as const,
    request: { params: WsIdParams },
    responses: {
      200: { description: "The back-test", content: { "application/json": { schema: BacktestSchema } } },
      ...errors(401, 403, 404),
    },
  }),
  async (c) => {
    return c.json(body(await backtestOrNewest(c.env, c.var.workspaceId, c.req.valid("param").id)), 200);
  },
);

backtests.openapi(
  createRoute({
    method: "get",
    path: "/api/workspaces/{ws}/export/backtests.csv",
    operationId: "exportBacktestsCsv",
    tags: ["exports"],
    summary: "A back-test as CSV: one row per split and group (all accounts, then each segment)",
    description:
      "`backtest` (id; default the newest). Money columns are renewed ARR in the split's window, undiscounted; *_lo / *_hi the 95% interval. " +
      "Text cells starting with = + - @ are prefixed with a single quote.",
    security: [{ bearer: [] }],
    middleware: [requireRole("viewer")] as const,
    request: { params: WsParam, query: z.object({ backtest: z.string().max(100).optional() }) },
    responses: {
      200: { description: "CSV", content: { "text/csv": { schema: z.string() } } },
      ...errors(401, 403, 404),
    },
  }),
  async (c) => {
    const b = await backtestOrNewest(c.env, c.var.workspaceId, c.req.valid("query").backtest);
    return c.body(backtestCsv(body(b)), 200, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="backtest-${b.id}.csv"`,
    });
  },
);

export default backtests;
