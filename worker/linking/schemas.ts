import { z } from "@hono/zod-openapi";
import { Interval, OpenInterval, SurveyChoiceSchema } from "../routes/schemas";

/** OpenAPI schemas of the linking routes (models, scenarios, drivers, segments, CLV). */

export const WarningSchema = z
  .object({ code: z.string(), message: z.string() })
  .openapi("Warning", { description: "Something the data cannot carry, named, with what to do" });

export const CoefficientSchema = z.object({
  term: z.string(),
  estimate: z.number(),
  stdError: z.number().nullable(),
  statistic: z.number().nullable(),
  pValue: z.number().nullable(),
  ci95: OpenInterval.nullable().openapi({ description: "null when the standard error is 0 or undefined" }),
});

/** The `fit` block of a linear model (statsmodels OLS results' names). */
const LinearFitSchema = z.object({
  rSquared: z.number(),
  adjRSquared: z.number(),
  fStatistic: z.number().nullable(),
  fPValue: z.number().nullable(),
  logLik: z.number().nullable(),
  aic: z.number().nullable(),
  bic: z.number().nullable(),
  sigma: z.number(),
  ssr: z.number(),
  dfModel: z.number(),
  dfResid: z.number(),
  conditionNumber: z.number(),
  converged: z.boolean(),
  iterations: z.number(),
});
/** The `fit` block of a logistic model (statsmodels Logit results' names; pseudoR2 is McFadden's). */
const LogisticFitSchema = z.object({
  logLik: z.number(),
  llNull: z.number(),
  pseudoR2: z.number(),
  aic: z.number(),
  bic: z.number(),
  deviance: z.number(),
  nullDeviance: z.number(),
  llr: z.number(),
  llrPValue: z.number(),
  dfModel: z.number(),
  dfResid: z.number(),
  converged: z.boolean(),
  iterations: z.number(),
});

export const TranslationSchema = z
  .looseObject({
    predictor: z.string(),
    points: z.number(),
    renewalPp: z.number().optional(),
    renewalPpCi95: Interval.optional(),
    outcomeChange: z.number().optional(),
    outcomeChangeCi95: Interval.optional(),
    revenue: z.number().nullable(),
    revenueCi95: Interval.nullable(),
    horizonYears: z.number(),
    sentence: z.string(),
    method: z.string(),
    perScorePoint: z
      .object({
        answerPoints: z.number(),
        renewalPp: z.number(),
        renewalPpCi95: Interval,
        revenue: z.number(),
        revenueCi95: Interval,
        sentence: z.string(),
      })
      .optional()
      .openapi({
        description:
          "The same per +1 NPS score point (−100..100) or +1 pp of satisfied CSAT answers; answerPoints = the equivalent shift of every answer",
      }),
  })
  .openapi("Translation");

export const ValidationSchema = z
  .looseObject({
    method: z.string(),
    seed: z.number(),
    nTrain: z.number(),
    nTest: z.number(),
    auc: z.number().nullable().optional(),
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
      .optional(),
    hosmerLemeshow: z.object({ statistic: z.number(), df: z.number(), pValue: z.number() }).nullable().optional(),
    holdoutRSquared: z.number().nullable().optional(),
    error: z.object({ code: z.string(), message: z.string() }).optional(),
  })
  .openapi("Validation");

export const ModelSchema = z
  .looseObject({
    id: z.string(),
    name: z.string().nullable(),
    kind: z.enum(["linear", "logistic"]),
    model: z.enum(["linear", "logistic"]),
    outcome: z.string(),
    predictors: z.array(z.string()),
    surveyType: SurveyChoiceSchema.optional().openapi({
      description: "Responses behind each account's mean nps / csat / ces (absent on models fitted before survey types: all)",
    }),
    nObs: z.number(),
    excluded: z.number(),
    terms: z.array(z.string()),
    coefficients: z.array(CoefficientSchema),
    covariance: z.array(z.array(z.number())),
    covarianceType: z.enum(["nonrobust", "HC3"]),
    fit: z.union([LinearFitSchema, LogisticFitSchema]),
    marginalEffects: z.array(z.object({ term: z.string(), dydx: z.number(), stdError: z.number().nullable() })),
    warnings: z.array(WarningSchema).openapi({
      description:
        "Named warnings: notes of the fit, and satisfaction_effect_reversed when a satisfaction effect on renewal is significantly reversed",
    }),
    notes: z.array(z.string()).optional().openapi({ description: "The fit's notes as plain sentences (also in warnings, with codes)" }),
    translation: z.array(TranslationSchema),
    validation: ValidationSchema,
    createdAt: z.string(),
  })
  .openapi("Model");

const ScoreChangeSchema = z.object({ before: z.number().nullable(), after: z.number().nullable() });

export const ScenarioSideSchema = z.object({
  renewalRate: z.number(),
  revenue: z.number(),
  revenueByYear: z.array(z.number()),
});

export const ScenarioSchema = z
  .looseObject({
    id: z.string().nullable(),
    name: z.string(),
    modelId: z.string(),
    segment: z.string().nullable().openapi({ description: "The segment the change applies to; null = every account" }),
    request: z
      .object({
        name: z.string(),
        modelId: z.string(),
        change: z.record(z.string(), z.number()),
        horizonYears: z.number(),
        annualDiscountRate: z.number(),
        grossMargin: z.number(),
        investment: z.number(),
        draws: z.number(),
        seed: z.number(),
        segment: z.string().nullable().optional(),
      })
      .openapi({ description: "The request as run (defaults filled in), without `save`" }),
    baseline: ScenarioSideSchema,
    scenario: ScenarioSideSchema,
    revenueGain: z.number(),
    marginGain: z.number(),
    roi: z.number().nullable(),
    npv: z.number(),
    paybackYears: z.number().nullable(),
    marginGainByYear: z.array(z.number()),
    ci95: z
      .object({ revenueGain: Interval, marginGain: Interval, npv: Interval, roi: Interval.nullable() })
      .nullable()
      .openapi({ description: "Percentiles 2.5 and 97.5 of `draws` draws of the coefficients; null when draws = 0" }),
    bandByYear: z.object({ lo: z.array(z.number()), hi: z.array(z.number()) }).optional(),
    baselineBandByYear: z.object({ lo: z.array(z.number()), hi: z.array(z.number()) }).optional(),
    draws: z.number(),
    seed: z.number(),
    rows: z.number(),
    changedRows: z.number(),
    accounts: z.number().openapi({ description: "Accounts projected (all the model's predictors and ARR present)" }),
    excludedAccounts: z.number(),
    assumptions: z.array(z.string()),
    createdAt: z.string().optional().openapi({ description: "Saved scenarios only" }),
    scores: z.object({ nps: ScoreChangeSchema.optional(), csat: ScoreChangeSchema.optional() }).openapi({
      description: "NPS in score points (−100..100) and CSAT in % satisfied, before → after, of the changed accounts' responses",
    }),
    levers: z
      .looseObject({
        shift: z
          .object({ nps: z.number().optional(), csat: z.number().optional() })
          .openapi({ description: "The uniform shift of every answer in answer points (npsScore / csatPp are solved for it)" }),
        meanAnswerChange: z
          .object({ nps: z.number().optional(), csat: z.number().optional() })
          .openapi({ description: "The mean change of one answer in answer points, after capping at the scale" }),
        explained: z.array(z.string()),
      })
      .optional(),
    warnings: z.array(WarningSchema),
  })
  .openapi("Scenario");

/** A stored scenario (save: true, or read back): it has an id and a creation time. */
export const SavedScenarioSchema = ScenarioSchema.extend({ id: z.string(), createdAt: z.string() }).openapi("SavedScenario");
