import { createRoute, z } from "@hono/zod-openapi";
import { newRouter } from "../app";
import { requireRole } from "../auth";
import { CLV_LIMIT_DEFAULT, CLV_LIMIT_MAX, runClv } from "../linking/clv-run";
import { runRetention } from "../linking/retention";
import { WarningSchema } from "../linking/schemas";
import { errorResponses as errors, SurveyChoiceSchema, WsParam } from "./schemas";

/** POST .../clv: BG/NBD + Gamma-Gamma customer lifetime value on the newest transactions dataset. */
const clv = newRouter();

export const ClvRequest = z
  .object({
    method: z.enum(["bgnbd-gg", "pareto-nbd-gg"]).default("bgnbd-gg").openapi({
      description:
        "Purchase model for the values: BG/NBD (default) or Pareto/NBD (at most 50,000 customers), each with Gamma-Gamma spend. The other model is fitted too and shown in `comparison`.",
    }),
    horizonMonths: z.number().int().min(1).max(600).default(12).openapi({
      description:
        "Months forecast (1–600). The forecast's work grows with distinct purchase histories × months; past one request's budget (CLV_MAX_SERIES_TERMS in models/clv/transactions-clv.ts, about 4 s of CPU) it answers 422 horizon_too_long naming the longest horizon the dataset allows.",
    }),
    annualDiscountRate: z.number().min(0).max(1).default(0.1),
    margin: z.number().min(0).max(1).default(0.3),
    observationEnd: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional()
      .openapi({
        description:
          "Last day of the data used (inclusive); the calibration end when `holdoutEnd` is given. Default: the latest date in the dataset",
      }),
    holdoutEnd: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional()
      .openapi({
        description:
          "Holdout test: the model is fitted up to `observationEnd` (required, before this date) and its predictions for (observationEnd, holdoutEnd] are compared with what the same customers did (`holdout`).",
      }),
    bySatisfaction: z.enum(["nps", "csat"]).optional().openapi({
      description:
        "Also fit BG/NBD + Gamma-Gamma per satisfaction group of the customers' responses (customer_id = the responses' account_id; the mean of each customer's answers): NPS promoters / passives / detractors, or CSAT satisfied (top two boxes) / not. Answers `groups`, `test` and `gap`.",
    }),
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
const Ci95 = z
  .tuple([z.number(), z.number()])
  .nullable()
  .openapi({ description: "95% interval [low, high], same unit as the value; null when the fits' covariance is not available" });
const Holdout = z
  .object({
    calibrationEnd: z.string(),
    holdoutEnd: z.string(),
    holdoutDays: z.number().openapi({ description: "Length of the holdout period, days" }),
    newInHoldout: z.number().int().openapi({ description: "Customers first seen in the holdout period (not in the test)" }),
    byFrequency: z
      .array(
        z.object({
          frequency: z.number().int().openapi({ description: "Calibration frequency (repeat purchase days); 7 stands for 7 or more" }),
          label: z.string().openapi({ description: '"0" … "6", "7+"' }),
          customers: z.number().int(),
          predicted: z.number().openapi({ description: "Mean predicted repeat purchases per customer in the holdout period" }),
          actual: z.number().openapi({ description: "Mean actual repeat purchase days per customer in the holdout period" }),
        }),
      )
      .openapi({ description: "Fader, Hardie & Lee (2005) fig. 3: conditional expectations by calibration frequency" }),
    weekly: z.array(z.object({ week: z.number().int(), predicted: z.number(), actual: z.number() })).openapi({
      description:
        "Cumulative repeat transactions of the calibration customers at the end of each week (7 days from the first purchase day), predicted from the fit (new-customer expectation per cohort) and actual; FHL 2005 fig. 4",
    }),
    calibrationWeeks: z.number().int().openapi({ description: "Weeks 1..calibrationWeeks end on or before the calibration end" }),
    summary: z.object({
      predictedTotal: z.number().openapi({ description: "Predicted repeat purchases in the holdout, all calibration customers" }),
      actualTotal: z.number(),
      totalPercentError: Num.openapi({ description: "(predicted − actual) / actual of the holdout total, %" }),
      byFrequencyMae: z.number().openapi({ description: "Mean absolute error of the by-frequency means, purchases per customer" }),
      weeklyMape: Num.openapi({ description: "Mean absolute percentage error of the cumulative curve over the holdout weeks, %" }),
    }),
  })
  .nullable()
  .openapi("ClvHoldout", { description: "The holdout test when `holdoutEnd` was given, else null" });
const ClvSchema = z
  .looseObject({
    method: z.enum(["bgnbd-gg", "pareto-nbd-gg"]),
    observationEnd: z.string(),
    horizonMonths: z.number().int().openapi({ description: "Months forecast, as asked" }),
    bgnbd: z.looseObject({ r: z.number(), alpha: z.number(), a: z.number(), b: z.number(), logLik: z.number(), converged: z.boolean() }),
    paretoNbd: z
      .looseObject({ r: z.number(), alpha: z.number(), s: z.number(), beta: z.number(), logLik: z.number() })
      .nullable()
      .openapi({ description: 'The Pareto/NBD fit (α, β in days) when method is "pareto-nbd-gg", else null' }),
    gammaGamma: z.looseObject({ p: z.number(), q: z.number(), gamma: z.number(), logLik: z.number() }),
    comparison: z
      .array(
        z.object({
          model: z.enum(["bgnbd", "pareto-nbd"]),
          parameters: z.record(z.string(), z.number()),
          logLik: z.number(),
          aic: z.number().openapi({ description: "2·4 − 2·logLik (lower is better)" }),
          holdout: z
            .object({
              predictedTotal: z.number(),
              actualTotal: z.number(),
              totalPercentError: Num,
              byFrequencyMae: z.number(),
              weeklyMape: Num,
            })
            .nullable()
            .openapi({ description: "The model's holdout errors (when holdoutEnd was given)" }),
          used: z.boolean().openapi({ description: "The model the CLV values come from" }),
        }),
      )
      .openapi({
        description:
          "BG/NBD and Pareto/NBD fitted on the same customers (time in days), side by side; the Pareto/NBD is left out above 50,000 customers (warning pareto_nbd_skipped)",
      }),
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
          clvCi95: Ci95,
        }),
      )
      .openapi({
        description:
          "Customers in order of their first transaction row in the file. When there are more than `limit`, only the `limit` customers with the highest CLV (null last, ties to the earlier customer), still in file order; `customersTruncated` is then true.",
      }),
    customersTotal: z.number().int().openapi({
      description:
        "All customers valued (including those first seen on the observation end), listed or not; equals totals.customers and the rows of export/clv.csv.",
    }),
    customersTruncated: z.boolean().openapi({ description: "True when `customers` lists fewer than `customersTotal` (see `limit`)." }),
    totals: z
      .object({
        customers: z.number(),
        expectedPurchases: z.number(),
        clv: z.number(),
        meanClv: Num,
        clvCi95: Ci95,
        meanClvCi95: Ci95,
      })
      .openapi({ description: "Over all customers, whatever `limit`; CLV discounted over horizonMonths, in the data's currency." }),
    newCustomers: z.number().int().openapi({
      description:
        "Customers whose first purchase is on the observation end (T = 0): not fitted on, valued from the fitted population (P(alive) 1, a new customer's expected purchases, the mean spend), listed and in the totals",
    }),
    excludedNewCustomers: z.number().int().openapi({ description: "Always 0 (every customer is valued); kept for older clients" }),
    intervals: z.object({ method: z.literal("delta-method-log-scale"), covers: z.string() }).openapi({
      description:
        "How the 95% intervals (clvCi95, meanClvCi95) are computed: delta method on the log scale from the BG/NBD and Gamma-Gamma parameters' asymptotic covariance",
    }),
    holdout: Holdout,
    bySatisfaction: z.enum(["nps", "csat"]).nullable(),
    groups: z
      .array(
        z.object({
          group: z.string(),
          customers: z.number().int(),
          repeatBuyers: z.number().int(),
          meanClv: Num.openapi({ description: "Mean CLV per customer of the group (discounted, horizonMonths), the data's currency" }),
          meanClvCi95: Ci95,
          totalClv: Num,
          bgnbd: z
            .object({ r: z.number(), alpha: z.number(), a: z.number(), b: z.number(), logLik: z.number() })
            .nullable()
            .openapi({ description: "The group's BG/NBD fit (α in days)" }),
          gammaGamma: z.object({ p: z.number(), q: z.number(), gamma: z.number(), logLik: z.number() }).nullable(),
          error: z.object({ code: z.string(), message: z.string() }).nullable(),
        }),
      )
      .nullable()
      .openapi({ description: "Per satisfaction group (with bySatisfaction), else null" }),
    test: z.object({ statistic: z.number(), df: z.number().int(), pValue: z.number() }).nullable().openapi({
      description:
        "Likelihood-ratio test that every group has the same BG/NBD and Gamma-Gamma parameters: 2·(Σ group LL − pooled LL), χ² with 7·(groups − 1) df; null when a group could not be fitted",
    }),
    gap: z.object({ from: z.string(), to: z.string(), meanClvDifference: z.number(), ci95: Ci95 }).nullable().openapi({
      description:
        "Mean CLV of `from` (promoters / satisfied) minus that of `to` (detractors / not satisfied), per customer, with a 95% interval (delta-method variances of the two independent group fits). Association, not causation.",
    }),
    satisfaction: z
      .object({ by: z.enum(["nps", "csat"]), linkedCustomers: z.number().int(), ungrouped: z.number().int(), rule: z.string() })
      .nullable(),
    repeatBuyers: z.number().int().openapi({ description: "Customers with at least one repeat purchase (frequency > 0)" }),
    warnings: z.array(WarningSchema).openapi({
      description:
        "Named warnings: few_repeat_buyers (under 10% or under 100), implausible_spend_parameters (p or q over 10,000, γ under 0.0001), implausible_purchase_parameters, penalised_fit (ridge), p_alive_one_time_buyers; clv_interval_unavailable, clv_interval_skipped, holdout_empty, pareto_nbd_skipped, pareto_nbd_failed; with bySatisfaction group_too_small, group_empty, group_not_fitted, group_penalised, test_unavailable, pooled_not_fitted (docs/api.md#clv-on-transactions)",
    }),
  })
  .openapi("Clv");

clv.openapi(
  createRoute({
    method: "post",
    path: "/api/workspaces/{ws}/clv",
    operationId: "fitClv",
    tags: ["models"],
    summary:
      "BG/NBD (or Pareto/NBD) + Gamma-Gamma CLV per customer with 95% intervals, holdout test, model comparison (lifetimes' conventions, time in days)",
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
    surveyType: SurveyChoiceSchema.optional().openapi({
      description: "Responses behind each account's mean score for the split: default relationship when the responses have any, else all",
    }),
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
