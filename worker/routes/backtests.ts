import { createRoute, z } from "@hono/zod-openapi";
import { BACKTEST_DEFAULT_DRAWS, BACKTEST_DEFAULT_SEED, backtest, dayOf, isoDay } from "../../models/regression/backtest";
import { newRouter } from "../app";
import { requireRole } from "../auth";
import { getBacktest, insertBacktest, listBacktests, type StoredBacktest } from "../data/backtests-store";
import { latestDataset, readColumns } from "../data/datasets";
import { loadJoinedAccounts } from "../data/join";
import { loadTimeHonestFeatures } from "../data/time-honest";
import { limit } from "../env";
import { ApiError, notFound } from "../errors";
import { accountFrame } from "../linking/frame";
import { WsIdParams, WsParam } from "../linking/schemas";
import { type BacktestBody, backtestCsv } from "../render/backtest-csv";
import { errorResponses as errors } from "./schemas";

/** Back-tests: would a model fitted on earlier renewals have called the later ones (docs/api.md#back-tests)? */
const backtests = newRouter();

const MAX_SPLITS = 8;
const MAX_LEVELS = 100;
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

const Ci = z.tuple([z.number(), z.number()]).nullable().openapi({ description: "95% interval (β draws and Bernoulli outcomes)" });
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

/** The rule, said once in every answer. */
const FEATURE_RULE =
  "Time-honest features: an account's NPS, CSAT and CES means (and response count) use only its responses dated before " +
  "its renewal date, or before the split date for accounts renewing after the split; later and undated responses are never used. " +
  "Other account columns are used as uploaded.";

backtests.openapi(
  createRoute({
    method: "post",
    path: "/api/workspaces/{ws}/backtests",
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
  async (c) => {
    const req = c.req.valid("json");
    const ws = c.var.workspaceId;
    const splits = req.splits.map(dayOf);
    splits.forEach((d, k) => {
      if (!Number.isFinite(d))
        throw new ApiError(400, "bad_request", `splits[${k}] = ${req.splits[k]} is not a real date.`, [
          { column: "splits", message: req.splits[k] },
        ]);
      if (k > 0 && !(d > splits[k - 1]))
        throw new ApiError(400, "bad_request", "Split dates must be strictly increasing.", [{ column: "splits", message: req.splits[k] }]);
    });
    const end = req.end === undefined ? undefined : dayOf(req.end);
    if (end !== undefined && !(end > splits[splits.length - 1]))
      throw new ApiError(400, "bad_request", `end (${req.end}) must be a real date after the last split.`, [
        { column: "end", message: String(req.end) },
      ]);
    const maxPredictors = limit(c.env, "MAX_PREDICTORS", 30);
    if (req.predictors.length > maxPredictors)
      throw new ApiError(422, "too_many_predictors", `At most ${maxPredictors} predictors per model (got ${req.predictors.length}).`, [
        { column: "predictors", message: `${req.predictors.length} > ${maxPredictors}` },
      ]);
    if (new Set(req.predictors).size !== req.predictors.length)
      throw new ApiError(400, "duplicate_predictors", "Each predictor may appear once.", [{ column: "predictors", message: "duplicates" }]);
    const maxDraws = limit(c.env, "MAX_DRAWS", 10_000);
    if (req.draws > maxDraws)
      throw new ApiError(422, "too_many_draws", `At most ${maxDraws} draws (got ${req.draws}).`, [
        { column: "draws", message: String(req.draws) },
      ]);

    const joined = await loadJoinedAccounts(c.env, ws);
    const data = accountFrame(joined);
    for (const name of [req.outcome, ...req.predictors]) {
      if (!(name in data))
        throw new ApiError(
          422,
          "unknown_column",
          `No column "${name}" in the joined accounts. Available: ${Object.keys(data).sort().join(", ")}.`,
          [{ column: name, message: "not a column of the joined accounts" }],
        );
      const col = joined.text[name];
      const levels = col ? new Set(col.filter((v) => v !== null && v !== "")).size : 0;
      if (levels > MAX_LEVELS)
        throw new ApiError(
          422,
          "too_many_levels",
          `${name} is a text column with ${levels} distinct values (at most ${MAX_LEVELS} levels for a categorical predictor). Use a grouping column instead.`,
          [{ column: name, message: `${levels} levels > ${MAX_LEVELS}` }],
        );
    }
    const renewalDate = joined.numeric.renewal_date;
    if (!renewalDate.some((d) => Number.isFinite(d)))
      throw new ApiError(
        422,
        "no_renewal_dates",
        "The accounts dataset has no renewal dates: a back-test needs each account's renewal_date to tell earlier renewals from later ones. Upload accounts with a renewal_date column.",
        [{ column: "renewal_date", message: "missing or empty" }],
      );
    const ids = joined.text.account_id ?? [];
    const { features } = await loadTimeHonestFeatures(c.env, ws, ids, renewalDate, splits);
    const result = backtest({
      kind: "logistic",
      outcome: req.outcome,
      predictors: req.predictors,
      data,
      renewalDate,
      arr: joined.numeric.arr,
      segment: joined.text.segment,
      splits,
      end,
      features,
      draws: req.draws,
      seed: req.seed,
    });
    const stored = await insertBacktest(c.env, ws, {
      request: req,
      result: {
        ...result,
        featureRule: FEATURE_RULE,
        undatedResponses: features[0]?.undated ?? 0,
        money: "Renewed ARR of the accounts renewing in each split's window, in the accounts file's currency, undiscounted.",
        datasets: joined.datasets,
      },
      datasets: joined.datasets,
    });
    return c.json(body(stored), 201);
  },
);

backtests.openapi(
  createRoute({
    method: "get",
    path: "/api/workspaces/{ws}/backtests",
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
    const ws = c.var.workspaceId;
    const meta = await latestDataset(c.env, ws, "accounts");
    const days = meta
      ? Array.from((await readColumns(c.env, meta, ["renewal_date"])).numeric.renewal_date ?? []).filter(Number.isFinite)
      : [];
    days.sort((a, b) => a - b);
    return c.json(
      {
        backtests: (await listBacktests(c.env, ws)).map(body),
        suggestedSplits: suggestSplits(days),
        renewalDates: {
          count: days.length,
          first: days.length ? isoDay(days[0]) : null,
          last: days.length ? isoDay(days[days.length - 1]) : null,
        },
      },
      200,
    );
  },
);

backtests.openapi(
  createRoute({
    method: "get",
    path: "/api/workspaces/{ws}/backtests/{id}",
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
    const b = await getBacktest(c.env, c.var.workspaceId, c.req.valid("param").id);
    if (!b) throw notFound("backtest");
    return c.json(body(b), 200);
  },
);

backtests.openapi(
  createRoute({
    method: "get",
    path: "/api/workspaces/{ws}/export/backtests.csv",
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
    const ws = c.var.workspaceId;
    const id = c.req.valid("query").backtest;
    const b = id ? await getBacktest(c.env, ws, id) : ((await listBacktests(c.env, ws))[0] ?? null);
    if (!b) throw notFound("backtest");
    return c.body(backtestCsv(body(b)), 200, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="backtest-${b.id}.csv"`,
    });
  },
);

/**
 * Split dates to offer: quarter starts (else month starts) with ≥ 40% of the dated renewals before and ≥ 10% after,
 * the last three. `days` sorted.
 */
export function suggestSplits(days: number[]): string[] {
  if (days.length < 2) return [];
  const lo = days[Math.floor(days.length * 0.4)];
  const hi = days[Math.min(days.length - 1, Math.floor(days.length * 0.9))];
  for (const months of [3, 1]) {
    const out: string[] = [];
    const d = new Date(lo * 86_400_000);
    let y = d.getUTCFullYear();
    let m = Math.floor(d.getUTCMonth() / months) * months;
    for (;;) {
      const day = Date.UTC(y, m, 1) / 86_400_000;
      if (day > hi) break;
      if (day > lo) out.push(isoDay(day));
      m += months;
      if (m >= 12) {
        m -= 12;
        y++;
      }
    }
    if (out.length) return out.slice(-3);
  }
  return [];
}

export default backtests;
