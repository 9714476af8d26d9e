/**
 * The calibration/holdout test of a buy-till-you-die model (Fader, Hardie & Lee 2005, figures 3 and 4;
 * lifetimes' `plot_calibration_purchases_vs_holdout_purchases` and `plot_cumulative_transactions`):
 * fitted on the calibration period, the model's predictions for the holdout period are set against what
 * the same customers did.
 *
 * - By calibration frequency (0, 1, …, 7+): the mean of E[X(T, T + t*] | x, tₓ, T] (t* = holdout length)
 *   against the mean number of repeat purchase days in the holdout.
 * - Weekly cumulative repeat transactions from the first purchase day: predicted Σᵢ E[X(t − sᵢ)] over the
 *   calibration customers (sᵢ their first purchase day; E[X(·)] of a new customer) against the actual count.
 * - Summary errors: the percentage error of the total holdout repeat purchases, the mean absolute error of
 *   the by-frequency means (purchases per customer), and the mean absolute percentage error of the
 *   cumulative curve over the holdout weeks.
 * Times are whole days (lifetimes' conventions), weeks are 7 days from the first purchase day.
 */
import { ModelError } from "../numeric/errors";
import { type ClvLayout, clvLayout, type PurchaseModel } from "./transactions-clv";

export interface HoldoutInput {
  /** Calibration summary of each calibration customer (days). */
  frequency: ArrayLike<number>;
  recency: ArrayLike<number>;
  T: ArrayLike<number>;
  /** First purchase day of each calibration customer (days since 1970-01-01). */
  firstDay: ArrayLike<number>;
  /** Repeat purchase days of each calibration customer in (calibrationEnd, holdoutEnd]. */
  actual: ArrayLike<number>;
  /** Repeat purchase days of the calibration customers on each day up to holdoutEnd (day → count). */
  repeatsByDay: Map<number, number>;
  calibrationEnd: number;
  holdoutEnd: number;
}

export interface HoldoutFrequencyRow {
  /** Calibration frequency; 7 stands for 7 or more (`label` "7+"). */
  frequency: number;
  label: string;
  customers: number;
  /** Mean predicted repeat purchases per customer in the holdout period. */
  predicted: number;
  /** Mean actual repeat purchases (purchase days) per customer in the holdout period. */
  actual: number;
}

export interface HoldoutResult {
  calibrationEnd: number;
  holdoutEnd: number;
  holdoutDays: number;
  byFrequency: HoldoutFrequencyRow[];
  /** Cumulative repeat transactions at the end of each week from the first purchase day. */
  weekly: { week: number; predicted: number; actual: number }[];
  /** Weeks 1..calibrationWeeks end on or before the calibration end. */
  calibrationWeeks: number;
  summary: {
    predictedTotal: number;
    actualTotal: number;
    /** (predicted − actual) / actual of the holdout total, in %; null when actual is 0. */
    totalPercentError: number | null;
    /** Mean absolute error of the by-frequency means, repeat purchases per customer. */
    byFrequencyMae: number;
    /** Mean absolute percentage error of the cumulative curve over the holdout weeks, in %; null when undefined. */
    weeklyMape: number | null;
  };
}

/** Frequencies 0..6 and 7+ (FHL 2005 fig. 3). */
const TOP = 7;

/**
 * Holdout test of a fitted purchase model (time in days).
 * @throws ModelError invalid_input when the columns differ in length or the holdout does not end after the calibration
 * @example holdoutTest(bgnbdModel(fit), input).summary.totalPercentError // CDNOW_sample, 1997-09-30: about −12%
 */
export function holdoutTest(model: PurchaseModel, d: HoldoutInput, layout?: ClvLayout): HoldoutResult {
  const n = d.frequency.length;
  if (d.recency.length !== n || d.T.length !== n || d.firstDay.length !== n || d.actual.length !== n)
    throw new ModelError("invalid_input", "frequency, recency, T, firstDay and actual must have the same length.");
  const tStar = d.holdoutEnd - d.calibrationEnd;
  if (!(tStar > 0))
    throw new ModelError("invalid_input", "The holdout end must come after the calibration end (observationEnd).", ["holdoutEnd"]);
  const lay = layout ?? clvLayout({ ...d, monetary: d.frequency });
  const { pat, pairOf, pairX, pairT } = lay;
  const growth = Float64Array.from(pairX, (x, g) => model.growth(x, pairT[g], tStar));
  const pred = new Float64Array(pat.count);
  for (let k = 0; k < pat.count; k++) pred[k] = growth[pairOf[k]] * model.pAlive(pat.x[k], pat.tx[k], pat.T[k]);
  const cnt = new Float64Array(TOP + 1),
    sp = new Float64Array(TOP + 1),
    sa = new Float64Array(TOP + 1);
  let predictedTotal = 0,
    actualTotal = 0;
  let origin = Infinity;
  for (let j = 0; j < n; j++) {
    const g = Math.min(TOP, d.frequency[j]);
    const p = pred[pat.index[j]];
    cnt[g]++;
    sp[g] += p;
    sa[g] += d.actual[j];
    predictedTotal += p;
    actualTotal += d.actual[j];
    if (d.firstDay[j] < origin) origin = d.firstDay[j];
  }
  const byFrequency: HoldoutFrequencyRow[] = [];
  let mae = 0,
    groups = 0;
  for (let g = 0; g <= TOP; g++) {
    if (cnt[g] === 0) continue;
    const row = {
      frequency: g,
      label: g === TOP ? `${TOP}+` : String(g),
      customers: cnt[g],
      predicted: sp[g] / cnt[g],
      actual: sa[g] / cnt[g],
    };
    byFrequency.push(row);
    mae += Math.abs(row.predicted - row.actual);
    groups++;
  }
  // Cohorts by first purchase day; the new-customer expectation E[X(t)] = growth(0, 0, t) (P(alive) 1 at x = 0).
  const cohorts = new Map<number, number>();
  for (let j = 0; j < n; j++) cohorts.set(d.firstDay[j], (cohorts.get(d.firstDay[j]) ?? 0) + 1);
  const days = [...d.repeatsByDay.keys()].sort((a, b) => a - b);
  const weeks = Math.ceil((d.holdoutEnd - origin + 1) / 7);
  const weekly: HoldoutResult["weekly"] = [];
  let di = 0,
    actualCum = 0,
    calibrationWeeks = 0,
    ape = 0,
    apeN = 0;
  for (let w = 1; w <= weeks; w++) {
    const end = Math.min(origin + 7 * w - 1, d.holdoutEnd);
    while (di < days.length && days[di] <= end) actualCum += d.repeatsByDay.get(days[di++])!;
    let predicted = 0;
    for (const [s, m] of cohorts) if (s < end) predicted += m * model.growth(0, 0, end - s);
    weekly.push({ week: w, predicted, actual: actualCum });
    if (end <= d.calibrationEnd) calibrationWeeks = w;
    else if (actualCum > 0) {
      ape += Math.abs(predicted - actualCum) / actualCum;
      apeN++;
    }
  }
  return {
    calibrationEnd: d.calibrationEnd,
    holdoutEnd: d.holdoutEnd,
    holdoutDays: tStar,
    byFrequency,
    weekly,
    calibrationWeeks,
    summary: {
      predictedTotal,
      actualTotal,
      totalPercentError: actualTotal > 0 ? (100 * (predictedTotal - actualTotal)) / actualTotal : null,
      byFrequencyMae: groups ? mae / groups : 0,
      weeklyMape: apeN ? (100 * ape) / apeN : null,
    },
  };
}

/**
 * The holdout test's input from a transaction log in memory (lifetimes' conventions: whole days, same-day purchases one
 * purchase): the calibration summary up to `calibrationEnd`, each calibration customer's repeat purchase days in
 * (calibrationEnd, holdoutEnd] and the daily count of their repeat purchase days. Customers first seen after the
 * calibration end are not in the test (`newInHoldout` counts them).
 * @example holdoutInput(["a", "a", "a"], [0, 5, 12], [1, 1, 1], 9, 20).actual // => [1]
 */
export function holdoutInput(
  customerId: readonly string[],
  day: ArrayLike<number>,
  amount: ArrayLike<number>,
  calibrationEnd: number,
  holdoutEnd: number,
): HoldoutInput & { customerId: string[]; monetary: Float64Array; newInHoldout: number } {
  const byCustomer = new Map<string, { days: Set<number>; amounts: Map<number, number> }>();
  for (let i = 0; i < customerId.length; i++) {
    const d = Math.floor(day[i]);
    if (d > holdoutEnd) continue;
    let c = byCustomer.get(customerId[i]);
    if (!c) byCustomer.set(customerId[i], (c = { days: new Set(), amounts: new Map() }));
    c.days.add(d);
    c.amounts.set(d, (c.amounts.get(d) ?? 0) + amount[i]);
  }
  const ids: string[] = [];
  const rows: number[][] = [];
  const repeatsByDay = new Map<number, number>();
  let newInHoldout = 0;
  for (const [id, c] of byCustomer) {
    const ds = [...c.days].sort((a, b) => a - b);
    if (ds[0] > calibrationEnd) {
      newInHoldout++;
      continue;
    }
    const cal = ds.filter((v) => v <= calibrationEnd);
    const x = cal.length - 1;
    let spend = 0;
    for (const v of cal.slice(1)) spend += c.amounts.get(v)!;
    ids.push(id);
    rows.push([x, cal[x] - cal[0], calibrationEnd - cal[0], ds[0], ds.length - cal.length, x > 0 ? spend / x : 0]);
    for (const v of ds.slice(1)) repeatsByDay.set(v, (repeatsByDay.get(v) ?? 0) + 1);
  }
  const col = (k: number) => Float64Array.from(rows, (r) => r[k]);
  return {
    customerId: ids,
    frequency: col(0),
    recency: col(1),
    T: col(2),
    firstDay: col(3),
    actual: col(4),
    monetary: col(5),
    repeatsByDay,
    calibrationEnd,
    holdoutEnd,
    newInHoldout,
  };
}
