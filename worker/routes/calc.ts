import { createRoute, z } from "@hono/zod-openapi";
import { bgnbdExpectedPurchases, bgnbdPAlive, fitBgnbd } from "../../models/clv/bgnbd";
import { bgnbdExpectedPurchasesNew, bgnbdLogLik, bgnbdProbabilityOfN } from "../../models/clv/bgnbd-predict";
import { fitBgbb } from "../../models/clv/bgbb";
import { fitParetoNbd } from "../../models/clv/pareto-nbd";
import { churnRate, programRoi, renewalUplift, roi, sampleSize, simpleClv } from "../../models/scenario/calculators";
import { fitGammaGamma } from "../../models/clv/gamma-gamma";
import { fitRegression } from "../../models/regression/fit";
import { fitSbg } from "../../models/clv/sbg";
import { csatSummary, npsFromCounts, npsSummary } from "../../models/survey/metrics";
import { newRouter } from "../app";
import { errorResponses as errors, Interval } from "./schemas";

/**
 * The stateless calculators (docs/api.md#calculators), no token:
 * zod-validated bodies (400 on a malformed request), statistics delegated to
 * models/ (422 with the model's named error when the data cannot be fitted).
 */
const calc = newRouter();

const Count = z.number().int().min(0);
const Fraction = z.number().min(0).max(1);
const NullableInterval = Interval.nullable();
const Nums = (max: number) => z.array(z.number()).min(1).max(max);

function post<Req extends z.ZodType, Res extends z.ZodType>(path: string, summary: string, description: string, body: Req, res: Res) {
  return createRoute({
    method: "post",
    path: `/api/calc/${path}`,
    // calcNps, calcSampleSize, calcRenewalUplift, ...: the path in camel case.
    operationId: `calc${path.replace(/(^|-)(\w)/g, (_, _d: string, ch: string) => ch.toUpperCase())}`,
    tags: ["calculators"],
    security: [],
    summary,
    description,
    request: { body: { required: true, content: { "application/json": { schema: body } } } },
    responses: {
      200: { description: "Result", content: { "application/json": { schema: res } } },
      ...errors(400, 422),
    },
  });
}

const NpsResult = z
  .object({
    score: z.number().nullable(),
    promoters: Count,
    passives: Count,
    detractors: Count,
    n: Count,
    ci95: NullableInterval,
  })
  .openapi("CalcNpsResult");
calc.openapi(
  post(
    "nps",
    "NPS from counts or 0-10 scores",
    "NPS = %promoters − %detractors with a 95% interval from var(NPS/100) = (p + d − (p − d)²)/n (docs/methods.md#nps).",
    z
      .union([
        z.object({ promoters: Count, passives: Count, detractors: Count }),
        z.object({ scores: z.array(z.number().int().min(0).max(10)).max(1_000_000) }),
      ])
      .openapi("CalcNpsRequest"),
    NpsResult,
  ),
  (c) => {
    const b = c.req.valid("json");
    return c.json("scores" in b ? npsSummary(b.scores) : npsFromCounts(b.promoters, b.passives, b.detractors), 200);
  },
);

calc.openapi(
  post(
    "csat",
    "CSAT from scores",
    "Share of top-two-box answers in % (Wilson 95% interval) and the mean score; `scale` is the top of the scale (5 or 10).",
    z
      .object({
        scores: z.array(z.number()).max(1_000_000),
        scale: z.number().int().min(2).max(100).default(5),
        positiveFrom: z.number().optional(),
      })
      .openapi("CalcCsatRequest"),
    z.object({ score: z.number().nullable(), mean: z.number().nullable(), n: Count, ci95: NullableInterval }).openapi("CalcCsatResult"),
  ),
  (c) => {
    const b = c.req.valid("json");
    return c.json(csatSummary(b.scores, { scale: b.scale, positiveFrom: b.positiveFrom }), 200);
  },
);

calc.openapi(
  post(
    "sample-size",
    "Responses needed for a mean score",
    "n = ⌈(z·σ/ε)²⌉ with z from the confidence level (or given); independent of the customer count.",
    z
      .object({
        sigma: z.number().positive(),
        margin: z.number().positive(),
        confidence: z.number().gt(0).lt(1).default(0.95),
        z: z.number().positive().optional(),
      })
      .openapi("CalcSampleSizeRequest"),
    z.object({ n: z.number().int(), z: z.number(), exact: z.number() }).openapi("CalcSampleSizeResult"),
  ),
  (c) => c.json(sampleSize(c.req.valid("json")), 200),
);

calc.openapi(
  post(
    "churn",
    "Churn rate for a period",
    "(customers at start − those of them retained at the end) / customers at start.",
    z.object({ start: z.number().positive(), retained: z.number().min(0) }).openapi("CalcChurnRequest"),
    z.object({ churnRate: z.number(), retentionRate: z.number(), churned: z.number() }).openapi("CalcChurnResult"),
  ),
  (c) => c.json(churnRate(c.req.valid("json")), 200),
);

calc.openapi(
  post(
    "roi",
    "Net ROI",
    "(gain − investment) / investment for cost reduction, revenue growth or CLV gains.",
    z
      .object({ kind: z.enum(["cost", "revenue", "clv"]).default("revenue"), gain: z.number(), investment: z.number().positive() })
      .openapi("CalcRoiRequest"),
    z.object({ kind: z.enum(["cost", "revenue", "clv"]), roi: z.number(), net: z.number() }).openapi("CalcRoiResult"),
  ),
  (c) => c.json(roi(c.req.valid("json")), 200),
);

calc.openapi(
  post(
    "clv",
    "Simple CLV",
    "Subscription: ARPU × months retained − (CAC + CRC). Transactional: transactions/month × AOV × gross margin × lifespan (months).",
    z
      .discriminatedUnion("kind", [
        z.object({
          kind: z.literal("subscription"),
          arpuMonthly: z.number().min(0),
          monthsRetained: z.number().min(0),
          cac: z.number().min(0).default(0),
          crc: z.number().min(0).default(0),
        }),
        z.object({
          kind: z.literal("transactional"),
          transactionsPerMonth: z.number().min(0),
          averageOrderValue: z.number().min(0),
          grossMargin: Fraction,
          lifespanMonths: z.number().min(0),
        }),
      ])
      .openapi("CalcClvRequest"),
    z
      .object({ kind: z.enum(["subscription", "transactional"]), clv: z.number(), clvToCac: z.number().nullable() })
      .openapi("CalcClvResult"),
  ),
  (c) => c.json(simpleClv(c.req.valid("json")), 200),
);

calc.openapi(
  post(
    "renewal-uplift",
    "Money from a renewal-rate lift",
    "Year t revenue = accounts × ARR × r^(t−1) discounted by (1 + d)^(t−1); r → r + lift. ROI on margin; payback per docs/methods.md#payback (worked example 7).",
    z
      .object({
        accounts: z.number().int().min(0),
        arr: z.number().min(0),
        baselineRenewal: Fraction,
        renewalLift: z.number().min(-1).max(1),
        horizonYears: z.number().int().min(1).max(100).default(3),
        grossMargin: Fraction.default(1),
        discountRate: z.number().min(0).max(1).default(0),
        investment: z.number().min(0),
      })
      .openapi("CalcRenewalUpliftRequest"),
    z
      .looseObject({
        revenueGain: z.number(),
        marginGain: z.number(),
        roi: z.number().nullable(),
        npv: z.number(),
        paybackYears: z.number().nullable(),
      })
      .openapi("CalcRenewalUpliftResult"),
  ),
  (c) => c.json(renewalUplift(c.req.valid("json")), 200),
);

calc.openapi(
  post(
    "program",
    "ROI of a programme of initiatives",
    "Each initiative's ROI and the programme's: gain = (1 − overlap) · Σ gain, investment = Σ investment.",
    z
      .object({
        initiatives: z
          .array(z.object({ name: z.string().max(200), gain: z.number(), investment: z.number().positive() }))
          .min(1)
          .max(100),
        overlap: z.number().min(0).lt(1).default(0),
      })
      .openapi("CalcProgramRequest"),
    z
      .object({
        initiatives: z.array(z.object({ name: z.string(), gain: z.number(), investment: z.number(), roi: z.number() })),
        program: z.object({ gain: z.number(), investment: z.number(), roi: z.number(), overlap: z.number() }),
      })
      .openapi("CalcProgramResult"),
  ),
  (c) => {
    const b = c.req.valid("json");
    return c.json(programRoi(b.initiatives, b.overlap), 200);
  },
);

calc.openapi(
  post(
    "sbg",
    "Shifted-beta-geometric retention fit",
    "Fader & Hardie (2007) on survivor counts [n₀, n₁, …] (one cohort, start of each period): α, β with Hessian SEs, retention r_t and survival S(t) to `horizon`; DERL when `discountRate` is given.",
    z
      .object({
        survivors: z.array(z.number().min(0)).min(3).max(1000),
        horizon: z.number().int().min(1).max(1000).optional(),
        discountRate: z.number().gt(0).max(10).optional(),
      })
      .openapi("CalcSbgRequest"),
    z
      .looseObject({
        alpha: z.number(),
        beta: z.number(),
        stdErrors: z.object({ alpha: z.number().nullable(), beta: z.number().nullable() }),
        logLik: z.number(),
        retention: z.array(z.number()),
        survival: z.array(z.number()),
      })
      .openapi("CalcSbgResult"),
  ),
  (c) => {
    const b = c.req.valid("json");
    return c.json(fitSbg(b.survivors, { horizon: b.horizon, discountRatePerPeriod: b.discountRate }), 200);
  },
);

const Cell = z.union([z.number(), z.string(), z.null()]);
calc.openapi(
  post(
    "regression",
    "Linear or logistic regression on data sent",
    'Same result object as a workspace model. Text columns are categorical (`col[T.level]`, alphabetically first level as reference); null / "" = missing (row excluded and counted).',
    z
      .object({
        kind: z.enum(["linear", "logistic"]),
        data: z.record(z.string(), z.array(Cell).max(1_000_000)),
        outcome: z.string().min(1),
        predictors: z.array(z.string().min(1)).min(1).max(100),
        covariance: z.enum(["nonrobust", "HC3"]).default("nonrobust"),
        intercept: z.boolean().default(true),
      })
      .openapi("CalcRegressionRequest"),
    z
      .looseObject({
        kind: z.enum(["linear", "logistic"]),
        nObs: z.number(),
        excluded: z.number(),
        terms: z.array(z.string()),
        coefficients: z.array(
          z.object({
            term: z.string(),
            estimate: z.number(),
            stdError: z.number().nullable(),
            statistic: z.number().nullable(),
            pValue: z.number().nullable(),
            ci95: NullableInterval,
          }),
        ),
        covariance: z.array(z.array(z.number())),
        fit: z.record(z.string(), z.unknown()),
        marginalEffects: z.array(z.object({ term: z.string(), dydx: z.number(), stdError: z.number().nullable() })),
        warnings: z.array(z.string()),
      })
      .openapi("CalcRegressionResult"),
  ),
  (c) => {
    const b = c.req.valid("json");
    // A column of numbers and nulls is numeric (null = missing); any string makes it categorical.
    const data: Record<string, (number | null)[] | (string | null)[]> = {};
    for (const [k, col] of Object.entries(b.data)) {
      const text = col.some((v) => typeof v === "string");
      data[k] = text ? col.map((v) => (v === null ? null : String(v))) : col.map((v) => (v === null ? NaN : (v as number)));
    }
    return c.json(fitRegression({ ...b, data: data as Record<string, number[] | (string | null)[]> }), 200);
  },
);

calc.openapi(
  post(
    "bgnbd",
    "BG/NBD fit on (frequency, recency, T)",
    "Fader, Hardie & Lee (2005) in lifetimes' summary convention (recency and T in one time unit; alpha in that unit). Identical customers are collapsed into weights.",
    z
      .object({
        frequency: Nums(2_000_000),
        recency: Nums(2_000_000),
        T: Nums(2_000_000),
        weights: z.array(z.number().min(0)).max(2_000_000).optional(),
      })
      .openapi("CalcBgnbdRequest"),
    z
      .looseObject({
        r: z.number(),
        alpha: z.number(),
        a: z.number(),
        b: z.number(),
        stdErrors: z.object({ r: z.number().nullable(), alpha: z.number().nullable(), a: z.number().nullable(), b: z.number().nullable() }),
        logLik: z.number(),
        converged: z.boolean(),
      })
      .openapi("CalcBgnbdResult"),
  ),
  (c) => c.json(fitBgnbd(c.req.valid("json")), 200),
);

calc.openapi(
  post(
    "gamma-gamma",
    "Gamma-Gamma spend model",
    "Fader & Hardie's Gamma-Gamma on (frequency, mean repeat spend) of customers with frequency > 0 (others are left out and counted).",
    z.object({ frequency: Nums(2_000_000), monetary: Nums(2_000_000) }).openapi("CalcGammaGammaRequest"),
    z
      .looseObject({
        p: z.number(),
        q: z.number(),
        gamma: z.number(),
        stdErrors: z.object({ p: z.number().nullable(), q: z.number().nullable(), gamma: z.number().nullable() }),
        logLik: z.number(),
      })
      .openapi("CalcGammaGammaResult"),
  ),
  (c) => c.json(fitGammaGamma(c.req.valid("json")), 200),
);

const Pos = z.number().positive();
calc.openapi(
  post(
    "bgnbd/predict",
    "BG/NBD predictions at given parameters",
    "For a customer with history (frequency, recency, T) and a horizon t (all in the time unit of α): P(alive) (FHL 2005 eq. 13), expected purchases in (T, T + t] (eq. 10), the probability of exactly n purchases in (0, t] for a customer drawn from the population (eq. 8, as lifetimes' probability_of_n_purchases_up_to_time and BTYD's bgnbd.pmf; when `n` is given), the expected purchases of a new customer in (0, t] (eq. 7) and the customer's log-likelihood at these parameters (eq. 6).",
    z
      .object({
        r: Pos,
        alpha: Pos,
        a: Pos,
        b: Pos,
        frequency: z.number().int().min(0),
        recency: z.number().min(0),
        T: Pos,
        t: z.number().min(0),
        n: z.number().int().min(0).max(100_000).optional(),
      })
      .refine((b) => b.recency <= b.T && (b.frequency > 0 || b.recency === 0), {
        message: "recency must be between 0 and T, and 0 when frequency is 0",
        path: ["recency"],
      })
      .openapi("CalcBgnbdPredictRequest"),
    z
      .object({
        pAlive: z.number(),
        expectedPurchases: z.number().nullable().openapi({ description: "Purchases in (T, T + t]; null when a ≤ 1 makes it undefined" }),
        probabilityOfN: z.number().optional().openapi({ description: "P(X(t) = n) for a customer from the population (when n is given)" }),
        expectedPurchasesNew: z.number().nullable().openapi({ description: "E[X(t)] of a customer just acquired" }),
        logLik: z.number().openapi({ description: "ln L of this customer's (frequency, recency, T) at the parameters" }),
      })
      .openapi("CalcBgnbdPredictResult"),
  ),
  (c) => {
    const b = c.req.valid("json");
    const nn = (v: number) => (Number.isFinite(v) ? v : null);
    return c.json(
      {
        pAlive: bgnbdPAlive(b, b.frequency, b.recency, b.T),
        expectedPurchases: nn(bgnbdExpectedPurchases(b, b.frequency, b.recency, b.T, b.t)),
        ...(b.n === undefined ? {} : { probabilityOfN: bgnbdProbabilityOfN(b, b.t, b.n) }),
        expectedPurchasesNew: nn(bgnbdExpectedPurchasesNew(b, b.t)),
        logLik: bgnbdLogLik(b, b.frequency, b.recency, b.T),
      },
      200,
    );
  },
);

calc.openapi(
  post(
    "pareto-nbd",
    "Pareto/NBD fit on (frequency, recency, T)",
    "Schmittlein, Morrison & Colombo (1987) in Fader & Hardie's 2005 formulation, lifetimes' summary convention (recency and T in one time unit; α and β in that unit). Maximum likelihood with finite-difference Newton steps; SEs from the observed information.",
    z
      .object({
        frequency: Nums(200_000),
        recency: Nums(200_000),
        T: Nums(200_000),
        weights: z.array(z.number().min(0)).max(200_000).optional(),
      })
      .openapi("CalcParetoNbdRequest"),
    z
      .looseObject({
        r: z.number(),
        alpha: z.number(),
        s: z.number(),
        beta: z.number(),
        stdErrors: z.object({
          r: z.number().nullable(),
          alpha: z.number().nullable(),
          s: z.number().nullable(),
          beta: z.number().nullable(),
        }),
        logLik: z.number(),
        converged: z.boolean(),
      })
      .openapi("CalcParetoNbdResult"),
  ),
  (c) => c.json(fitParetoNbd(c.req.valid("json")), 200),
);

calc.openapi(
  post(
    "bgbb",
    "BG/BB fit on discrete-time (frequency, recency, periods)",
    "Fader, Hardie & Shang (2010): x transactions in n opportunities, the last at opportunity tₓ (0 when x = 0), optionally weighted (one row per pattern). Maximum likelihood; SEs from the observed information.",
    z
      .object({
        frequency: z.array(z.number().int().min(0)).min(1).max(100_000),
        recency: z.array(z.number().int().min(0)).min(1).max(100_000),
        periods: z.array(z.number().int().min(1)).min(1).max(100_000),
        weights: z.array(z.number().min(0)).max(100_000).optional(),
      })
      .openapi("CalcBgbbRequest"),
    z
      .looseObject({
        alpha: z.number(),
        beta: z.number(),
        gamma: z.number(),
        delta: z.number(),
        stdErrors: z.object({
          alpha: z.number().nullable(),
          beta: z.number().nullable(),
          gamma: z.number().nullable(),
          delta: z.number().nullable(),
        }),
        logLik: z.number(),
        converged: z.boolean(),
      })
      .openapi("CalcBgbbResult"),
  ),
  (c) => c.json(fitBgbb(c.req.valid("json")), 200),
);

export default calc;
