/**
 * Rounding of calculator outputs to 12 significant digits.
 *
 * The calculators take decimal inputs (0.85, 0.06, $12,000) that binary
 * floating point cannot hold exactly, so 0.85 + 0.06 is 0.9099999999999999
 * and worked example 7 (docs/methods.md#example-7) would come out as $19,871,999.999999985.
 * Twelve significant digits are far beyond any input's precision and remove
 * that noise, so hand-checked examples come out exactly ($19,872,000).
 */

/**
 * `x` rounded to `digits` significant digits; non-finite values unchanged.
 * @example tidy(19871999.999999985) // => 19872000
 */
export function tidy(x: number, digits = 12): number {
  if (!Number.isFinite(x) || x === 0) return x;
  return Number(x.toPrecision(digits));
}

/**
 * A copy of a JSON-like value with every number passed through `tidy`.
 * @example tidyDeep({ roi: 6.948799999999994, years: [0.9099999999999999] }) // => { roi: 6.9488, years: [0.91] }
 */
export function tidyDeep<T>(value: T, digits = 12): T {
  if (typeof value === "number") return tidy(value, digits) as T;
  if (Array.isArray(value)) return value.map((v) => tidyDeep(v, digits)) as T;
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = tidyDeep(v, digits);
    return out as T;
  }
  return value;
}
