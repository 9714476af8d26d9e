import { RfmAccumulator } from "../../models/clv/rfm-blocks";
import type { Env } from "../env";
import { ApiError } from "../errors";
import type { Block } from "./blocks";
import { type DatasetMeta, readBlocks } from "./datasets";
import { IdTable } from "./id-table";

/**
 * The RFM summary (models/clv/rfm.ts conventions, docs/methods.md#rfm-summary) of a transactions dataset,
 * read block by block from R2 (so ten million transactions fit a 128 MB Worker). Each block's
 * customer_id dictionary is mapped to dense integer codes through one compact id table (id-table.ts; a
 * Map<string, number> of a million ids plus their strings takes over twice the memory), in order of first
 * appearance in the file; the block's codes, days and amounts go to `RfmAccumulator`, which keeps
 * O(customers) state. No transaction string or row is held beyond the block being read.
 *
 * The one-pass accumulator needs each customer's purchases in date order (an export sorted by date,
 * or by customer then date). When some customer's dates go backwards, the summary is rebuilt with
 * further passes: customers are split into ranges of at most `rowBudget` transactions, and each range's
 * transactions are gathered, sorted by (customer, day) and fed to a fresh accumulator, so memory stays
 * O(customers + rowBudget) whatever the order of the file.
 */
export interface TransactionSummary {
  /** Codes of the customers with a purchase on or before the end, ascending = in order of their first row in the file. */
  customer: Int32Array;
  /** Code → customer id (`ids.name(code)`). */
  ids: IdTable;
  /** Whole numbers (purchase days − 1, days, days) as Int32Array: exact, half the memory of doubles. */
  frequency: Int32Array;
  recency: Int32Array;
  T: Int32Array;
  monetary: Float64Array;
  /** First purchase day of each customer (days since 1970-01-01), Int32 like the other whole-day columns. */
  firstDay: Int32Array;
  /** Days since 1970-01-01. */
  observationEnd: number;
  excludedTransactions: number;
  /** Passes over the blocks: 1 for a file in date order per customer. */
  passes: number;
}

const COLUMNS = ["customer_id", "date", "amount"] as const;

/** The transactions of one block as customer codes, days and amounts (validated: a 422 names row and column). */
interface BlockRows {
  rows: number;
  codes: Int32Array;
  day: Float64Array;
  amount: Float64Array;
}

/** Customer id → dense code, assigned in order of first appearance. */
class CustomerCodes {
  readonly ids = new IdTable();
  /** Transactions per code. */
  count = new Int32Array(1024);

  code(id: string): number {
    const c = this.ids.add(id);
    if (c >= this.count.length) {
      const wider = new Int32Array(this.count.length * 2);
      wider.set(this.count);
      this.count = wider;
    }
    return c;
  }
}

const invalid = (row: number, column: string, what: string) =>
  new ApiError(422, "invalid_input", `Transaction row ${row}: the ${what} is missing or invalid.`, [
    { row, column, message: `${what} missing or invalid` },
  ]);

/**
 * Decodes a block's customer codes (assigning new codes when `assign`), days and amounts.
 * @throws ApiError 422 invalid_input naming the row (1-based data row) and column of a missing value
 */
function blockRows(block: Block, codes: CustomerCodes, assign: boolean): BlockRows {
  const col = (name: string) => block.columns.find((c) => c.name === name);
  const idCol = col("customer_id");
  const dayCol = col("date");
  const amountCol = col("amount");
  if (!idCol || idCol.storage !== "text") throw invalid(block.firstRow + 1, "customer_id", "customer id");
  if (!dayCol || dayCol.storage === "text") throw invalid(block.firstRow + 1, "date", "date");
  if (!amountCol || amountCol.storage === "text") throw invalid(block.firstRow + 1, "amount", "amount");
  // Dictionary entry → code: -1 missing id, -2 not looked up yet (assigned at its first row, so codes follow row order).
  const to = new Int32Array(idCol.dict.length + 1).fill(-2);
  to[0] = -1;
  const out = new Int32Array(block.rows);
  const day = dayCol.values;
  const amount = amountCol.values;
  for (let i = 0; i < block.rows; i++) {
    const k = idCol.codes[i];
    let c = to[k];
    if (c === -2) {
      const id = idCol.dict[k - 1];
      c = to[k] = assign ? codes.code(id) : codes.ids.get(id);
    }
    if (c < 0) throw invalid(block.firstRow + i + 1, "customer_id", "customer id");
    if (!Number.isFinite(day[i])) throw invalid(block.firstRow + i + 1, "date", "date");
    if (!Number.isFinite(amount[i])) throw invalid(block.firstRow + i + 1, "amount", "amount");
    out[i] = c;
  }
  return { rows: block.rows, codes: out, day, amount };
}

/**
 * Summarises the transactions dataset `meta` block by block (see the file comment).
 * @param observationEnd last day counted (days since 1970-01-01, inclusive); default the latest day in the file
 * @param rowBudget transactions gathered per extra pass when the file is not in date order per customer
 * @param calibrationEnd for a holdout test: the accumulator (returned) also counts the calibration customers' repeat
 *   purchase days after this day and per day (RfmAccumulator's `holdoutDays`, `repeatsByDay`)
 * @throws ModelError no_transactions when nothing falls on or before the end; ApiError 422 for a missing cell
 */
export async function summariseTransactionBlocks(
  env: Env,
  meta: DatasetMeta,
  observationEnd?: number,
  rowBudget = 1_000_000,
  calibrationEnd?: number,
): Promise<TransactionSummary & { accumulator: RfmAccumulator }> {
  const codes = new CustomerCodes();
  let acc = new RfmAccumulator(observationEnd, calibrationEnd);
  let maxDay = -Infinity;
  for await (const block of readBlocks(env, meta, COLUMNS)) {
    const b = blockRows(block, codes, true);
    for (let i = 0; i < b.rows; i++) {
      codes.count[b.codes[i]]++;
      if (b.day[i] > maxDay) maxDay = b.day[i];
    }
    acc.add(b.codes, b.day, b.amount, b.rows);
  }
  let passes = 1;
  if (!acc.inOrder) {
    // Not in date order per customer: rebuild from (customer, day)-sorted ranges of customers.
    const end = observationEnd ?? Math.floor(maxDay);
    acc = new RfmAccumulator(end, calibrationEnd);
    const m = codes.ids.size;
    for (let lo = 0; lo < m;) {
      let hi = lo;
      let rows = 0;
      while (hi < m && (hi === lo || rows + codes.count[hi] <= rowBudget)) rows += codes.count[hi++];
      const cust = new Int32Array(rows);
      const day = new Int32Array(rows);
      const amount = new Float64Array(rows);
      let n = 0;
      for await (const block of readBlocks(env, meta, COLUMNS)) {
        const b = blockRows(block, codes, false);
        for (let i = 0; i < b.rows; i++) {
          const c = b.codes[i];
          if (c < lo || c >= hi) continue;
          cust[n] = c;
          day[n] = Math.floor(b.day[i]);
          amount[n] = b.amount[i];
          n++;
        }
      }
      passes++;
      // Stable sort by (customer, day): same-day amounts keep their file order.
      const order = Int32Array.from({ length: n }, (_, i) => i).sort((i, j) => cust[i] - cust[j] || day[i] - day[j] || i - j);
      acc.add(
        Int32Array.from(order, (i) => cust[i]),
        Int32Array.from(order, (i) => day[i]),
        Float64Array.from(order, (i) => amount[i]),
        n,
      );
      lo = hi;
    }
  }
  // The hash table is not needed any more: freed before the summary's columns are allocated.
  codes.ids.freeze();
  const s = acc.summary();
  return {
    customer: s.customer,
    ids: codes.ids,
    frequency: s.frequency,
    recency: s.recency,
    T: s.T,
    monetary: s.monetary,
    firstDay: s.firstDay,
    observationEnd: s.observationEnd,
    excludedTransactions: s.excludedTransactions,
    passes,
    accumulator: acc,
  };
}
