import { clvWarnings } from "../../models/clv/clv-warnings";
import { clvColumns, type ClvColumns, customerClv } from "../../models/clv/transactions-clv";
import { ModelError } from "../../models/numeric/errors";
import type { Env } from "../env";
import { ApiError } from "../errors";
import { latestDataset } from "../data/datasets";
import { summariseTransactionBlocks, type TransactionSummary } from "../data/transactions-rfm";
import { csvCell } from "../render/csv";

export interface ClvRequest {
  horizonMonths: number;
  annualDiscountRate: number;
  margin: number;
  observationEnd?: string;
}

/** Customers listed in the JSON answer by default, and at most (API: `limit`). */
export const CLV_LIMIT_DEFAULT = 10_000;
export const CLV_LIMIT_MAX = 100_000;

const DAY_MS = 86_400_000;

/** "YYYY-MM-DD" → days since 1970-01-01 (UTC), or a 400 naming the field. */
export function dayOf(iso: string, field = "observationEnd"): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  const t = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || !Number.isFinite(t) || new Date(t).getUTCDate() !== Number(m[3])) {
    throw new ApiError(400, "invalid_request", `${field} must be a date YYYY-MM-DD (got ${iso}).`, [
      { column: field, message: "not a date" },
    ]);
  }
  return t / DAY_MS;
}

export const isoOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** The CLV of every kept customer, in columns (order: first row of the customer in the file). */
export interface ClvRun extends Pick<TransactionSummary, "customer" | "ids" | "frequency" | "recency" | "T" | "monetary"> {
  observationEnd: string;
  horizonMonths: number;
  annualDiscountRate: number;
  margin: number;
  excludedTransactions: number;
  /** Customers first seen on the observation end (T = 0), left out of the fits and the table. */
  excludedNewCustomers: number;
  dataset: string;
  values: ClvColumns;
}

/**
 * BG/NBD + Gamma-Gamma CLV on the newest transactions dataset (docs/api.md#clv-on-transactions):
 * the RFM summary in lifetimes' conventions (days) built block by block from R2, both fits, per-customer
 * values as columns (no object per customer).
 * @throws ModelError no_transactions, no_repeat_buyers, …; ApiError 400 for a bad observationEnd
 */
export async function runClvColumns(env: Env, ws: string, req: ClvRequest): Promise<ClvRun> {
  const end = req.observationEnd ? dayOf(req.observationEnd) : undefined;
  const meta = await latestDataset(env, ws, "transactions");
  if (!meta || meta.rows === 0) {
    throw new ModelError(
      "no_transactions",
      "This workspace has no transactions: upload a transactions dataset (customer_id, date, amount) first.",
    );
  }
  const summary = await summariseTransactionBlocks(env, meta, end);
  // Customers whose first purchase falls on the observation end have T = 0: no time observed, no
  // information for the fits (and fitBgnbd rejects T = 0). They are left out and counted.
  // The kept customers are moved to the front of the summary's own arrays (no copies of a million-row column).
  const { customer, frequency, recency, T, monetary } = summary;
  const all = customer.length;
  let k = 0;
  for (let i = 0; i < all; i++) {
    if (!(T[i] > 0)) continue;
    customer[k] = customer[i];
    frequency[k] = frequency[i];
    recency[k] = recency[i];
    T[k] = T[i];
    monetary[k] = monetary[i];
    k++;
  }
  const kept = {
    customer: customer.subarray(0, k),
    frequency: frequency.subarray(0, k),
    recency: recency.subarray(0, k),
    T: T.subarray(0, k),
    monetary: monetary.subarray(0, k),
  };
  const values = clvColumns(kept, { horizonMonths: req.horizonMonths, annualDiscountRate: req.annualDiscountRate, margin: req.margin });
  return {
    observationEnd: isoOf(summary.observationEnd),
    horizonMonths: req.horizonMonths,
    annualDiscountRate: req.annualDiscountRate,
    margin: req.margin,
    excludedTransactions: summary.excludedTransactions,
    excludedNewCustomers: all - k,
    dataset: meta.id,
    ids: summary.ids,
    ...kept,
    values,
  };
}

/**
 * The rows listed when there are more customers than `limit`: the `limit` customers with the highest
 * CLV (null CLV ranks last; ties go to the earlier customer), kept in file order.
 */
export function listedCustomers(clv: Float64Array, limit: number): Int32Array {
  const n = clv.length;
  if (n <= limit) return Int32Array.from({ length: n }, (_, i) => i);
  if (limit === 0) return new Int32Array(0);
  const ranked = Float64Array.from(clv, (v) => (Number.isFinite(v) ? v : -Infinity)).sort();
  const cut = ranked[n - limit];
  let above = 0;
  for (let i = 0; i < n; i++) if ((Number.isFinite(clv[i]) ? clv[i] : -Infinity) > cut) above++;
  let ties = limit - above;
  const out = new Int32Array(limit);
  let j = 0;
  for (let i = 0; i < n && j < limit; i++) {
    const v = Number.isFinite(clv[i]) ? clv[i] : -Infinity;
    if (v > cut || (v === cut && ties-- > 0)) out[j++] = i;
  }
  return out;
}

/**
 * The JSON answer of POST .../clv: fits, totals over all customers, and the customers listed up to
 * `limit` (all of them, in file order, when there are at most `limit`).
 */
export async function runClv(env: Env, ws: string, req: ClvRequest & { limit?: number }) {
  const r = await runClvColumns(env, ws, req);
  const limit = Math.min(CLV_LIMIT_MAX, Math.max(0, Math.floor(req.limit ?? CLV_LIMIT_DEFAULT)));
  const v = r.values;
  const listed = listedCustomers(v.clv, limit);
  const customers = Array.from(listed, (j) => customerClv(r.ids.name(r.customer[j]), r, v, j));
  let repeatBuyers = 0;
  for (let i = 0; i < r.frequency.length; i++) if (r.frequency[i] > 0) repeatBuyers++;
  return {
    method: "bgnbd-gg" as const,
    observationEnd: r.observationEnd,
    horizonMonths: r.horizonMonths,
    annualDiscountRate: r.annualDiscountRate,
    margin: r.margin,
    excludedTransactions: r.excludedTransactions,
    excludedNewCustomers: r.excludedNewCustomers,
    dataset: r.dataset,
    bgnbd: v.bgnbd,
    gammaGamma: v.gammaGamma,
    customers,
    customersTotal: r.customer.length,
    customersTruncated: listed.length < r.customer.length,
    totals: v.totals,
    repeatBuyers,
    warnings: clvWarnings(v.bgnbd, v.gammaGamma, { customers: r.customer.length, repeatBuyers }),
  };
}

/** Header of GET .../export/clv.csv. */
export const CLV_CSV_HEADER = [
  "customer_id",
  "frequency",
  "recency",
  "T",
  "monetary",
  "p_alive",
  "expected_purchases",
  "expected_avg_value",
  "clv",
];

/**
 * Every customer row of a CLV run as a CSV stream (CRLF line ends, cells as `csvCell`), produced a
 * few thousand rows per chunk, so the export of a million customers is never one string.
 */
export function clvCsvStream(r: ClvRun, rowsPerChunk = 4096): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  const n = r.customer.length;
  const v = r.values;
  let next = -1;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (next < 0) {
        controller.enqueue(enc.encode(CLV_CSV_HEADER.map(csvCell).join(",") + "\r\n"));
        next = 0;
        return;
      }
      if (next >= n) {
        controller.close();
        return;
      }
      const stop = Math.min(n, next + rowsPerChunk);
      let s = "";
      for (let j = next; j < stop; j++) {
        s +=
          [
            r.ids.name(r.customer[j]),
            r.frequency[j],
            r.recency[j],
            r.T[j],
            r.monetary[j],
            v.pAlive[j],
            v.expectedPurchases[j],
            v.expectedAvgValue[j],
            v.clv[j],
          ]
            .map(csvCell)
            .join(",") + "\r\n";
      }
      next = stop;
      controller.enqueue(enc.encode(s));
    },
  });
}
