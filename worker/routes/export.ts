import { createRoute, z } from "@hono/zod-openapi";
import { logistic, shiftValue } from "../../models/scenario";
import { newRouter } from "../app";
import { requireRole } from "../auth";
import { loadJoinedAccounts } from "../data/join";
import { ApiError, notFound } from "../errors";
import { bookFor, clipFor } from "../linking/frame";
import { clvCsvStream, runClvColumns } from "../linking/clv-run";
import { toCsv } from "../linking/csv";
import { WsParam } from "../linking/schemas";
import { getModel, getScenario } from "../linking/store";
import { errorResponses as errors } from "./schemas";

/** CSV exports: accounts with their features and predictions (and the CLV export, see clv.ts). */
const exportsRouter = newRouter();

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
    if (!q.scenario && !q.model) throw new ApiError(400, "bad_request", "Give ?scenario=<id> or ?model=<id>.", [{ column: "scenario", message: "missing" }]);
    const scenario = q.scenario ? await getScenario(c.env, ws, q.scenario) : null;
    if (q.scenario && !scenario) throw notFound("scenario");
    const model = await getModel(c.env, ws, scenario ? scenario.modelId : q.model!);
    if (!model) throw notFound("model");
    const joined = await loadJoinedAccounts(c.env, ws);
    const book = bookFor(joined, { ...model.result, outcome: model.outcome, levels: model.result.design.levels });
    const beta = (model.result.coefficients as { estimate: number }[]).map((x) => x.estimate);
    const req = scenario?.request as { change: Record<string, number>; segment?: string | null } | undefined;
    const change = Object.entries(req?.change ?? {}).filter(([, v]) => v !== 0);
    const clip = clipFor(joined.csatScale);
    // The model's predictors as features, minus those already in the fixed columns.
    const preds = model.result.predictors.filter((p) => !["account_id", "segment", "arr", model.outcome].includes(p));
    const logisticModel = model.kind === "logistic";
    const header = ["account_id", "segment", "arr", ...preds, model.outcome, logisticModel ? "p" : "predicted"];
    if (scenario) header.push(...change.map(([k]) => `${k}_scenario`), "changed", "p_scenario");
    const rows: (string | number | null)[][] = [];
    for (let i = 0; i < book.n; i++) {
      const r = book.rows[i];
      let eta = 0;
      for (let j = 0; j < book.p; j++) eta += book.X[i * book.p + j] * beta[j];
      const feats = preds.map((name) => (name in joined.numeric ? joined.numeric[name][r] : joined.text[name]?.[r] ?? null));
      const y = joined.numeric[model.outcome]?.[r];
      const row: (string | number | null)[] = [book.accountId[i], book.segment[i], book.arr[i], ...feats, Number.isFinite(y) ? y : null, logisticModel ? logistic(eta) : eta];
      if (scenario) {
        const applies = !req?.segment || book.segment[i] === req.segment;
        let eta2 = eta;
        const shifted = change.map(([k, v]) => {
          const j = book.terms.indexOf(k);
          const x = book.X[i * book.p + j];
          const [lo, hi] = clip[k] ?? [-Infinity, Infinity];
          const x2 = applies ? shiftValue(x, v, lo, hi) : x;
          eta2 += (x2 - x) * beta[j];
          return x2;
        });
        row.push(...shifted, applies ? 1 : 0, logistic(eta2));
      }
      rows.push(row);
    }
    const name = scenario ? `accounts-${scenario.id}.csv` : `accounts-${model.id}.csv`;
    return c.body(toCsv(header, rows), 200, {
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
    description: "Every customer (customersTotal rows after the header, whatever the JSON answer's `limit`), in file order, streamed.",
    security: [{ bearer: [] }],
    middleware: [requireRole("viewer")] as const,
    request: {
      params: WsParam,
      query: z.object({
        horizonMonths: z.coerce.number().int().min(1).max(600).default(12),
        annualDiscountRate: z.coerce.number().min(0).max(1).default(0.1),
        margin: z.coerce.number().min(0).max(1).default(0.3),
        observationEnd: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
      }),
    },
    responses: {
      200: { description: "CSV", content: { "text/csv": { schema: z.string() } } },
      ...errors(400, 401, 403, 404, 422),
    },
  }),
  async (c) => {
    // Fits first (errors answer as JSON), then every customer row streamed in chunks: never one giant string.
    const r = await runClvColumns(c.env, c.var.workspaceId, c.req.valid("query"));
    return c.body(clvCsvStream(r), 200, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="clv-${r.observationEnd}.csv"`,
    });
  },
);

export default exportsRouter;
