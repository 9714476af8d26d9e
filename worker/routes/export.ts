import { createRoute, z } from "@hono/zod-openapi";
import { logistic, shiftValue } from "../../models/scenario/scenario";
import { newRouter } from "../app";
import { requireRole } from "../auth";
import { loadJoinedAccounts } from "../data/join";
import { ApiError, notFound } from "../errors";
import { bookInBlocks, clipFor, modelBlockRows } from "../linking/frame";
import { clvCsvStream, runClvColumns } from "../linking/clv-run";
import { csvCell } from "../linking/csv";
import { WsParam } from "../linking/schemas";
import { getModel, getScenario } from "../linking/store";
import { errorResponses as errors } from "./schemas";

/** CSV exports: accounts with their features and predictions (and the CLV export, see clv.ts). */
const exportsRouter = newRouter();

/** Accounts per streamed chunk of the accounts export (one block of design rows at a time; fewer above MODEL_BLOCK_CELLS). */
const EXPORT_BLOCK_ROWS = 16_384;

exportsRouter.openapi(
  createRoute({
    method: "get",
    path: "/api/workspaces/{ws}/export/accounts.csv",
    tags: ["exports"],
    summary: "Accounts with the model's features, p_i and (for a scenario) x'_i and p'_i, as CSV",
    description: "Give `scenario` (a saved scenario) or `model`. Text cells starting with = + - @ are prefixed with a single quote.",
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
    if (!q.scenario && !q.model)
      throw new ApiError(400, "bad_request", "Give ?scenario=<id> or ?model=<id>.", [{ column: "scenario", message: "missing" }]);
    const scenario = q.scenario ? await getScenario(c.env, ws, q.scenario) : null;
    if (q.scenario && !scenario) throw notFound("scenario");
    const model = await getModel(c.env, ws, scenario ? scenario.modelId : q.model!);
    if (!model) throw notFound("model");
    const joined = await loadJoinedAccounts(c.env, ws);
    // The design a block of rows at a time, and the CSV streamed block by block: never the whole book in memory.
    const terms = (model.result.terms as string[] | undefined)?.length ?? 1;
    const blockRows = modelBlockRows(c.env, joined.numeric.arr?.length ?? 0, terms) || EXPORT_BLOCK_ROWS;
    const book = bookInBlocks(joined, { ...model.result, outcome: model.outcome, levels: model.result.design.levels }, {}, blockRows);
    const beta = (model.result.coefficients as { estimate: number }[]).map((x) => x.estimate);
    const req = scenario?.request as { change: Record<string, number>; segment?: string | null } | undefined;
    const change = Object.entries(req?.change ?? {}).filter(([, v]) => v !== 0);
    const changeCols = change.map(([k]) => book.terms.indexOf(k));
    const clip = clipFor(joined.csatScale);
    // The model's predictors as features, minus those already in the fixed columns.
    const preds = model.result.predictors.filter((p) => !["account_id", "segment", "arr", model.outcome].includes(p));
    const logisticModel = model.kind === "logistic";
    const header = ["account_id", "segment", "arr", ...preds, model.outcome, logisticModel ? "p" : "predicted"];
    if (scenario) header.push(...change.map(([k]) => `${k}_scenario`), "changed", "p_scenario");
    const ids = joined.text.account_id ?? [];
    const seg = joined.text.segment ?? [];
    const { p } = book;
    const blockCsv = (b: { X: Float64Array; arr: Float64Array; n: number; from: number }): string => {
      let out = "";
      for (let k = 0; k < b.n; k++) {
        const r = book.rows[b.from + k];
        const segment = seg[r] ?? null;
        let eta = 0;
        for (let j = 0; j < p; j++) eta += b.X[k * p + j] * beta[j];
        const feats = preds.map((name) => (name in joined.numeric ? joined.numeric[name][r] : (joined.text[name]?.[r] ?? null)));
        const y = joined.numeric[model.outcome]?.[r];
        const row: (string | number | null)[] = [
          ids[r] ?? null,
          segment,
          b.arr[k],
          ...feats,
          Number.isFinite(y) ? y : null,
          logisticModel ? logistic(eta) : eta,
        ];
        if (scenario) {
          const applies = !req?.segment || segment === req.segment;
          let eta2 = eta;
          const shifted = change.map(([key, v], c) => {
            const j = changeCols[c];
            const x = b.X[k * p + j];
            const [lo, hi] = clip[key] ?? [-Infinity, Infinity];
            const x2 = applies ? shiftValue(x, v, lo, hi) : x;
            eta2 += (x2 - x) * beta[j];
            return x2;
          });
          row.push(...shifted, applies ? 1 : 0, logistic(eta2));
        }
        out += row.map(csvCell).join(",") + "\r\n";
      }
      return out;
    };
    const enc = new TextEncoder();
    const blocks = book.blocks()[Symbol.iterator]();
    let started = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (!started) {
          started = true;
          controller.enqueue(enc.encode(header.map(csvCell).join(",") + "\r\n"));
          return;
        }
        const next = blocks.next();
        if (next.done) controller.close();
        else controller.enqueue(enc.encode(blockCsv(next.value)));
      },
    });
    const name = scenario ? `accounts-${scenario.id}.csv` : `accounts-${model.id}.csv`;
    return c.body(body, 200, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${name}"`,
    });
  },
);

exportsRouter.openapi(
  createRoute({
    method: "get",
    path: "/api/workspaces/{ws}/export/clv.csv",
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
