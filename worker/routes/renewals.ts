import { createRoute, z } from "@hono/zod-openapi";
import { newRouter } from "../app";
import { requireRole } from "../auth";
import { ApiError } from "../errors";
import { parseDate } from "../intake/cells";
import { toCsv } from "../render/csv";
import { renewalsAhead } from "../linking/renewals";
import { WsParam } from "./schemas";
import { errorResponses as errors } from "./schemas";

/** Renewals ahead: accounts renewing soon with their predicted renewal probability and ARR at risk. */
const renewals = newRouter();

const Query = z.object({
  withinDays: z.coerce.number().int().min(1).max(3660).default(90).openapi({ description: "Window length in days (30, 90, 180 …)" }),
  asOf: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "use YYYY-MM-DD")
    .optional()
    .openapi({ description: "First day of the window (default: today, UTC)" }),
});

const Row = z.object({
  accountId: z.string(),
  renewalDate: z.string(),
  daysToRenewal: z.number().int(),
  arr: z.number(),
  segment: z.string().nullable(),
  region: z.string().nullable(),
  pRenew: z.number().nullable().openapi({ description: "Predicted renewal probability (newest logistic renewal model)" }),
  arrAtRisk: z.number().nullable().openapi({ description: "ARR × (1 − pRenew), in the ARR's currency per year" }),
  nps: z.number().nullable().openapi({ description: "The account's mean NPS answer (0-10 answer points)" }),
  csat: z.number().nullable().openapi({ description: "The account's mean CSAT answer (1..scale)" }),
  responses: z.number().int(),
});

const RenewalsSchema = z
  .object({
    asOf: z.string(),
    withinDays: z.number().int(),
    model: z.object({ id: z.string(), outcome: z.string(), createdAt: z.string() }).nullable(),
    accounts: z.array(Row),
    totals: z.object({ accounts: z.number(), arr: z.number(), arrAtRisk: z.number().nullable(), withoutPrediction: z.number() }),
    warnings: z.array(z.string()),
  })
  .openapi("Renewals");

const asOfDay = (s: string | undefined): number => {
  if (s === undefined) return Math.floor(Date.now() / 86400000);
  const v = parseDate(s, "mdy");
  if (typeof v !== "number")
    throw new ApiError(400, "invalid_request", `asOf=${s} is not a real date.`, [{ column: "asOf", message: v.message }]);
  return v;
};

renewals.openapi(
  createRoute({
    method: "get",
    path: "/api/workspaces/{ws}/renewals",
    operationId: "listRenewalsAhead",
    tags: ["linking"],
    summary: "Accounts renewing within the next withinDays days, with p(renew) from the newest logistic model and ARR at risk",
    description:
      "Needs renewal_date in the accounts file. pRenew = logistic(x·β) of the newest logistic model of `renewed` (null when there is " +
      "no such model or a predictor is missing for the account); arrAtRisk = arr × (1 − pRenew). nps / csat are the account's mean answers. " +
      "Soonest first. An association model: a low p says who looks like past churners, not why.",
    security: [{ bearer: [] }],
    middleware: [requireRole("viewer")] as const,
    request: { params: WsParam, query: Query },
    responses: {
      200: { description: "Renewals ahead", content: { "application/json": { schema: RenewalsSchema } } },
      ...errors(400, 401, 403, 404, 422),
    },
  }),
  async (c) => {
    const q = c.req.valid("query");
    return c.json(await renewalsAhead(c.env, c.var.workspaceId, asOfDay(q.asOf), q.withinDays), 200);
  },
);

renewals.openapi(
  createRoute({
    method: "get",
    path: "/api/workspaces/{ws}/export/renewals.csv",
    operationId: "exportRenewalsCsv",
    tags: ["exports"],
    summary: "The renewals ahead as CSV (same query as GET .../renewals)",
    description: "Text cells starting with = + - @ are prefixed with a single quote.",
    security: [{ bearer: [] }],
    middleware: [requireRole("viewer")] as const,
    request: { params: WsParam, query: Query },
    responses: { 200: { description: "CSV", content: { "text/csv": { schema: z.string() } } }, ...errors(400, 401, 403, 404, 422) },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const r = await renewalsAhead(c.env, c.var.workspaceId, asOfDay(q.asOf), q.withinDays);
    const csv = toCsv(
      [
        "account_id",
        "renewal_date",
        "days_to_renewal",
        "arr",
        "segment",
        "region",
        "p_renew",
        "arr_at_risk",
        "mean_nps",
        "mean_csat",
        "responses",
      ],
      r.accounts.map((a) => [
        a.accountId,
        a.renewalDate,
        a.daysToRenewal,
        a.arr,
        a.segment,
        a.region,
        a.pRenew,
        a.arrAtRisk,
        a.nps,
        a.csat,
        a.responses,
      ]),
    );
    return c.body(csv, 200, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="renewals-${r.asOf}-${r.withinDays}d.csv"`,
    });
  },
);

export default renewals;
