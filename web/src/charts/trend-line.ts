/**
 * The straight-line trend of a score over periods (least squares of score on period number, periods without a
 * score left out), fitted with ml-regression-multivariate-linear: a quick descriptive fit for the chart, not a
 * model (the periods' sampling errors are shown by the band, not used as weights).
 */
import MultivariateLinearRegression from "ml-regression-multivariate-linear";

export interface TrendLine {
  /** Change of the score per period. */
  slope: number;
  /** The line's value at every period (index = period). */
  points: number[];
}

/** The trend of `values` (index = period), or null with fewer than 3 scored periods. @example trendLine([10, 12, 14])!.slope // => 2 */
export function trendLine(values: (number | null)[]): TrendLine | null {
  const x: number[][] = [];
  const y: number[][] = [];
  values.forEach((v, i) => {
    if (v !== null && Number.isFinite(v)) {
      x.push([i]);
      y.push([v]);
    }
  });
  if (x.length < 3) return null;
  const fit = new MultivariateLinearRegression(x, y, { intercept: true, statistics: false });
  const slope = fit.weights[0][0];
  if (!Number.isFinite(slope)) return null;
  return { slope, points: values.map((_, i) => fit.predict([i])[0]) };
}
