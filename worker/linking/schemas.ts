import { z } from "@hono/zod-openapi";
import { Interval, OpenInterval } from "../routes/schemas";

/** OpenAPI schemas of the linking routes (models, scenarios, drivers, segments, CLV). */

export const CoefficientSchema = z.object({
  term: z.string(),
  estimate: z.number(),
  stdError: z.number().nullable(),
  statistic: z.number().nullable(),
  pValue: z.number().nullable(),
  ci95: OpenInterval.nullable().openapi({ description: "null when the standard error is 0 or undefined" }),
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
    outcome: z.string(),
    predictors: z.array(z.string()),
    nObs: z.number(),
    excluded: z.number(),
    terms: z.array(z.string()),
    coefficients: z.array(CoefficientSchema),
    covariance: z.array(z.array(z.number())),
    fit: z.record(z.string(), z.unknown()),
    marginalEffects: z.array(z.object({ term: z.string(), dydx: z.number(), stdError: z.number().nullable() })),
    warnings: z.array(z.string()),
    translation: z.array(TranslationSchema),
    validation: ValidationSchema,
    createdAt: z.string(),
  })
  .openapi("Model");

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
    baseline: ScenarioSideSchema,
    scenario: ScenarioSideSchema,
    revenueGain: z.number(),
    marginGain: z.number(),
    roi: z.number().nullable(),
    npv: z.number(),
    paybackYears: z.number().nullable(),
    ci95: z.looseObject({ revenueGain: Interval, roi: Interval.nullable() }).nullable(),
    bandByYear: z.object({ lo: z.array(z.number()), hi: z.array(z.number()) }).optional(),
    draws: z.number(),
    seed: z.number(),
  })
  .openapi("Scenario");
