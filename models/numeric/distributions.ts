/**
 * Special functions and the distributions the fits report p-values and intervals with: log-gamma and
 * log-beta, regularized incomplete gamma and beta, digamma and trigamma, normal, Student t, chi-squared and
 * F. The numerics are stdlib's (@stdlib/math-base-special-*, @stdlib/stats-base-dists-*: ports of Boost and
 * Cephes, maintained, tested to about an ulp); this file only fixes the names and argument orders the models
 * use and takes tails from the upper incomplete functions, so that small p-values keep their digits.
 * Checked against scipy.special / scipy.stats in test/models/distributions.test.ts.
 */
import betainc from "@stdlib/math-base-special-betainc";
import betaln from "@stdlib/math-base-special-betaln";
import stdDigamma from "@stdlib/math-base-special-digamma";
import stdErfc from "@stdlib/math-base-special-erfc";
import erfcinv from "@stdlib/math-base-special-erfcinv";
import gammainc from "@stdlib/math-base-special-gammainc";
import gammaln from "@stdlib/math-base-special-gammaln";
import stdTrigamma from "@stdlib/math-base-special-trigamma";
import tCdfStd from "@stdlib/stats-base-dists-t-cdf";

/** ln Γ(x) for x > 0. @example lnGamma(5) // => ln 24 */
export function lnGamma(x: number): number {
  return gammaln(x);
}

/** ln B(a, b). @example lnBeta(1, 1) // => 0 */
export function lnBeta(a: number, b: number): number {
  return betaln(a, b);
}

/** Regularized upper incomplete gamma Q(a, x) = Γ(a, x) / Γ(a). @example gammaQ(1, 2) // => exp(-2) */
export function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  return gammainc(x, a, true, true);
}

/** Regularized lower incomplete gamma P(a, x). @example gammaP(1, 2) // => 1 - exp(-2) */
export function gammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  return gammainc(x, a, true, false);
}

/** Regularized incomplete beta I_x(a, b). @example betaInc(0.5, 2, 2) // => 0.5 */
export function betaInc(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  return betainc(x, a, b, true, false);
}

/** Complementary error function erfc(x). @example erfc(0) // => 1 */
export function erfc(x: number): number {
  return stdErfc(x);
}

/** Standard normal CDF Φ(z). @example normalCdf(1.959963984540054) // => 0.975 */
export function normalCdf(z: number): number {
  return 0.5 * stdErfc(-z / Math.SQRT2);
}

/** Two-sided normal p-value 2·(1 − Φ(|z|)), accurate far in the tail. @example normalTwoSided(1.96) // => 0.04999579 */
export function normalTwoSided(z: number): number {
  return stdErfc(Math.abs(z) / Math.SQRT2);
}

/**
 * Standard normal quantile Φ⁻¹(p) = −√2 · erfc⁻¹(2p) (stdlib's normal quantile loses digits in the far tail:
 * 2e-9 relative at p = 1e-10; erfcinv keeps them).
 * @throws RangeError when p is outside (0, 1)
 * @example normalQuantile(0.975) // => 1.959963984540054
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile needs 0 < p < 1 (got ${p})`);
  return -Math.SQRT2 * erfcinv(2 * p);
}

/**
 * Two-sided Student t p-value 2·P(T > |t|), from the upper incomplete beta (no 1 − cdf cancellation).
 * @example tTwoSided(2.228138851986274, 10) // => 0.05
 */
export function tTwoSided(t: number, df: number): number {
  if (!Number.isFinite(t)) return 0;
  return betaInc(df / (df + t * t), df / 2, 0.5);
}

/** Student t CDF. @example tCdf(0, 5) // => 0.5 */
export function tCdf(t: number, df: number): number {
  return tCdfStd(t, df);
}

/** Student t density. */
function tPdf(t: number, df: number): number {
  return Math.exp(gammaln((df + 1) / 2) - gammaln(df / 2) - 0.5 * Math.log(df * Math.PI) - ((df + 1) / 2) * Math.log1p((t * t) / df));
}

/**
 * Student t quantile: Newton on stdlib's t CDF from t = 0 (the CDF is concave on t > 0, so the iterates rise
 * monotonically to the root). stdlib's own t quantile pulls in a Node-only logger through its inverse
 * incomplete gamma, which bundles for neither Workers nor the browser.
 * @throws RangeError when p is outside (0, 1) or df ≤ 0
 * @example tQuantile(0.975, 10) // => 2.228138851986274
 */
export function tQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0)) throw new RangeError(`tQuantile needs 0 < p < 1 and df > 0 (got ${p}, ${df})`);
  if (p < 0.5) return -tQuantile(1 - p, df);
  if (p === 0.5) return 0;
  if (df > 1e7) return normalQuantile(p);
  let t = 0;
  for (let i = 0; i < 200; i++) {
    const step = (tCdf(t, df) - p) / tPdf(t, df);
    t -= step;
    if (Math.abs(step) <= 1e-15 * Math.max(1, Math.abs(t))) break;
  }
  return t;
}

/** Chi-squared upper tail P(X > x). @example chi2Sf(3.841458820694124, 1) // => 0.05 */
export function chi2Sf(x: number, df: number): number {
  if (!(x > 0)) return 1;
  if (!Number.isFinite(x)) return 0;
  return gammaQ(df / 2, x / 2);
}

/** F upper tail P(F > f) with (d1, d2) degrees of freedom. @example fSf(4.964602743730711, 1, 10) // => 0.05 */
export function fSf(f: number, d1: number, d2: number): number {
  if (!(f > 0)) return 1;
  if (!Number.isFinite(f)) return 0;
  return betaInc(d2 / (d2 + d1 * f), d2 / 2, d1 / 2);
}

/** Digamma ψ(x). @example digamma(1) // => -0.5772156649015329 */
export function digamma(x: number): number {
  return stdDigamma(x);
}

/** Trigamma ψ′(x). @example trigamma(1) // => π²/6 */
export function trigamma(x: number): number {
  return stdTrigamma(x);
}
