/**
 * RFM summary (frequency, recency, T, monetary) from a raw transaction log, in
 * lifetimes' `summary_data_from_transaction_data` conventions (docs/methods.md#rfm-summary):
 * time in whole days; purchases on the same day are one
 * purchase with the amounts summed; frequency = purchase days − 1; recency =
 * last − first purchase day; T = observationEnd − first purchase day;
 * monetary = mean amount of the repeat purchase days (0 when frequency is 0);
 * transactions after observationEnd are left out.
 */
import { ModelError } from "../numeric/errors";

export interface RfmSummary {
  /** Customers in order of their first row in the log (those with a purchase on or before observationEnd). */
  customerId: string[];
  frequency: Float64Array;
  /** Days. */
  recency: Float64Array;
  /** Days. */
  T: Float64Array;
  monetary: Float64Array;
  /** First purchase day of each customer. */
  firstDay: Float64Array;
  observationEnd: number;
  /** Transactions dated after observationEnd (left out). */
  excludedTransactions: number;
}

/**
 * Builds the RFM summary from transactions (day numbers, e.g. days since 1970-01-01; fractions are floored).
 * @param observationEnd last day of the calibration period, inclusive (default: the latest day in the log)
 * @throws ModelError invalid_input (lengths differ, a missing day or amount), no_transactions (nothing on or before observationEnd)
 * @example summariseTransactions(["a", "a", "a"], [0, 0, 7], [5, 5, 3], 10) // => frequency [1], recency [7], T [10], monetary [3]
 */
export function summariseTransactions(
  customerId: readonly (string | null)[],
  day: ArrayLike<number>,
  amount: ArrayLike<number>,
  observationEnd?: number,
): RfmSummary {
  const n = customerId.length;
  if (day.length !== n || amount.length !== n)
    throw new ModelError(
      "invalid_input",
      `customerId, day and amount must have the same length (got ${n}, ${day.length}, ${amount.length}).`,
    );
  let end = observationEnd ?? -Infinity;
  const ids = new Map<string, number>();
  const cust = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const id = customerId[i];
    if (id === null || id === "")
      throw new ModelError("invalid_input", `transaction ${i + 1}: the customer id is missing.`, ["customer_id"]);
    if (!Number.isFinite(day[i])) throw new ModelError("invalid_input", `transaction ${i + 1}: the date is missing or invalid.`, ["date"]);
    if (!Number.isFinite(amount[i]))
      throw new ModelError("invalid_input", `transaction ${i + 1}: the amount is missing or invalid.`, ["amount"]);
    let k = ids.get(id);
    if (k === undefined) {
      k = ids.size;
      ids.set(id, k);
    }
    cust[i] = k;
    if (observationEnd === undefined && day[i] > end) end = day[i];
  }
  end = Math.floor(end);
  // Sort transaction indices by (customer, day).
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const dayOf = Float64Array.from({ length: n }, (_, i) => Math.floor(day[i]));
  order.sort((i, j) => cust[i] - cust[j] || dayOf[i] - dayOf[j]);

  const m = ids.size;
  const first = new Float64Array(m).fill(NaN);
  const last = new Float64Array(m);
  const days = new Float64Array(m);
  const repeatSum = new Float64Array(m);
  let excluded = 0;
  let prevCust = -1;
  let prevDay = NaN;
  for (const i of order) {
    const d = dayOf[i];
    if (d > end) {
      excluded++;
      continue;
    }
    const c = cust[i];
    if (c !== prevCust) {
      first[c] = d;
      days[c] = 1;
      last[c] = d;
    } else if (d !== prevDay) {
      days[c]++;
      last[c] = d;
      repeatSum[c] += amount[i];
    } else if (days[c] > 1) {
      repeatSum[c] += amount[i]; // same repeat day: amounts summed into one purchase
    }
    prevCust = c;
    prevDay = d;
  }
  const names = [...ids.keys()];
  const kept: number[] = [];
  for (let c = 0; c < m; c++) if (!Number.isNaN(first[c])) kept.push(c);
  if (kept.length === 0)
    throw new ModelError("no_transactions", `There are no transactions on or before the observation end (day ${end}).`);
  const k = kept.length;
  const out: RfmSummary = {
    customerId: kept.map((c) => names[c]),
    frequency: new Float64Array(k),
    recency: new Float64Array(k),
    T: new Float64Array(k),
    monetary: new Float64Array(k),
    firstDay: new Float64Array(k),
    observationEnd: end,
    excludedTransactions: excluded,
  };
  kept.forEach((c, j) => {
    const f = days[c] - 1;
    out.frequency[j] = f;
    out.recency[j] = last[c] - first[c];
    out.T[j] = end - first[c];
    out.monetary[j] = f > 0 ? repeatSum[c] / f : 0;
    out.firstDay[j] = first[c];
  });
  return out;
}
