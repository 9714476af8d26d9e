import { createRoute, z } from "@hono/zod-openapi";
import { coefficientEstimates, predict } from "../../models/regression/model";
import type { Band } from "../../models/scenario/levers";
import { predictRenewal, shiftPlan } from "../../models/scenario/scenario";
import { newRouter } from "../app";
import { requireRole } from "../auth";
import { type JoinedAccounts, loadJoinedAccounts } from "../data/join";
import type { Env } from "../env";
import { notFound } from "../errors";
import { isoDate } from "../intake/cells";
import { bookInBlocks, clipFor, modelBlockRows, ownColumn } from "../linking/frame";
import { runClvColumns } from "../linking/clv-run";
import { clvCsvStream } from "../render/clv-csv";
import { csvCell } from "../render/csv";
import { getModel, getScenario, modelSurveyType, type StoredModel, type StoredScenario } from "../data/models-store";
import { errorResponses as errors, WsParam } from "./schemas";

/** CSV exports: the joined accounts, or a model's accounts with their features and predictions; and the CLV export. */
const exportsRouter = newRouter();

/** Accounts per streamed chunk of the accounts export (one block of design rows at a time; fewer above MODEL_BLOCK_CELLS). */
const EXPORT_BLOCK_ROWS = 16_384;

exportsRouter.openapi(
  createRoute({
    method: "get",
    path: "/api/workspaces/{ws}/export/accounts.csv",
    operationId: "exportAccountsCsv",
    tags: ["exports"],
    summary: "The joined accounts as CSV; with `model`, its features and p_i; with `scenario`, also x'_i and p'_i",
    description:
      "Neither `model` nor `scenario`: every joined account with its columns and the mean nps / csat / ces of its responses " +
      "(renewal_date as YYYY-MM-DD). `model` (a fitted model) or `scenario` (a saved scenario): the accounts the model applies to, " +
      "with its features and prediction. Text cells starting with = + - @ are prefixed with a single quote.",
    security: [{ bearer: [] }],
    middleware: [requireRole("viewer")] as const,
    request: {
      params: WsParam,
      query: z.object({ scenario: z.string().max(100).optional(), model: z.string().max(100).optional() }),
    },
    responses: {
      200: { description: "CSV", content: { "text/csv": { schema: z.string() } } },
      ...errors(400, 401, 403, 404, 422),
    },
  }),
  async (c) => {
    const ws = c.var.workspaceId;
    const q = c.req.valid("query");
    const scenario = q.scenario ? await getScenario(c.env, ws, q.scenario) : null;
    if (q.scenario && !scenario) throw notFound("scenario");
    const modelId = scenario ? scenario.modelId : q.model;
    const model = modelId ? await getModel(c.env, ws, modelId) : null;
    if (modelId && !model) throw notFound("model");
    // A model's accounts with the survey type it was fitted on; the joined accounts alone with the default.
    const joined = await loadJoinedAccounts(c.env, ws, model ? modelSurveyType(model) : undefined);
    const csv = model ? modelAccountsCsv(c.env, joined, model, scenario) : joinedAccountsCsv(joined);
    const name = scenario ? `accounts-${scenario.id}.csv` : model ? `accounts-${model.id}.csv` : `accounts-${joined.datasets.accounts}.csv`;
    return c.body(csvStream(csv.header, csv.chunks), 200, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${name}"`,
    });
  },
);

/** A CSV as its header and its body in chunks of rows (each chunk already CRLF-terminated lines). */
interface CsvChunks {
  header: string[];
  chunks: Iterator<string>;
}

/** Streams a header and then one chunk per pull: never the whole file in memory. */
function csvStream(header: string[], chunks: Iterator<string>): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  let started = false;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(enc.encode(header.map(csvCell).join(",") + "\r\n"));
        return;
      }
      const next = chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(enc.encode(next.value));
    },
  });
}

/** Every joined account: account_id, segment, arr, the other numeric columns, then the other text columns. */
function joinedAccountsCsv(joined: JoinedAccounts): CsvChunks {
  const fixed = ["account_id", "segment", "arr"];
  const numeric = Object.keys(joined.numeric).filter((k) => !fixed.includes(k));
  const text = Object.keys(joined.text).filter((k) => !fixed.includes(k));
  const header = [...fixed, ...numeric, ...text];
  const cell = (name: string, r: number): string | number | null => {
    if (Object.hasOwn(joined.numeric, name)) {
      const v = joined.numeric[name][r];
      if (!Number.isFinite(v)) return null;
      return name === "renewal_date" ? isoDate(v) : v;
    }
    return ownColumn(joined.text, name)?.[r] ?? null;
  };
  function* chunks() {
    for (let from = 0; from < joined.n; from += EXPORT_BLOCK_ROWS) {
      let out = "";
      for (let r = from; r < Math.min(from + EXPORT_BLOCK_ROWS, joined.n); r++)
        out += header.map((h) => csvCell(cell(h, r))).join(",") + "\r\n";
      yield out;
    }
  }
  return { header, chunks: chunks() };
}

/** The accounts a model applies to, with its features and prediction (and, for a scenario, x'_i and p'_i). */
function modelAccountsCsv(env: Env, joined: JoinedAccounts, model: StoredModel, scenario: StoredScenario | null): CsvChunks {
  const fit = model.result;
  // The design a block of rows at a time, and the CSV streamed block by block: never the whole book in memory.
  const blockRows = modelBlockRows(env, joined.numeric.arr?.length ?? 0, fit.terms.length) || EXPORT_BLOCK_ROWS;
  const book = bookInBlocks(joined, { ...fit, outcome: model.outcome, levels: fit.design.levels }, {}, blockRows);
  const beta = coefficientEstimates(fit);
  const req = scenario?.request;
  // The per-account change the scenario applied: levers in business units resolved to answer points and bands.
  const applied = (
    scenario?.result as { levers?: { applied?: { change: Record<string, number>; bands: Record<string, Band[]> } } } | undefined
  )?.levers?.applied;
  const plan = scenario ? shiftPlan(book.terms, applied?.change ?? req?.change ?? {}, clipFor(joined.csatScale), applied?.bands) : null;
  // The model's predictors as features, minus those already in the fixed columns.
  const preds = fit.predictors.filter((p) => !["account_id", "segment", "arr", model.outcome].includes(p));
  const logisticModel = model.kind === "logistic";
  const header = ["account_id", "segment", "arr", ...preds, model.outcome, logisticModel ? "p" : "predicted"];
  if (plan) header.push(...plan.keys.map((k) => `${k}_scenario`), "changed", "p_scenario");
  const ids = joined.text.account_id ?? [];
  const seg = joined.text.segment ?? [];
  const blockCsv = (b: { X: Float64Array; arr: Float64Array; n: number; from: number }): string => {
    const segments = Array.from({ length: b.n }, (_, k) => seg[book.rows[b.from + k]] ?? null);
    const rowMask = req?.segment ? Uint8Array.from(segments, (s) => (s === req.segment ? 1 : 0)) : undefined;
    const predicted = predict(fit, b.X);
    const renewal = plan ? predictRenewal(beta, { X: b.X, arr: b.arr, rowMask }, plan) : null;
    const k = plan?.keys.length ?? 0;
    let out = "";
    for (let i = 0; i < b.n; i++) {
      const r = book.rows[b.from + i];
      const feats = preds.map((name): string | number | null =>
        Object.hasOwn(joined.numeric, name) ? joined.numeric[name][r] : (ownColumn(joined.text, name)?.[r] ?? null),
      );
      const y = ownColumn(joined.numeric, model.outcome)?.[r] ?? NaN;
      const row: (string | number | null)[] = [
        ids[r] ?? null,
        segments[i],
        b.arr[i],
        ...feats,
        Number.isFinite(y) ? y : null,
        predicted[i],
      ];
      if (renewal) row.push(...renewal.shifted.subarray(i * k, i * k + k), !rowMask || rowMask[i] === 1 ? 1 : 0, renewal.pScenario[i]);
      out += row.map(csvCell).join(",") + "\r\n";
    }
    return out;
  };
  function* chunks() {
    for (const b of book.blocks()) yield blockCsv(b);
  }
  return { header, chunks: chunks() };
}

exportsRouter.openapi(
  createRoute({
    method: "get",
    path: "/api/workspaces/{ws}/export/clv.csv",
    operationId: "exportClvCsv",
    tags: ["exports"],
    summary: "The customer rows of POST .../clv as CSV (same query options as that body)",
    description:
      "Every customer (customersTotal rows after the header, whatever the JSON answer's `limit`), in file order, streamed. Columns: customer_id, frequency (repeat purchase days), recency_days, T_days, monetary (mean repeat purchase value), p_alive, expected_purchases (over the horizon, undiscounted), expected_avg_value, clv (discounted, over the horizon), clv_ci95_low, clv_ci95_high (delta-method 95% interval from parameter uncertainty); money in the data's currency rounded to cents.",
    security: [{ bearer: [] }],
    middleware: [requireRole("viewer")] as const,
    request: {
      params: WsParam,
      query: z.object({
        horizonMonths: z.coerce.number().int().min(1).max(600).default(12),
        annualDiscountRate: z.coerce.number().min(0).max(1).default(0.1),
        margin: z.coerce.number().min(0).max(1).default(0.3),
        observationEnd: z
          .string()
          .regex(/^\d{4}-\d{2}-\d{2}$/)
          .optional(),
      }),
    },
    responses: {
      200: { description: "CSV", content: { "text/csv": { schema: z.string() } } },
      ...errors(400, 401, 403, 404, 422),
    },
  }),
  async (c) => {
    // Fits first (errors answer as JSON), then every customer row streamed in chunks: never one giant string.
    const r = await runClvColumns(c.env, c.var.workspaceId, c.req.valid("query"), { intervals: true });
    return c.body(clvCsvStream(r), 200, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="clv-${r.observationEnd}.csv"`,
    });
  },
);

export default exportsRouter;
