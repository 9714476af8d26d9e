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
import { collapsePatterns } from "./patterns";
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

/** Per-customer CLV values as columns (NaN where a value is undefined), for large customer counts. */
export interface ClvColumns {
  bgnbd: BgnbdResult;
  gammaGamma: GammaGammaResult;
  pAlive: Float64Array;
  expectedPurchases: Float64Array;
  expectedAvgValue: Float64Array;
  clv: Float64Array;
  /** Sums over the customers (non-finite values skipped). */
  totals: { customers: number; expectedPurchases: number; clv: number };
}

/**
 * Fits BG/NBD on all customers and Gamma-Gamma on repeat customers, then values each customer, in columns:
 * no object per customer, so a million customers cost four Float64Arrays.
 * @throws ModelError invalid_input (bad options or columns), no_transactions, no_repeat_buyers, not_converged
 * @example clvColumns(summariseTransactions(ids, days, amounts), { horizonMonths: 12, annualDiscountRate: 0.1, margin: 0.3 }).totals.clv
 */
export function clvColumns(
  s: { frequency: ArrayLike<number>; recency: ArrayLike<number>; T: ArrayLike<number>; monetary: ArrayLike<number> },
  opts: ClvOptions,
): ClvColumns {
  if (!(Number.isInteger(opts.horizonMonths) && opts.horizonMonths >= 1 && opts.horizonMonths <= 600))
    throw new ModelError("invalid_input", `horizonMonths must be a whole number from 1 to 600 (got ${opts.horizonMonths}).`);
  if (!(opts.annualDiscountRate > -1 && opts.annualDiscountRate < 10))
    throw new ModelError("invalid_input", `annualDiscountRate must be a fraction such as 0.1 (got ${opts.annualDiscountRate}).`);
  if (!(opts.margin >= 0 && opts.margin <= 1))
    throw new ModelError("invalid_input", `margin must be between 0 and 1 (got ${opts.margin}).`);
  const bgnbd = fitBgnbd({ frequency: s.frequency, recency: s.recency, T: s.T });
  const gammaGamma = fitGammaGamma({ frequency: s.frequency, monetary: s.monetary });
  // Customers with the same (x, tₓ, T) share their purchase forecast.
  const pat = collapsePatterns(s.frequency, s.recency, s.T);
  const unitsPerMonth = DAYS_PER_MONTH / (opts.daysPerTimeUnit ?? 1);
  const i = periodDiscountRate(opts.annualDiscountRate, 1);
  const H = opts.horizonMonths;
  // E[X(t) | x, tₓ, T] = growth(x, T, t) · P(alive | x, tₓ, T) (FHL 2005 eq. 10, as bgnbdExpectedPurchases): the
  // ₂F₁ part does not depend on tₓ, so the H monthly values are computed once per distinct (x, T), not per pattern
  // (a million customers have ~600k patterns but far fewer (x, T) pairs).
  checkSeriesWork(bgnbd.alpha, pat, H, unitsPerMonth, opts.maxSeriesTerms ?? CLV_MAX_SERIES_TERMS);
  const discounting = Float64Array.from({ length: H }, (_, m) => Math.pow(1 + i, -(m + 1)));
  const byXT = new Map<number, Map<number, number>>();
  const growthDisc: number[] = [];
  const growthTotal: number[] = [];
  const disc = new Float64Array(pat.count);
  const total = new Float64Array(pat.count);
  const alive = new Float64Array(pat.count);
  for (let k = 0; k < pat.count; k++) {
    const x = pat.x[k],
      T = pat.T[k];
    let byT = byXT.get(x);
    if (!byT) byXT.set(x, (byT = new Map()));
    let g = byT.get(T);
    if (g === undefined) {
      g = growthDisc.length;
      byT.set(T, g);
      let prev = 0;
      let sum = 0;
      for (let m = 1; m <= H; m++) {
        const e = bgnbdConditionalGrowth(bgnbd, x, T, m * unitsPerMonth);
        sum += (e - prev) * discounting[m - 1];
        prev = e;
      }
      growthDisc.push(sum);
      growthTotal.push(prev);
    }
    const pA = bgnbdPAlive(bgnbd, x, pat.tx[k], T);
    alive[k] = pA;
    disc[k] = growthDisc[g] * pA;
    total[k] = growthTotal[g] * pA;
  }
  const n = s.frequency.length;
  const out: ClvColumns = {
    bgnbd,
    gammaGamma,
    pAlive: new Float64Array(n),
    expectedPurchases: new Float64Array(n),
    expectedAvgValue: new Float64Array(n),
    clv: new Float64Array(n),
    totals: { customers: n, expectedPurchases: 0, clv: 0 },
  };
  let sumE = 0;
  let sumClv = 0;
  for (let j = 0; j < n; j++) {
    const k = pat.index[j];
    const spend = gammaGammaExpectedSpend(gammaGamma, s.frequency[j], s.monetary[j]);
    const clv = opts.margin * spend * disc[k];
    if (Number.isFinite(total[k])) sumE += total[k];
    if (Number.isFinite(clv)) sumClv += clv;
    out.pAlive[j] = alive[k];
    out.expectedPurchases[j] = total[k];
    out.expectedAvgValue[j] = spend;
    out.clv[j] = clv;
  }
  out.totals.expectedPurchases = sumE;
  out.totals.clv = sumClv;
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
    pAlive: orNull(c.pAlive[j]),
    expectedPurchases: orNull(c.expectedPurchases[j]),
    expectedAvgValue: orNull(c.expectedAvgValue[j]),
    clv: orNull(c.clv[j]),
  };
}
