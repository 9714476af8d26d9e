/**
 * Customer lifetime value on transactions (docs/methods.md#transactions-clv):
 * BG/NBD for the number of future purchases, Gamma-Gamma for their value,
 * discounted monthly:
 * clv = margin · E[M] · Σ_{m=1..H} (E[X(m)] − E[X(m−1)]) / (1 + i)^m,
 * i = (1 + annualDiscountRate)^(1/12) − 1, a month = 365.25/12 days.
 */
import { type BgnbdParams, type BgnbdResult, bgnbdConditionalGrowth, bgnbdExpectedPurchases, bgnbdPAlive, fitBgnbd } from "./bgnbd";
import { fitGammaGamma, type GammaGammaParams, type GammaGammaResult, gammaGammaExpectedSpend } from "./gamma-gamma";
import { ModelError } from "../numeric/errors";
import { collapsePatterns, type Patterns } from "./patterns";
import { fitParetoNbd, paretoNbdModel, type ParetoNbdResult } from "./pareto-nbd";
import { periodDiscountRate } from "../scenario/money";

/**
 * Days in a month for the horizon (docs/methods.md#transactions-clv: a month is 365.25/12 days).
 * @example 12 * DAYS_PER_MONTH // => 365.25
 */
export const DAYS_PER_MONTH = 365.25 / 12;

export interface ClvOptions {
  horizonMonths: number;
  annualDiscountRate: number;
  /** Gross margin on spend, 0..1. */
  margin: number;
  /** Length of one time unit of recency / T in days (1 when they are in days, 7 for weeks). Default 1. */
  daysPerTimeUnit?: number;
  /** Most ₂F₁ series terms the forecast may take (CLV_MAX_SERIES_TERMS by default); see clvSeriesTerms. */
  maxSeriesTerms?: number;
}

/**
 * The ₂F₁ series terms one request may spend on the monthly forecasts: about 4 s of one core at ~10 ns a term
 * (bench/run.mjs machine). The work is distinct (x, T) pairs × months × terms per value, and the terms grow with
 * the month (the series argument t/(α+T+t) tends to 1), so a long horizon on many customers is refused up front.
 */
export const CLV_MAX_SERIES_TERMS = 400_000_000;

/**
 * Estimated ₂F₁ series terms of the monthly forecasts: per (x, T) pair and month, about 80 / −ln z terms, with
 * −ln z = ln(1 + (α+T)/t) ≥ (α+T)/(t + (α+T)/2); 80 is above the 46–72 terms per unit counted on simulated BG/NBD
 * books of 2,357 and 20,000 customers.
 */
export function clvSeriesTerms(alpha: number, Ts: Iterable<number>, horizonMonths: number, unitsPerMonth: number): number {
  let s1 = 0;
  let pairs = 0;
  for (const T of Ts) {
    s1 += unitsPerMonth / (alpha + T);
    pairs++;
  }
  const H = horizonMonths;
  return 80 * (s1 * ((H * (H + 1)) / 2) + pairs * (H / 2));
}

export interface CustomerClv {
  customerId: string;
  frequency: number;
  recency: number;
  T: number;
  monetary: number;
  pAlive: number | null;
  expectedPurchases: number | null;
  expectedAvgValue: number | null;
  clv: number | null;
}

export interface ClvTable {
  bgnbd: BgnbdResult;
  gammaGamma: GammaGammaResult;
  customers: CustomerClv[];
  totals: { customers: number; expectedPurchases: number; clv: number };
}

const orNull = (v: number) => (Number.isFinite(v) ? v : null);

/**
 * Discounted CLV of one customer under fitted BG/NBD and Gamma-Gamma parameters (time in the fit's unit).
 * @example discountedClv(bg, gg, 2, 30.43, 38.86, 22.35, { horizonMonths: 12, annualDiscountRate: 0.1, margin: 0.3, daysPerTimeUnit: 7 })
 */
export function discountedClv(
  bg: BgnbdParams,
  gg: GammaGammaParams,
  x: number,
  tx: number,
  T: number,
  monetary: number,
  opts: ClvOptions,
): { expectedPurchases: number; expectedAvgValue: number; clv: number } {
  const unitsPerMonth = DAYS_PER_MONTH / (opts.daysPerTimeUnit ?? 1);
  const i = periodDiscountRate(opts.annualDiscountRate, 1);
  const spend = gammaGammaExpectedSpend(gg, x, monetary);
  let prev = 0;
  let sum = 0;
  for (let m = 1; m <= opts.horizonMonths; m++) {
    const e = bgnbdExpectedPurchases(bg, x, tx, T, m * unitsPerMonth);
    sum += (e - prev) / Math.pow(1 + i, m);
    prev = e;
  }
  return { expectedPurchases: prev, expectedAvgValue: spend, clv: opts.margin * spend * sum };
}

/** A purchase model in the form E[X(T, T + t] | x, tₓ, T] = growth(x, T, t) · P(alive | x, tₓ, T) (BG/NBD, Pareto/NBD). */
export interface PurchaseModel {
  growth(x: number, T: number, t: number): number;
  pAlive(x: number, tx: number, T: number): number;
}

/** BG/NBD as a `PurchaseModel` (FHL 2005 eq. 10 and 13). @example bgnbdModel(fit).pAlive(2, 30.43, 38.86) // => 0.7266 */
export const bgnbdModel = (p: BgnbdParams): PurchaseModel => ({
  growth: (x, T, t) => bgnbdConditionalGrowth(p, x, T, t),
  pAlive: (x, tx, T) => bgnbdPAlive(p, x, tx, T),
});

/**
 * Per-customer CLV values (NaN where a value is undefined), for large customer counts: the CLV as a column, P(alive) and
 * the expected purchases as values per (x, tₓ, T) pattern read through the layout's pattern index, and the expected
 * spend computed from the customer's frequency and monetary value when asked for. A million customers hold one
 * Float64Array (8 MB) and the patterns' values rather than four per-customer columns (32 MB).
 */
export interface ClvColumns {
  bgnbd: BgnbdResult;
  gammaGamma: GammaGammaResult;
  clv: Float64Array;
  /** Customer j's P(alive | x, tₓ, T). */
  pAliveAt(j: number): number;
  /** Customer j's expected purchases over the horizon (undiscounted). */
  expectedPurchasesAt(j: number): number;
  /** Customer j's expected spend per purchase (Gamma-Gamma). */
  expectedAvgValueAt(j: number): number;
  /** Sums over the customers (non-finite values skipped). */
  totals: { customers: number; expectedPurchases: number; clv: number };
  /** Customers with T = 0 (first purchase on the observation end): valued from the fitted population (prior), not fitted on. */
  newCustomers: number;
  /** The purchase model the values come from: BG/NBD (default) or Pareto/NBD (`paretoNbd` then holds its fit). */
  method: ClvMethod;
  paretoNbd: ParetoNbdResult | null;
}

export type ClvMethod = "bgnbd-gg" | "pareto-nbd-gg";

type RfmIn = { frequency: ArrayLike<number>; recency: ArrayLike<number>; T: ArrayLike<number>; monetary: ArrayLike<number> };

/** The customers' (x, tₓ, T) patterns and their distinct (x, T) pairs: what every valuation of the same data shares. */
export interface ClvLayout {
  pat: Patterns;
  /** Pair index of each pattern, and each pair's x and T. */
  pairOf: Int32Array;
  pairX: Float64Array;
  pairT: Float64Array;
}

/** @example clvLayout({ frequency: [0, 0], recency: [0, 0], T: [5, 5], monetary: [0, 0] }).pairX.length // => 1 */
export function clvLayout(s: RfmIn): ClvLayout {
  const pat = collapsePatterns(s.frequency, s.recency, s.T);
  const byXT = new Map<number, Map<number, number>>();
  const pairOf = new Int32Array(pat.count);
  const xs: number[] = [];
  const ts: number[] = [];
  for (let k = 0; k < pat.count; k++) {
    const x = pat.x[k],
      T = pat.T[k];
    let byT = byXT.get(x);
    if (!byT) byXT.set(x, (byT = new Map()));
    let g = byT.get(T);
    if (g === undefined) {
      g = xs.length;
      byT.set(T, g);
      xs.push(x);
      ts.push(T);
    }
    pairOf[k] = g;
  }
  return { pat, pairOf, pairX: Float64Array.from(xs), pairT: Float64Array.from(ts) };
}

function checkOptions(opts: ClvOptions): void {
  if (!(Number.isInteger(opts.horizonMonths) && opts.horizonMonths >= 1 && opts.horizonMonths <= 600))
    throw new ModelError("invalid_input", `horizonMonths must be a whole number from 1 to 600 (got ${opts.horizonMonths}).`);
  if (!(opts.annualDiscountRate > -1 && opts.annualDiscountRate < 10))
    throw new ModelError("invalid_input", `annualDiscountRate must be a fraction such as 0.1 (got ${opts.annualDiscountRate}).`);
  if (!(opts.margin >= 0 && opts.margin <= 1))
    throw new ModelError("invalid_input", `margin must be between 0 and 1 (got ${opts.margin}).`);
}

/**
 * Values every customer under given model parameters: clv = margin · E[M] · Σ_m ΔE[X(m)] / (1 + i)^m, written into
 * `out.clv`.
 * @returns sums over the customers of the expected purchases and the CLV (non-finite values skipped), and per pattern of
 *   the layout P(alive) and the undiscounted expected purchases
 * @example valueCustomers(bgnbdModel(bg), gg, s, clvLayout(s), opts, { clv: new Float64Array(n) }).clv
 */
export function valueCustomers(
  model: PurchaseModel,
  gg: GammaGammaParams,
  s: RfmIn,
  layout: ClvLayout,
  opts: ClvOptions,
  out: { clv: Float64Array },
): {
  expectedPurchases: number;
  clv: number;
  patternPAlive: Float64Array<ArrayBuffer>;
  patternExpectedPurchases: Float64Array<ArrayBuffer>;
} {
  const { pat, pairOf, pairX, pairT } = layout;
  const unitsPerMonth = DAYS_PER_MONTH / (opts.daysPerTimeUnit ?? 1);
  const i = periodDiscountRate(opts.annualDiscountRate, 1);
  const H = opts.horizonMonths;
  // E[X(t) | x, tₓ, T] = growth(x, T, t) · P(alive | x, tₓ, T): the growth part does not depend on tₓ, so the H monthly
  // values are computed once per distinct (x, T), not per pattern (a million customers have ~600k patterns but far
  // fewer (x, T) pairs).
  const discounting = Float64Array.from({ length: H }, (_, m) => Math.pow(1 + i, -(m + 1)));
  const np = pairX.length;
  const growthDisc = new Float64Array(np);
  const growthTotal = new Float64Array(np);
  for (let g = 0; g < np; g++) {
    let prev = 0;
    let sum = 0;
    for (let m = 1; m <= H; m++) {
      const e = model.growth(pairX[g], pairT[g], m * unitsPerMonth);
      sum += (e - prev) * discounting[m - 1];
      prev = e;
    }
    growthDisc[g] = sum;
    growthTotal[g] = prev;
  }
  const disc = new Float64Array(pat.count);
  const total = new Float64Array(pat.count);
  const alive = new Float64Array(pat.count);
  for (let k = 0; k < pat.count; k++) {
    const pA = model.pAlive(pat.x[k], pat.tx[k], pat.T[k]);
    alive[k] = pA;
    disc[k] = growthDisc[pairOf[k]] * pA;
    total[k] = growthTotal[pairOf[k]] * pA;
  }
  const n = s.frequency.length;
  let sumE = 0;
  let sumClv = 0;
  for (let j = 0; j < n; j++) {
    const k = pat.index[j];
    const spend = gammaGammaExpectedSpend(gg, s.frequency[j], s.monetary[j]);
    const clv = opts.margin * spend * disc[k];
    if (Number.isFinite(total[k])) sumE += total[k];
    if (Number.isFinite(clv)) sumClv += clv;
    out.clv[j] = clv;
  }
  return { expectedPurchases: sumE, clv: sumClv, patternPAlive: alive, patternExpectedPurchases: total };
}

/**
 * The rows a purchase model can be fitted on: customers with T > 0 (those first seen on the observation end carry
 * no information and are valued from the fitted population instead). The input itself when every T > 0.
 * @example fittable({ frequency: [1, 0], recency: [3, 0], T: [5, 0], monetary: [9, 0] }).rows.frequency // => [1]
 */
export function fittable(s: RfmIn): { rows: RfmIn; dropped: number } {
  const n = s.frequency.length;
  let k = 0;
  for (let j = 0; j < n; j++) if (s.T[j] > 0) k++;
  if (k === n) return { rows: s, dropped: 0 };
  const rows = { frequency: new Float64Array(k), recency: new Float64Array(k), T: new Float64Array(k), monetary: new Float64Array(k) };
  let o = 0;
  for (let j = 0; j < n; j++) {
    if (!(s.T[j] > 0)) continue;
    rows.frequency[o] = s.frequency[j];
    rows.recency[o] = s.recency[j];
    rows.T[o] = s.T[j];
    rows.monetary[o] = s.monetary[j];
    o++;
  }
  return { rows, dropped: n - k };
}

/**
 * Fits BG/NBD (and Pareto/NBD when `method` is "pareto-nbd-gg", which then gives the values) on all customers with
 * T > 0 and Gamma-Gamma on repeat customers, then values every customer, in
 * columns: no object per customer, so a million customers cost four Float64Arrays. Customers with T = 0 (first
 * purchase on the observation end) get P(alive) 1, the expected purchases of a new customer and the population's
 * mean spend, as lifetimes predicts for them, and count in the totals.
 * @throws ModelError invalid_input (bad options or columns), no_transactions, no_repeat_buyers, not_converged
 * @example clvColumns(summariseTransactions(ids, days, amounts), { horizonMonths: 12, annualDiscountRate: 0.1, margin: 0.3 }).totals.clv
 */
export function clvColumns(s: RfmIn, opts: ClvOptions, layout?: ClvLayout, method: ClvMethod = "bgnbd-gg"): ClvColumns {
  checkOptions(opts);
  const { rows, dropped } = fittable(s);
  if (rows.frequency.length === 0)
    throw new ModelError(
      "no_transactions",
      "Every customer made their first purchase on the observation end, so there is no purchase history to fit: choose a later observation end.",
    );
  const lay = layout ?? clvLayout(s);
  // Every row fittable: the fit's patterns are the layout's (the same collapse of the same columns), not a second copy.
  const bgnbd = fitBgnbd({ frequency: rows.frequency, recency: rows.recency, T: rows.T }, rows === s ? lay.pat : undefined);
  const gammaGamma = fitGammaGamma({ frequency: rows.frequency, monetary: rows.monetary });
  const paretoNbd = method === "pareto-nbd-gg" ? fitParetoNbd({ frequency: rows.frequency, recency: rows.recency, T: rows.T }) : null;
  const n = s.frequency.length;
  const index = lay.pat.index;
  let alive: Float64Array = new Float64Array(0);
  let total: Float64Array = new Float64Array(0);
  const out: ClvColumns = {
    bgnbd,
    gammaGamma,
    clv: new Float64Array(n),
    pAliveAt: (j) => alive[index[j]],
    expectedPurchasesAt: (j) => total[index[j]],
    expectedAvgValueAt: (j) => gammaGammaExpectedSpend(gammaGamma, s.frequency[j], s.monetary[j]),
    totals: { customers: n, expectedPurchases: 0, clv: 0 },
    newCustomers: dropped,
    method,
    paretoNbd,
  };
  const model = paretoNbd ? paretoNbdModel(paretoNbd) : bgnbdModel(bgnbd);
  // The ₂F₁ work of the forecast, bounded before it starts (horizon_too_long names the horizon that fits).
  checkSeriesWork(
    bgnbd.alpha,
    lay.pat,
    opts.horizonMonths,
    DAYS_PER_MONTH / (opts.daysPerTimeUnit ?? 1),
    opts.maxSeriesTerms ?? CLV_MAX_SERIES_TERMS,
  );
  const sums = valueCustomers(model, gammaGamma, s, lay, opts, out);
  alive = sums.patternPAlive;
  total = sums.patternExpectedPurchases;
  out.totals.expectedPurchases = sums.expectedPurchases;
  out.totals.clv = sums.clv;
  return out;
}

/**
 * Refuses a forecast whose series work is over the budget, naming the longest horizon this book allows.
 * @throws ModelError horizon_too_long
 */
function checkSeriesWork(
  alpha: number,
  pat: { count: number; x: ArrayLike<number>; T: ArrayLike<number> },
  H: number,
  unitsPerMonth: number,
  budget: number,
): void {
  const seen = new Map<number, Set<number>>();
  const Ts: number[] = [];
  for (let k = 0; k < pat.count; k++) {
    let byT = seen.get(pat.x[k]);
    if (!byT) seen.set(pat.x[k], (byT = new Set()));
    if (byT.has(pat.T[k])) continue;
    byT.add(pat.T[k]);
    Ts.push(pat.T[k]);
  }
  const need = clvSeriesTerms(alpha, Ts, H, unitsPerMonth);
  if (need <= budget) return;
  let ok = 0;
  for (let lo = 1, hi = H - 1; lo <= hi;) {
    const mid = (lo + hi) >> 1;
    if (clvSeriesTerms(alpha, Ts, mid, unitsPerMonth) <= budget) {
      ok = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  throw new ModelError(
    "horizon_too_long",
    `A ${H}-month forecast for ${Ts.length} distinct purchase histories needs about ${Math.round(need / 1e6)}M series terms, ` +
      `more than one request may compute (${Math.round(budget / 1e6)}M). ` +
      (ok ? `Use horizonMonths ${ok} or less for this dataset.` : "Use a shorter horizon."),
  );
}

/**
 * Fits BG/NBD on all customers and Gamma-Gamma on repeat customers, then values each customer.
 * @throws ModelError invalid_input (bad options or columns), no_transactions, no_repeat_buyers, not_converged
 * @example clvTable(summariseTransactions(ids, days, amounts), { horizonMonths: 12, annualDiscountRate: 0.1, margin: 0.3 }).totals.clv
 */
export function clvTable(
  s: {
    customerId: readonly string[];
    frequency: ArrayLike<number>;
    recency: ArrayLike<number>;
    T: ArrayLike<number>;
    monetary: ArrayLike<number>;
  },
  opts: ClvOptions,
): ClvTable {
  const c = clvColumns(s, opts);
  const customers: CustomerClv[] = s.customerId.map((id, j) => customerClv(id, s, c, j));
  return { bgnbd: c.bgnbd, gammaGamma: c.gammaGamma, customers, totals: c.totals };
}

/**
 * Customer j's row of the CLV table: its RFM summary and values, null where a value is not finite.
 * @example customerClv("00001", summary, clvColumns(summary, opts), 0).clv
 */
export function customerClv(
  customerId: string,
  s: { frequency: ArrayLike<number>; recency: ArrayLike<number>; T: ArrayLike<number>; monetary: ArrayLike<number> },
  c: ClvColumns,
  j: number,
): CustomerClv {
  return {
    customerId,
    frequency: s.frequency[j],
    recency: s.recency[j],
    T: s.T[j],
    monetary: s.monetary[j],
    pAlive: orNull(c.pAliveAt(j)),
    expectedPurchases: orNull(c.expectedPurchasesAt(j)),
    expectedAvgValue: orNull(c.expectedAvgValueAt(j)),
    clv: orNull(c.clv[j]),
  };
}
