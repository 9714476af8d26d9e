import type { BgnbdResult } from "./bgnbd";
import type { GammaGammaResult } from "./gamma-gamma";
import type { Warning } from "../numeric/errors";

/** Thresholds of the CLV warnings: repeat buyers, and parameter values no real customer base produces. */
export const FEW_REPEAT_SHARE = 0.1;
export const FEW_REPEAT_COUNT = 100;
const HUGE = 1e4;
const TINY = 1e-4;

const fmt = (v: number) =>
  Math.abs(v) >= 1e4 ? Math.round(v).toLocaleString("en-US") : Math.abs(v) < 0.01 ? v.toExponential(2) : v.toFixed(3);

/**
 * Named warnings for a BG/NBD + Gamma-Gamma fit that the data cannot carry: few repeat buyers, parameters at the
 * edge of plausibility (very large p or q, tiny γ or BG/NBD parameters), a penalised (ridge) fit, and what P(alive)
 * means for one-time buyers.
 * @example clvWarnings(bgnbd, gammaGamma, { customers: 8016, repeatBuyers: 73 }).map((w) => w.code) // => ["few_repeat_buyers", …]
 */
export function clvWarnings(bgnbd: BgnbdResult, gg: GammaGammaResult, counts: { customers: number; repeatBuyers: number }): Warning[] {
  const out: Warning[] = [];
  const { customers, repeatBuyers } = counts;
  const share = customers > 0 ? repeatBuyers / customers : 0;
  if (share < FEW_REPEAT_SHARE || repeatBuyers < FEW_REPEAT_COUNT) {
    out.push({
      code: "few_repeat_buyers",
      message:
        `Only ${repeatBuyers.toLocaleString("en-US")} of ${customers.toLocaleString("en-US")} customers (${(100 * share).toFixed(1)}%) bought more than once. ` +
        `Both models learn how often and how much people buy again from repeat buyers, so these CLVs rest on very little: ` +
        `use them to rank customers at most, not as money to plan with, and refit when the history is longer.`,
    });
  }
  const edge: string[] = [];
  if (gg.p > HUGE) edge.push(`p = ${fmt(gg.p)}`);
  if (gg.q > HUGE) edge.push(`q = ${fmt(gg.q)}`);
  if (gg.gamma < TINY) edge.push(`γ = ${fmt(gg.gamma)}`);
  if (edge.length) {
    out.push({
      code: "implausible_spend_parameters",
      message:
        `The spend model (Gamma-Gamma) ended at ${edge.join(", ")}: values at the edge of what the model can mean, so its ` +
        `spend per purchase is not estimated from real differences between customers. Treat the expected average order value ` +
        `(and the CLV built on it) as unreliable; more repeat purchases are needed.`,
    });
  }
  const bEdge = (["r", "alpha", "a", "b"] as const).filter((k) => bgnbd[k] > HUGE || bgnbd[k] < TINY).map((k) => `${k} = ${fmt(bgnbd[k])}`);
  if (bEdge.length) {
    out.push({
      code: "implausible_purchase_parameters",
      message:
        `The purchase model (BG/NBD) ended at ${bEdge.join(", ")}: at the edge of plausibility, so its expected purchases and ` +
        `P(alive) are driven by the model's assumptions more than by your data.`,
    });
  }
  if (bgnbd.penalizer > 0) {
    out.push({
      code: "penalised_fit",
      message:
        bgnbd.warnings.join(" ") ||
        `The BG/NBD fit needed a penalty (ridge, λ = ${bgnbd.penalizer}) to stay finite: treat P(alive) and CLV as optimistic.`,
    });
  }
  if (customers - repeatBuyers > 0) {
    out.push({
      code: "p_alive_one_time_buyers",
      message:
        `${(customers - repeatBuyers).toLocaleString("en-US")} customers bought only once. BG/NBD lets a customer drop out only after a ` +
        `repeat purchase, so it gives every one-time buyer P(alive) = 100%: read that as "not yet seen to leave", not as "still active".`,
    });
  }
  return out;
}
