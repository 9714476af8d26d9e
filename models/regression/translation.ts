import { logistic } from "../numeric/logistic";
import { discountFactors } from "../scenario/money";
import { DEFAULT_CLIP, shiftValue } from "../scenario/scenario";

/**
 * Plain-language effect of each CX predictor: "each +1 NPS point is
 * associated with +x pp renewal probability and $y of retained revenue over
 * H years", at the sample (averaged over the accounts the model was fitted on),
 * with 95% intervals by the delta method from the coefficients' covariance.
 */

export const CX_PREDICTORS = ["nps", "csat", "ces"] as const;
const Z95 = 1.959963984540054;

export interface TranslateInput {
  kind: "logistic" | "linear";
  outcome: string;
  terms: string[];
  beta: number[];
  cov: number[][];
  /** n x p row-major design rows of the fit (or give `blocks`). */
  X?: Float64Array;
  /** ARR per row (for the money). */
  arr?: Float64Array;
  /** The same rows in blocks, for a design too large to hold: called once per predictor. */
  blocks?: () => Iterable<TranslateBlock>;
  horizonYears?: number;
  annualDiscountRate?: number;
  clip?: Record<string, [number, number]>;
  /**
   * The per-answer shift equivalent to +1 score point, by predictor (nps: +1 NPS score point; csat: +1 pp of
   * satisfied answers), from models/scenario/levers.ts on the fitted accounts' answers. Adds `perScorePoint`.
   */
  scoreStep?: { nps?: number; csat?: number };
}

/** Design rows (row-major n × p) with their ARR. */
export interface TranslateBlock {
  X: Float64Array;
  arr: Float64Array;
  n: number;
}

/** The input's rows as blocks: `blocks`, or X and arr as one block. */
function rowBlocks(input: TranslateInput): Iterable<TranslateBlock> {
  if (input.blocks) return input.blocks();
  const arr = input.arr ?? new Float64Array(0);
  return [{ X: input.X ?? new Float64Array(0), arr, n: arr.length }];
}

export interface Translation {
  predictor: string;
  points: 1;
  /** Logistic: average change in renewal probability, in percentage points. */
  renewalPp?: number;
  renewalPpCi95?: [number, number];
  /** Linear: change in the outcome per point (for log_arr: percent of ARR). */
  outcomeChange?: number;
  outcomeChangeCi95?: [number, number];
  /** Money per +1 point over the horizon, and its interval; null when not defined for the outcome. */
  revenue: number | null;
  revenueCi95: [number, number] | null;
  horizonYears: number;
  sentence: string;
  method: string;
  /** The same for +1 score point (NPS score points, −100..100; CSAT pp of satisfied answers), when scoreStep is given. */
  perScorePoint?: {
    answerPoints: number;
    renewalPp: number;
    renewalPpCi95: [number, number];
    revenue: number;
    revenueCi95: [number, number];
    sentence: string;
  };
}

const fmtMoney = (v: number) => {
  const a = Math.abs(v);
  const s =
    a >= 1e9 ? `${(a / 1e9).toFixed(2)}B` : a >= 1e6 ? `${(a / 1e6).toFixed(2)}M` : a >= 1e3 ? `${(a / 1e3).toFixed(1)}K` : a.toFixed(0);
  return `${v < 0 ? "−" : ""}$${s}`;
};
const fmtSigned = (v: number, digits: number) => `${v >= 0 ? "+" : "−"}${Math.abs(v).toFixed(digits)}`;
const quad = (g: ArrayLike<number>, cov: number[][]) => {
  let v = 0;
  for (let i = 0; i < g.length; i++) for (let j = 0; j < g.length; j++) v += g[i] * cov[i][j] * g[j];
  return Math.sqrt(Math.max(v, 0));
};
const label = (name: string) => name.toUpperCase();
/** "NPS answer point (0-10)": the unit of one point of a predictor, named. */
const unit = (name: string, lo: number, hi: number) =>
  Number.isFinite(lo) && Number.isFinite(hi)
    ? `${label(name)} answer point (on the ${lo}-${hi} scale of each answer)`
    : `${label(name)} point`;
const scoreUnit: Record<string, [string, string]> = {
  nps: ["NPS score point", "on −100..100"],
  csat: ["pp of satisfied CSAT answers", "the top two boxes"],
};

/**
 * Translations for the CX predictors (nps, csat, ces) that are numeric terms of the model.
 * Logistic: dp_i = logistic(x'_i·β) − logistic(x_i·β) with x' = x + 1 point
 * clipped to the scale; renewalPp = 100 · mean(dp_i); revenue = Σ_i Σ_t arr_i
 * (p'_i^(t−1) − p_i^(t−1)) / (1 + d)^(t−1) (the scenario formula for +1 point).
 * Linear on log_arr: +1 point multiplies ARR by exp(β); revenue = Σ arr_i (exp(β) − 1) per year.
 * Linear on expansion (a fraction of ARR): revenue = Σ arr_i · β per year.
 * @example translateEffects({ kind: "logistic", outcome: "renewed", terms: ["Intercept", "nps"], beta: [0, 0.1], cov: [[0.01, 0], [0, 0.0001]], X, arr })
 */
export function translateEffects(input: TranslateInput): Translation[] {
  const H = input.horizonYears ?? 3;
  const d = input.annualDiscountRate ?? 0;
  const out: Translation[] = [];
  for (const name of CX_PREDICTORS) {
    const j = input.terms.indexOf(name);
    if (j < 0) continue;
    if (input.kind !== "logistic") {
      out.push(linearEffect(input, name, j, H, d));
      continue;
    }
    const t = logisticEffect(input, name, j, H, d, 1);
    const step = input.scoreStep?.[name as "nps" | "csat"];
    if (step !== undefined && step > 0 && scoreUnit[name]) {
      const s = logisticEffect(input, name, j, H, d, step);
      const perAnswer = `about ${fmtSigned(step, 3)} points on every answer`;
      t.perScorePoint = {
        answerPoints: step,
        renewalPp: s.renewalPp!,
        renewalPpCi95: s.renewalPpCi95!,
        revenue: s.revenue!,
        revenueCi95: s.revenueCi95!,
        sentence:
          `Each +1 ${scoreUnit[name][0]} (${scoreUnit[name][1]}; ${perAnswer}) is associated with ${fmtSigned(s.renewalPp!, 3)} pp renewal probability ` +
          `(95% CI ${s.renewalPpCi95![0].toFixed(3)} to ${s.renewalPpCi95![1].toFixed(3)}), about ${fmtMoney(s.revenue!)} of retained revenue over ` +
          `${H} year${H === 1 ? "" : "s"}${d > 0 ? ` discounted at ${(100 * d).toFixed(1)}% a year` : ", undiscounted"}.`,
      };
    }
    out.push(t);
  }
  return out;
}

function logisticEffect(input: TranslateInput, name: string, j: number, H: number, d: number, step: number): Translation {
  const { beta, terms } = input;
  const p = terms.length;
  const [lo, hi] = input.clip?.[name] ?? DEFAULT_CLIP[name] ?? [-Infinity, Infinity];
  const gPp = new Float64Array(p);
  const gRev = new Float64Array(p);
  let sumDp = 0;
  let rev = 0;
  let n = 0;
  const disc = discountFactors(H, d);
  for (const { X, arr, n: nb } of rowBlocks(input)) {
    n += nb;
    for (let i = 0; i < nb; i++) {
      const off = i * p;
      let eta = 0;
      for (let k = 0; k < p; k++) eta += X[off + k] * beta[k];
      const x = X[off + j];
      const dx = shiftValue(x, step, lo, hi) - x;
      const p1 = logistic(eta);
      const p2 = logistic(eta + dx * beta[j]);
      sumDp += p2 - p1;
      // d p / d β_k = p(1−p) x_k; x' differs from x only in column j.
      const w1 = p1 * (1 - p1);
      const w2 = p2 * (1 - p2);
      // Revenue: Σ_t arr (p2^(t−1) − p1^(t−1)) disc_t, derivative (t−1) p^(t−2) dp/dβ.
      let r = 0;
      let c1 = 0;
      let c2 = 0;
      for (let t = 1; t < H; t++) {
        r += (Math.pow(p2, t) - Math.pow(p1, t)) * disc[t];
        c1 += t * Math.pow(p1, t - 1) * disc[t];
        c2 += t * Math.pow(p2, t - 1) * disc[t];
      }
      rev += arr[i] * r;
      for (let k = 0; k < p; k++) {
        const xk = X[off + k];
        const x2k = k === j ? xk + dx : xk;
        gPp[k] += w2 * x2k - w1 * xk;
        gRev[k] += arr[i] * (c2 * w2 * x2k - c1 * w1 * xk);
      }
    }
  }
  const pp = (100 * sumDp) / n;
  for (let k = 0; k < p; k++) gPp[k] *= 100 / n;
  const sePp = quad(gPp, input.cov);
  const seRev = quad(gRev, input.cov);
  const ppCi: [number, number] = [pp - Z95 * sePp, pp + Z95 * sePp];
  const revCi: [number, number] = [rev - Z95 * seRev, rev + Z95 * seRev];
  return {
    predictor: name,
    points: 1,
    renewalPp: pp,
    renewalPpCi95: ppCi,
    revenue: rev,
    revenueCi95: revCi,
    horizonYears: H,
    sentence:
      `Each +1 ${unit(name, lo, hi)} is associated with ${fmtSigned(pp, 2)} pp renewal probability ` +
      `(95% CI ${ppCi[0].toFixed(2)} to ${ppCi[1].toFixed(2)}), about ${fmtMoney(rev)} of retained revenue over ` +
      `${H} year${H === 1 ? "" : "s"}${d > 0 ? ` discounted at ${(100 * d).toFixed(1)}% a year` : ", undiscounted"} (95% CI ${fmtMoney(revCi[0])} to ${fmtMoney(revCi[1])}).`,
    method:
      `Average over the ${n} fitted accounts of logistic(x'·β) − logistic(x·β) with ${name} + 1 clipped to ` +
      `[${lo}, ${hi}]; revenue = Σ arr·(p'^(t−1) − p^(t−1)) / (1+${d})^(t−1), t = 1..${H}; intervals by the delta method.`,
  };
}

function linearEffect(input: TranslateInput, name: string, j: number, H: number, d: number): Translation {
  const b = input.beta[j];
  const [lo, hi] = input.clip?.[name] ?? DEFAULT_CLIP[name] ?? [-Infinity, Infinity];
  const se = Math.sqrt(Math.max(input.cov[j][j], 0));
  const ci: [number, number] = [b - Z95 * se, b + Z95 * se];
  let arrSum = 0;
  for (const { arr, n } of rowBlocks(input)) for (let i = 0; i < n; i++) arrSum += arr[i];
  let years = 0;
  for (const f of discountFactors(H, d)) years += f;
  const horizon = `${H} year${H === 1 ? "" : "s"}`;
  if (input.outcome === "log_arr") {
    // ARR multiplies by exp(β) per point; a monotone map, so the interval maps through exp too.
    const pct = 100 * (Math.exp(b) - 1);
    const pctCi: [number, number] = [100 * (Math.exp(ci[0]) - 1), 100 * (Math.exp(ci[1]) - 1)];
    const rev = arrSum * (Math.exp(b) - 1) * years;
    const revCi: [number, number] = [arrSum * (Math.exp(ci[0]) - 1) * years, arrSum * (Math.exp(ci[1]) - 1) * years];
    return {
      predictor: name,
      points: 1,
      outcomeChange: pct,
      outcomeChangeCi95: pctCi,
      revenue: rev,
      revenueCi95: revCi,
      horizonYears: H,
      sentence: `Each +1 ${unit(name, lo, hi)} is associated with ${fmtSigned(pct, 2)}% ARR (95% CI ${pctCi[0].toFixed(2)} to ${pctCi[1].toFixed(2)}), about ${fmtMoney(rev)} over ${horizon}.`,
      method: `100·(exp(β) − 1) on log ARR; revenue = Σ arr · (exp(β) − 1) per year over ${H} years discounted at ${d}; interval from β ± 1.96·SE mapped through exp.`,
    };
  }
  if (input.outcome === "expansion") {
    const rev = arrSum * b * years;
    return {
      predictor: name,
      points: 1,
      outcomeChange: 100 * b,
      outcomeChangeCi95: [100 * ci[0], 100 * ci[1]],
      revenue: rev,
      revenueCi95: [arrSum * ci[0] * years, arrSum * ci[1] * years],
      horizonYears: H,
      sentence: `Each +1 ${unit(name, lo, hi)} is associated with ${fmtSigned(100 * b, 2)} pp expansion (95% CI ${(100 * ci[0]).toFixed(2)} to ${(100 * ci[1]).toFixed(2)}), about ${fmtMoney(rev)} over ${horizon}.`,
      method: `β of the linear model on expansion (a fraction of ARR); revenue = Σ arr · β per year over ${H} years discounted at ${d}.`,
    };
  }
  return {
    predictor: name,
    points: 1,
    outcomeChange: b,
    outcomeChangeCi95: ci,
    revenue: null,
    revenueCi95: null,
    horizonYears: H,
    sentence: `Each +1 ${unit(name, lo, hi)} is associated with ${fmtSigned(b, 4)} in ${input.outcome} (95% CI ${ci[0].toFixed(4)} to ${ci[1].toFixed(4)}).`,
    method: `β of the linear model on ${input.outcome} with its 95% interval β ± 1.96·SE; no money for this outcome.`,
  };
}
