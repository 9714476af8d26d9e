import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { newRouter, type AppEnv } from "../app";
import { requireRole } from "../auth";
import { ApiError } from "../errors";
import { toCsv } from "../render/csv";
import { WsParam } from "./schemas";
import drivers from "./drivers";
import scenarios from "./scenarios";
import segments from "./segments";
import { errorResponses as errors } from "./schemas";

/**
 * CSV exports of what the drivers, segments and scenarios screens show. Each asks the JSON route itself (same
 * token, same query), so the numbers are the ones on screen: one implementation of each computation.
 */
const exportTables = newRouter();

type Json = Record<string, unknown>;

/** Calls a sibling JSON route with the request's own token; its error answers as it would. */
async function viaRoute(c: Context<AppEnv>, app: { request: typeof drivers.request }, path: string, init: RequestInit = {}): Promise<Json> {
  const headers = new Headers(init.headers);
  headers.set("authorization", c.req.header("authorization") ?? "");
  const res = await app.request(path, { ...init, headers }, c.env);
  const body = (await res.json()) as Json & { error?: { code: string; message: string; details: [] } };
  if (!res.ok)
    throw new ApiError(res.status as 400, body.error?.code ?? "error", body.error?.message ?? "failed", body.error?.details ?? []);
  return body;
}

const csvResponse = (c: Context<AppEnv>, name: string, csv: string) =>
  c.body(csv, 200, { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${name}"` });

const route = (operationId: string, path: string, summary: string, query: z.ZodObject = z.object({})) =>
  createRoute({
    method: "get",
    operationId,
    path: `/api/workspaces/{ws}/export/${path}`,
    tags: ["exports"],
    summary,
    description: "Text cells starting with = + - @ are prefixed with a single quote.",
    security: [{ bearer: [] }],
    middleware: [requireRole("viewer")] as const,
    request: { params: WsParam, query },
    responses: { 200: { description: "CSV", content: { "text/csv": { schema: z.string() } } }, ...errors(400, 401, 403, 404, 422) },
  });

exportTables.openapi(
  route(
    "exportDriversCsv",
    "drivers.csv",
    "Key drivers by touchpoint as CSV (as POST .../drivers with its defaults, or metric=)",
    z.object({ metric: z.enum(["nps", "csat", "ces"]).optional() }),
  ),
  async (c) => {
    const metric = c.req.query("metric");
    const ws = c.var.workspaceId;
    const r = await viaRoute(c, drivers, `/api/workspaces/${ws}/drivers`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(metric ? { metric } : {}),
    });
    const tps = r.touchpoints as Json[];
    const ci = (t: Json, k: 0 | 1) => ((t.coefficient as { ci95: (number | null)[] } | null)?.ci95?.[k] ?? null) as number | null;
    const csv = toCsv(
      [
        "rank",
        "touchpoint",
        "metric",
        "mean_score",
        "gap",
        "importance",
        "importance_share",
        "coefficient",
        "coefficient_ci95_low",
        "coefficient_ci95_high",
        "responses",
        "accounts",
        "revenue",
        "at_risk_accounts",
        "arr_at_risk",
        "priority",
        "note",
      ],
      tps.map((t) => [
        t.rank as number | null,
        t.touchpoint as string,
        r.metric as string,
        t.meanScore as number,
        t.gap as number,
        t.importance as number | null,
        t.importanceShare as number | null,
        ((t.coefficient as { estimate: number } | null)?.estimate ?? null) as number | null,
        ci(t, 0),
        ci(t, 1),
        t.responses as number,
        t.accounts as number,
        t.revenue as number,
        t.atRiskAccounts as number,
        t.arrAtRisk as number,
        t.priority as number | null,
        (t.note as string | undefined) ?? null,
      ]),
    );
    return csvResponse(c, `drivers-${r.metric}.csv`, csv);
  },
);

exportTables.openapi(
  route(
    "exportSegmentsCsv",
    "segments.csv",
    "Value segments (satisfaction group × value tier) as CSV; the query of GET .../segments",
    z.object({
      value: z.string().optional(),
      tiers: z.string().optional(),
      by: z.string().optional(),
      horizonYears: z.string().optional(),
      annualDiscountRate: z.string().optional(),
      grossMargin: z.string().optional(),
      clvSource: z.string().optional(),
    }),
  ),
  async (c) => {
    const ws = c.var.workspaceId;
    const qs = new URL(c.req.url).search;
    const r = await viaRoute(c, segments, `/api/workspaces/${ws}/segments${qs}`);
    const cells = r.cells as Json[];
    const csv = toCsv(
      ["satisfaction_group", "value_tier", "accounts", "revenue", "revenue_share", "renewal_rate", "renewal_n", "mean_clv", "by", "value"],
      cells.map((x) => [
        x.group as string,
        x.tier as number,
        x.accounts as number,
        x.revenue as number,
        x.revenueShare as number,
        x.renewalRate as number | null,
        x.renewalN as number,
        x.meanClv as number | null,
        r.by as string,
        r.value as string,
      ]),
    );
    return csvResponse(c, `segments-${r.by}-${r.value}.csv`, csv);
  },
);

exportTables.openapi(
  route(
    "exportScenariosCsv",
    "scenarios.csv",
    "Saved scenarios side by side as CSV (name, note, change, revenue and margin gain, ROI, NPV, intervals)",
  ),
  async (c) => {
    const ws = c.var.workspaceId;
    const r = await viaRoute(c, scenarios, `/api/workspaces/${ws}/scenarios`);
    const list = r.scenarios as Json[];
    const num = (x: unknown) => (typeof x === "number" ? x : null);
    const csv = toCsv(
      [
        "id",
        "name",
        "note",
        "change",
        "segment",
        "horizon_years",
        "investment",
        "revenue_gain",
        "revenue_gain_ci95_low",
        "revenue_gain_ci95_high",
        "margin_gain",
        "roi",
        "roi_ci95_low",
        "roi_ci95_high",
        "npv",
        "payback_years",
        "model_id",
        "created_at",
      ],
      list.map((s) => {
        const req = (s.request ?? {}) as Json;
        const ci = (s.ci95 ?? null) as { revenueGain?: [number, number]; roi?: [number, number] | null } | null;
        const change = Object.entries((req.change ?? s.change ?? {}) as Record<string, number>)
          .map(([k, v]) => `${k} ${v > 0 ? "+" : ""}${v}`)
          .join("; ");
        return [
          s.id as string,
          s.name as string,
          (s.note as string | null) ?? null,
          change || null,
          ((req.segment ?? s.segment ?? null) as string | null) ?? null,
          num(req.horizonYears ?? s.horizonYears),
          num(req.investment ?? s.investment),
          num(s.revenueGain),
          num(ci?.revenueGain?.[0]),
          num(ci?.revenueGain?.[1]),
          num(s.marginGain),
          num(s.roi),
          num(ci?.roi?.[0]),
          num(ci?.roi?.[1]),
          num(s.npv),
          num(s.paybackYears),
          s.modelId as string,
          s.createdAt as string,
        ];
      }),
    );
    return csvResponse(c, "scenarios.csv", csv);
  },
);

export default exportTables;
