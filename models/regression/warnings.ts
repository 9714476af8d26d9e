import type { Warning } from "../numeric/errors";

/** What a fitted model's answer needs said beside it, as named warnings (`{code, message}`). */

interface FittedLike {
  kind: "logistic" | "linear";
  outcome: string;
  coefficients: { term: string; estimate: number; ci95: [number | null, number | null] | null }[];
  /** Notes of the fit (rows left out, near-separation, an exact fit …). */
  warnings: string[];
}

const NOTE_CODES: [RegExp, string][] = [
  [/separation/i, "near_separation"],
  [/exactly|residual variance 0/i, "exact_fit"],
  [/exclud|left out|missing/i, "rows_excluded"],
  [/collinear|condition/i, "collinearity"],
];

/** Satisfaction predictors and the sign an effect on renewal is expected to have (CES: higher = more effort). */
const EXPECTED_SIGN: Record<string, { sign: 1 | -1; label: string }> = {
  nps: { sign: 1, label: "NPS (likelihood to recommend)" },
  csat: { sign: 1, label: "CSAT (satisfaction)" },
  ces: { sign: -1, label: "CES (customer effort)" },
};

/**
 * The fit's notes with codes, plus `satisfaction_effect_reversed` when a satisfaction effect on a renewal outcome
 * is significantly the opposite of what satisfaction usually does (its whole 95% interval on the wrong side of 0):
 * most often an outcome column whose direction is flipped (churn read as renewal).
 * @example modelWarnings({ kind: "logistic", outcome: "renewed", coefficients: [{ term: "nps", estimate: -0.3, ci95: [-0.4, -0.2] }], warnings: [] })[0].code
 *   // => "satisfaction_effect_reversed"
 */
export function modelWarnings(m: FittedLike): Warning[] {
  const out: Warning[] = m.warnings.map((message) => ({ code: NOTE_CODES.find(([re]) => re.test(message))?.[1] ?? "fit_note", message }));
  if (!/renew|retain|churn/i.test(m.outcome)) return out;
  const churnOutcome = /churn/i.test(m.outcome);
  for (const c of m.coefficients) {
    const e = EXPECTED_SIGN[c.term];
    const [lo, hi] = c.ci95 ?? [null, null];
    if (!e || lo === null || hi === null) continue;
    const sign = e.sign * (churnOutcome ? -1 : 1);
    const reversed = sign > 0 ? hi < 0 : lo > 0;
    if (!reversed) continue;
    const towards = churnOutcome ? "more churn" : "fewer renewals";
    out.push({
      code: "satisfaction_effect_reversed",
      message:
        `${e.label} goes with ${towards} here (coefficient ${c.estimate.toFixed(3)}, 95% CI ${lo.toFixed(3)} to ${hi.toFixed(3)}): ` +
        `the opposite of what satisfaction usually does. Check the direction of "${m.outcome}": if your file's column means churn ` +
        `(Yes = left), upload it under a churn header such as "Churned?" or map it as {"churned": "<your header>"}, then fit again. ` +
        `If the direction is right, do not use this model's money figures until you understand why.`,
    });
  }
  return out;
}
