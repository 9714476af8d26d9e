/**
 * Money from renewal curves: the shared arithmetic of scenarios (fitted or
 * with the effect given directly). Year t's revenue is ARR · p^(t−1) (year 1
 * already contracted), discounted by (1 + d)^(t−1); the gain of year t accrues
 * over (t−1, t] (docs/methods.md#payback).
 */

export interface MoneyOptions {
  grossMargin: number;
  investment: number;
  annualDiscountRate: number;
}

export interface Money {
  revenueGain: number;
  marginGain: number;
  /** (marginGain − investment) / investment; null when the investment is 0. */
  roi: number | null;
  /** Discounted margin gain − investment. */
  npv: number;
  /** See `paybackYears`; null when the investment is not recovered within the horizon. */
  paybackYears: number | null;
  /** Discounted margin gain of each year (index 0 = year 1). */
  marginGainByYear: number[];
}

/**
 * The discount rate per period of `months` months equivalent to an annual rate: (1 + d)^(months/12) − 1.
 * @example periodDiscountRate(0.1, 12) // => 0.1; periodDiscountRate(0.1, 1) // => 0.00797 (monthly)
 */
export function periodDiscountRate(annualDiscountRate: number, months: number): number {
  return Math.pow(1 + annualDiscountRate, months / 12) - 1;
}

/**
 * Discount factors 1 / (1 + d)^(t−1) for t = 1..H.
 * @example discountFactors(3, 0.1) // => [1, 0.909..., 0.826...]
 */
export function discountFactors(horizonYears: number, annualDiscountRate: number): Float64Array {
  const f = new Float64Array(horizonYears);
  for (let t = 0; t < horizonYears; t++) f[t] = 1 / Math.pow(1 + annualDiscountRate, t);
  return f;
}

/**
 * Years until the cumulative gain reaches the investment, year t's gain
 * accruing evenly over (t−1, t]: (t−1) + (investment − cumulative to t−1) / gain_t
 * for the first such t; 0 for no investment; null if never within the horizon.
 * @example paybackYears([0, 5_760_000, 10_137_600], 2_000_000) // => 1 + 2_000_000 / 5_760_000 (docs/methods.md#example-7)
 */
export function paybackYears(gainByYear: ArrayLike<number>, investment: number): number | null {
  if (!(investment > 0)) return 0;
  let cum = 0;
  for (let t = 0; t < gainByYear.length; t++) {
    const g = gainByYear[t];
    if (g > 0 && cum + g >= investment) return t + (investment - cum) / g;
    cum += g;
  }
  return null;
}

/**
 * Revenue gain, margin gain, ROI, NPV and payback from discounted yearly
 * revenue of the baseline and the scenario.
 * @example moneyFromYears([1.2e9, 1.02e9, 0.867e9], [1.2e9, 1.092e9, 0.99372e9], { grossMargin: 0.8, investment: 2e6, annualDiscountRate: 0 })
 */
export function moneyFromYears(baseByYear: ArrayLike<number>, scenByYear: ArrayLike<number>, o: MoneyOptions): Money {
  const H = baseByYear.length;
  let revenueGain = 0;
  const marginGainByYear: number[] = new Array(H);
  for (let t = 0; t < H; t++) {
    const g = scenByYear[t] - baseByYear[t];
    revenueGain += g;
    marginGainByYear[t] = o.grossMargin * g;
  }
  const marginGain = o.grossMargin * revenueGain;
  return {
    revenueGain,
    marginGain,
    roi: o.investment > 0 ? (marginGain - o.investment) / o.investment : null,
    npv: marginGain - o.investment,
    paybackYears: paybackYears(marginGainByYear, o.investment),
    marginGainByYear,
  };
}
