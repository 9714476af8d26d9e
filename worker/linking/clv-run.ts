import { clvTable } from "../../models/clv-transactions";
import { ModelError } from "../../models/errors";
import { summariseTransactions } from "../../models/rfm";
import type { Env } from "../env";
import { ApiError } from "../errors";
import { loadTransactions } from "../data/join";

export interface ClvRequest {
  horizonMonths: number;
  annualDiscountRate: number;
  margin: number;
  observationEnd?: string;
}

const DAY_MS = 86_400_000;

/** "YYYY-MM-DD" → days since 1970-01-01 (UTC), or a 400 naming the field. */
export function dayOf(iso: string, field = "observationEnd"): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  const t = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || !Number.isFinite(t) || new Date(t).getUTCDate() !== Number(m[3])) {
    throw new ApiError(400, "invalid_request", `${field} must be a date YYYY-MM-DD (got ${iso}).`, [{ column: field, message: "not a date" }]);
  }
  return t / DAY_MS;
}

export const isoOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/**
 * BG/NBD + Gamma-Gamma CLV on the newest transactions dataset (API.md "CLV on transactions"):
 * the RFM summary in lifetimes' conventions (days), both fits, per-customer values.
 */
export async function runClv(env: Env, ws: string, req: ClvRequest) {
  const tx = await loadTransactions(env, ws);
  if (!tx || tx.n === 0) {
    throw new ModelError("no_transactions", "This workspace has no transactions: upload a transactions dataset (customer_id, date, amount) first.");
  }
  const end = req.observationEnd ? dayOf(req.observationEnd) : undefined;
  const summary = summariseTransactions(tx.customerId, tx.date, tx.amount, end);
  // Customers whose first purchase falls on the observation end have T = 0: no time observed, no
  // information for the fits (and fitBgnbd rejects T = 0). They are left out and counted.
  const keep: number[] = [];
  for (let i = 0; i < summary.customerId.length; i++) if (summary.T[i] > 0) keep.push(i);
  const pick = (a: Float64Array) => Float64Array.from(keep, (i) => a[i]);
  const kept = {
    customerId: keep.map((i) => summary.customerId[i]),
    frequency: pick(summary.frequency), recency: pick(summary.recency), T: pick(summary.T), monetary: pick(summary.monetary),
  };
  const table = clvTable(kept, { horizonMonths: req.horizonMonths, annualDiscountRate: req.annualDiscountRate, margin: req.margin });
  return {
    method: "bgnbd-gg" as const,
    observationEnd: isoOf(summary.observationEnd),
    horizonMonths: req.horizonMonths,
    annualDiscountRate: req.annualDiscountRate,
    margin: req.margin,
    excludedTransactions: summary.excludedTransactions,
    /** Customers first seen on the observation end (T = 0), left out of the fits and the table. */
    excludedNewCustomers: summary.customerId.length - keep.length,
    dataset: tx.datasetId,
    ...table,
  };
}
