/**
 * The RFM summary of `summariseTransactions` (lifetimes' conventions: whole days, same-day purchases
 * one purchase, frequency = purchase days − 1, recency = last − first day, T = end − first day,
 * monetary = mean amount of the repeat purchase days) built in one pass over transaction blocks in
 * date order, with O(customers) state: first day, last day, purchase days and repeat amount per
 * customer code. Nothing is sorted and no transaction is kept, so 10M transactions cost one scan.
 * Days and purchase-day counts are whole numbers and kept as Int32 (exact), amounts as Float64: 20 bytes per
 * customer, so a million customers fit a 128 MB Worker with room for the fits.
 * Logs not in date order per customer are reported (`inOrder` false) so the caller can fall back to
 * the in-memory summary.
 */
import { ModelError } from "../numeric/errors";
import type { RfmSummary } from "./rfm";

/**
 * `summariseTransactions`' summary with customer codes (as given to `add`, ascending) in place of ids; the
 * whole-day columns as Int32Array (the same values as RfmSummary's Float64Array columns).
 */
export type RfmBlockSummary = Omit<RfmSummary, "customerId" | "frequency" | "recency" | "T" | "firstDay"> & {
  customer: Int32Array;
  frequency: Int32Array;
  recency: Int32Array;
  T: Int32Array;
  firstDay: Int32Array;
};

export class RfmAccumulator {
  /** First and last purchase day; `days` = purchase days so far (0: no purchase yet, first/last unset). */
  private first = new Int32Array(1024);
  private last = new Int32Array(1024);
  private days = new Int32Array(1024);
  private repeat = new Float64Array(1024);
  private size = 0;
  private maxDay = -Infinity;
  private excluded = 0;
  private consumed = false;
  /** False once some customer's days went backwards: the summary would be wrong. */
  inOrder = true;

  private holdout: Int32Array | null = null;
  /** Repeat purchase days per day of the customers first seen by `calibrationEnd` (holdout tests only). */
  readonly repeatsByDay = new Map<number, number>();

  /**
   * @param observationEnd last day counted (inclusive); default the latest day seen
   * @param calibrationEnd for a holdout test: also count, for customers first seen on or before this day, their repeat
   *   purchase days after it (`holdoutDays`) and their repeat purchase days per day (`repeatsByDay`)
   */
  constructor(
    private readonly observationEnd?: number,
    private readonly calibrationEnd?: number,
  ) {
    if (calibrationEnd !== undefined) this.holdout = new Int32Array(1024);
  }

  /** Repeat purchase days after the calibration end of customer code c (0 without a calibration end). */
  holdoutDays(c: number): number {
    return this.holdout && c < this.holdout.length ? this.holdout[c] : 0;
  }

  private grow(c: number): void {
    let cap = this.first.length;
    while (cap <= c) cap *= 2;
    const widen = <T extends Int32Array | Float64Array>(a: T, b: T): T => {
      b.set(a);
      return b;
    };
    this.first = widen(this.first, new Int32Array(cap));
    this.last = widen(this.last, new Int32Array(cap));
    this.days = widen(this.days, new Int32Array(cap));
    this.repeat = widen(this.repeat, new Float64Array(cap));
    if (this.holdout) this.holdout = widen(this.holdout, new Int32Array(cap));
  }

  /**
   * Adds n transactions: customer code (0, 1, 2, …), day (fractions floored) and amount.
   * @throws ModelError invalid_input for a missing day or amount or a negative code
   */
  add(customer: ArrayLike<number>, day: ArrayLike<number>, amount: ArrayLike<number>, n = customer.length): void {
    if (this.consumed) throw new Error("RfmAccumulator.add() after summary()");
    const end = this.observationEnd ?? Infinity;
    for (let i = 0; i < n; i++) {
      const c = customer[i];
      const d = Math.floor(day[i]);
      const a = amount[i];
      if (!(c >= 0) || !(Math.abs(d) < 2 ** 31) || !Number.isFinite(a))
        throw new ModelError("invalid_input", `transaction ${i + 1} of the block: the customer, date or amount is missing or invalid.`);
      if (d > end) {
        this.excluded++;
        continue;
      }
      if (d > this.maxDay) this.maxDay = d;
      if (c >= this.first.length) this.grow(c);
      if (c >= this.size) this.size = c + 1;
      if (this.days[c] === 0) {
        this.first[c] = d;
        this.last[c] = d;
        this.days[c] = 1;
      } else if (d !== this.last[c]) {
        if (d < this.last[c]) this.inOrder = false;
        this.days[c]++;
        this.last[c] = d;
        this.repeat[c] += a;
        if (this.holdout && this.first[c] <= this.calibrationEnd!) {
          this.repeatsByDay.set(d, (this.repeatsByDay.get(d) ?? 0) + 1);
          if (d > this.calibrationEnd!) this.holdout[c]++;
        }
      } else if (this.days[c] > 1) this.repeat[c] += a; // same repeat day: one purchase, amounts summed
    }
  }

  /**
   * The summary. It takes over the accumulator's own arrays where it can (every code below the largest has
   * a purchase on or before the end, the usual case): only T and the codes are new, so a million customers
   * need 8 MB more. Call it once, after the last `add`.
   * @throws ModelError no_transactions when no purchase falls on or before the end
   */
  summary(): RfmBlockSummary {
    if (this.consumed) throw new Error("RfmAccumulator.summary() was already called");
    this.consumed = true;
    const end = Math.floor(this.observationEnd ?? this.maxDay);
    let k = 0;
    for (let c = 0; c < this.size; c++) if (this.days[c] > 0) k++;
    if (k === 0) throw new ModelError("no_transactions", `There are no transactions on or before the observation end (day ${end}).`);
    const n = this.size;
    const inPlace = k === n;
    const out: RfmBlockSummary = {
      customer: new Int32Array(k),
      frequency: inPlace ? this.days.subarray(0, n) : new Int32Array(k),
      recency: inPlace ? this.last.subarray(0, n) : new Int32Array(k),
      T: new Int32Array(k),
      monetary: inPlace ? this.repeat.subarray(0, n) : new Float64Array(k),
      firstDay: inPlace ? this.first.subarray(0, n) : new Int32Array(k),
      observationEnd: end,
      excludedTransactions: this.excluded,
    };
    // In place, each output entry j = c is written after its inputs at c are read.
    let j = 0;
    for (let c = 0; c < n; c++) {
      if (this.days[c] === 0) continue;
      const f0 = this.first[c];
      const f = this.days[c] - 1;
      const rec = this.last[c] - f0;
      const mon = f > 0 ? this.repeat[c] / f : 0;
      out.customer[j] = c;
      out.frequency[j] = f;
      out.recency[j] = rec;
      out.T[j] = end - f0;
      out.monetary[j] = mon;
      out.firstDay[j] = f0;
      j++;
    }
    return out;
  }
}
