import { createRoute, z } from "@hono/zod-openapi";
import { newRouter } from "../app";
import { requireRole } from "../auth";
import { CLV_LIMIT_DEFAULT, CLV_LIMIT_MAX, runClv } from "../linking/clv-run";
import { runRetention } from "../linking/retention";
import { WarningSchema } from "../linking/schemas";
import { errorResponses as errors, WsParam } from "./schemas";

/** POST .../clv: BG/NBD + Gamma-Gamma customer lifetime value on the newest transactions dataset. */
const clv = newRouter();

export const ClvRequest = z
  .object({
    method: z.literal("bgnbd-gg").default("bgnbd-gg"),
    horizonMonths: z.number().int().min(1).max(600).default(12),
    annualDiscountRate: z.number().min(0).max(1).default(0.1),
    margin: z.number().min(0).max(1).default(0.3),
    observationEnd: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional()
      .openapi({ description: "Default: the latest date in the dataset" }),
    limit: z
      .number()
      .int()
      .min(0)
      .max(CLV_LIMIT_MAX)
      .default(CLV_LIMIT_DEFAULT)
      .openapi({
        description: `Most customers listed in \`customers\` (default ${CLV_LIMIT_DEFAULT}, max ${CLV_LIMIT_MAX}). Totals and the fits always cover all customers; GET .../export/clv.csv gives every row.`,
      }),
  })
  .openapi("ClvRequest");

const Num = z.number().nullable();
const ClvSchema = z
  .looseObject({
    method: z.literal("bgnbd-gg"),
    observationEnd: z.string(),
    bgnbd: z.looseObject({ r: z.number(), alpha: z.number(), a: z.number(), b: z.number(), logLik: z.number(), converged: z.boolean() }),
    gammaGamma: z.looseObject({ p: z.number(), q: z.number(), gamma: z.number(), logLik: z.number() }),
    customers: z
      .array(
        z.object({
          customerId: z.string(),
          frequency: z.number(),
          recency: z.number(),
          T: z.number(),
          monetary: z.number(),
          pAlive: Num,
          expectedPurchases: Num,
          expectedAvgValue: Num,
          clv: Num,
        }),
      )
      .openapi({
        description:
          "Customers in order of their first transaction row in the file. When there are more than `limit`, only the `limit` customers with the highest CLV (null last, ties to the earlier customer), still in file order; `customersTruncated` is then true.",
      }),
    customersTotal: z
      .number()
      .int()
      .openapi({ description: "All customers valued (T > 0), listed or not; equals totals.customers and the rows of export/clv.csv." }),
    customersTruncated: z.boolean().openapi({ description: "True when `customers` lists fewer than `customersTotal` (see `limit`)." }),
    totals: z
      .object({ customers: z.number(), expectedPurchases: z.number(), clv: z.number() })
      .openapi({ description: "Over all customers, whatever `limit`." }),
    repeatBuyers: z.number().int().openapi({ description: "Customers with at least one repeat purchase (frequency > 0)" }),
    warnings: z.array(WarningSchema).openapi({
      description:
        "few_repeat_buyers (under 10% or under 100), implausible_spend_parameters (p or q over 10,000, γ under 0.0001), implausible_purchase_parameters, penalised_fit (ridge), p_alive_one_time_buyers",
    }),
  })
  .openapi("Clv");

clv.openapi(
  createRoute({
    method: "post",
    path: "/api/workspaces/{ws}/clv",
    operationId: "fitClv",
    tags: ["models"],
    summary: "BG/NBD + Gamma-Gamma CLV per customer (lifetimes' conventions, time in days)",
    security: [{ bearer: [] }],
    middleware: [requireRole("viewer")] as const,
    request: {
      params: WsParam,
      body: {
        required: false,
        content: { "application/json": { schema: ClvRequest, example: { horizonMonths: 12, annualDiscountRate: 0.1, margin: 0.3 } } },
      },
    },
    responses: {
      200: {
        description: "Fits, per-customer values (up to `limit` customers) and totals over all customers",
        content: { "application/json": { schema: ClvSchema } },
      },
      ...errors(400, 401, 403, 404, 422),
    },
  }),
  async (c) => {
    const req = ClvRequest.parse(c.req.valid("json") ?? {});
    return c.json((await runClv(c.env, c.var.workspaceId, req)) as unknown as z.infer<typeof ClvSchema>, 200);
  },
);

const RetentionRequest = z
  .object({
    periodMonths: z.coerce.number().int().min(1).max(60).default(12),
    horizonYears: z.coerce.number().int().min(1).max(30).default(5),
    annualDiscountRate: z.coerce.number().min(0).max(1).default(0.1),
    splitBy: z.enum(["nps", "csat", "none"]).default("nps"),
  })
  .openapi("RetentionRequest");

const Fitted = { description: "Present when the group's fit succeeded (error null)" };
const RetentionSchema = z
  .object({
    periodMonths: z.number(),
    splitBy: z.enum(["nps", "csat", "none"]),
    accountsUsed: z.number(),
    accountsExcluded: z.number(),
    groups: z.array(
      z.object({
        group: z
          .string()
          .openapi({ description: "all, then promoter / passive / detractor (NPS) or satisfied / neutral / dissatisfied (CSAT)" }),
        accounts: z.number(),
        activeAccounts: z.number(),
        error: z.object({ code: z.string(), message: z.string() }).nullable(),
        alpha: z.number().optional().openapi(Fitted),
        beta: z.number().optional().openapi(Fitted),
        stdErrors: z.object({ alpha: z.number().nullable(), beta: z.number().nullable() }).optional().openapi(Fitted),
        logLik: z.number().optional().openapi(Fitted),
        converged: z.boolean().optional().openapi(Fitted),
        iterations: z.number().optional().openapi(Fitted),
        churned: z.number().optional().openapi(Fitted),
        churnedByPeriod: z.array(z.number()).optional().openapi(Fitted),
        activeByPeriod: z.array(z.number()).optional().openapi(Fitted),
        model: z.enum(["sbg", "geometric"]).optional().openapi(Fitted),
        warnings: z.array(z.string()).optional().openapi(Fitted),
        retention: z.array(z.number()).optional().openapi(Fitted),
        survival: z.array(z.number()).optional().openapi(Fitted),
        derlNewCustomer: z.number().nullable().optional().openapi(Fitted),
        residualValue: z.number().nullable().optional().openapi(Fitted),
      }),
    ),
    howComputed: z.record(z.string(), z.string()),
  })
  .openapi("Retention");

clv.openapi(
  createRoute({
    method: "get",
    path: "/api/workspaces/{ws}/clv/sbg",
    operationId: "fitRetention",
    tags: ["models"],
    summary: "sBG retention from the accounts' tenure and renewals, overall and per satisfaction group (contractual CLV)",
    security: [{ bearer: [] }],
    middleware: [requireRole("viewer")] as const,
    request: { params: WsParam, query: RetentionRequest },
    responses: {
      200: {
        description: "α, β, retention curve, DERL and residual value per group",
        content: { "application/json": { schema: RetentionSchema } },
      },
      ...errors(400, 401, 403, 404, 422),
    },
  }),
  async (c) => c.json(await runRetention(c.env, c.var.workspaceId, c.req.valid("query")), 200),
);

export default clv;
