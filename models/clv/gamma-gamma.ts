/**
 * The Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005,
 * "RFM and CLV: using iso-value curves for customer base analysis", JMR
 * 42(4); Fader & Hardie note "The Gamma-Gamma model of monetary value"):
 * transaction values ~ Gamma(p, ν), ν ~ Gamma(q, γ). Fitted by maximum
 * likelihood on (x, m̄) of repeat customers, with analytic gradient and Hessian
 * on log parameters; the conditional mean spend is
 * E[M | x, m̄] = p(γ + x m̄) / (p x + q − 1).
 */
import { digamma, lnGamma, trigamma } from "../numeric/distributions";
import { ModelError } from "../numeric/errors";
import { maximiseLogParams } from "../numeric/newton";

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

export interface GammaGammaResult extends GammaGammaParams {
  model: "gamma-gamma";
  stdErrors: { p: number | null; q: number | null; gamma: number | null };
  /** Asymptotic covariance of (p, q, γ), row-major 3 x 3; null when the information is not positive definite. */
  covariance: number[] | null;
  logLik: number;
  converged: boolean;
  iterations: number;
  /** Customers used: frequency > 0 and monetary > 0. */
  nCustomers: number;
  /** Customers left out: frequency 0, or a repeat mean spend of 0 or less. */
  excluded: number;
}

/**
 * Fits Gamma-Gamma on customers with frequency > 0 (others are left out and counted).
 * @throws ModelError invalid_input (length mismatch, non-finite values), no_repeat_buyers, not_converged
 * @example fitGammaGamma({ frequency, monetary }) // CDNOW repeat customers => p 6.2488, q 3.7446, gamma 15.4477
 */
export function fitGammaGamma(data: { frequency: ArrayLike<number>; monetary: ArrayLike<number> }): GammaGammaResult {
  const n = data.frequency.length;
  if (data.monetary.length !== n)
    throw new ModelError("invalid_input", `frequency and monetary must have the same length (got ${n} and ${data.monetary.length}).`);
  const xs: number[] = [];
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = data.frequency[i],
      m = data.monetary[i];
    if (!Number.isFinite(x) || !Number.isFinite(m))
      throw new ModelError("invalid_input", `customer ${i + 1}: frequency and monetary must be numbers (got ${x}, ${m}).`);
    if (x > 0 && m > 0) {
      xs.push(x);
      ms.push(m);
    }
  }
  const k = xs.length;
  if (k === 0)
    throw new ModelError(
      "no_repeat_buyers",
      "No customer has a repeat purchase with a positive amount, so spend per transaction cannot be modelled.",
    );
  if (k < 3) throw new ModelError("too_few_rows", `The Gamma-Gamma model needs at least 3 repeat customers (got ${k}).`);
  let mean = 0;
  for (const m of ms) mean += m;
  mean /= k;
  // Constant part Σ[(px − 1) ln m + px ln x] splits into p Σ x ln(x m) − Σ ln m; the second does not depend on the parameters.
  let sumXlnXm = 0;
  let sumLnM = 0;
  for (let i = 0; i < k; i++) {
    sumXlnXm += xs[i] * Math.log(xs[i] * ms[i]);
    sumLnM += Math.log(ms[i]);
  }
  const ml = maximiseLogParams(
    (phi, deriv) => {
      const [p, q, g] = phi;
      let f = k * (q * Math.log(g) - lnGamma(q)) + p * sumXlnXm - sumLnM;
      let gp = sumXlnXm,
        gq = k * (Math.log(g) - digamma(q)),
        gg = (k * q) / g;
      let hpp = 0,
        hpq = 0,
        hpg = 0,
        hqq = -k * trigamma(q),
        hqg = k / g,
        hgg = (-k * q) / (g * g);
      for (let i = 0; i < k; i++) {
        const x = xs[i];
        const px = p * x;
        const lnD = Math.log(g + ms[i] * x);
        f += lnGamma(px + q) - lnGamma(px) - (px + q) * lnD;
        if (!deriv) continue;
        const iD = 1 / (g + ms[i] * x);
        const d1 = digamma(px + q);
        const t1 = trigamma(px + q);
        gp += x * (d1 - digamma(px) - lnD);
        gq += d1 - lnD;
        gg -= (px + q) * iD;
        hpp += x * x * (t1 - trigamma(px));
        hpq += x * t1;
        hpg -= x * iD;
        hqq += t1;
        hqg -= iD;
        hgg += (px + q) * iD * iD;
      }
      if (!deriv) return { f };
      return { f, g: Float64Array.of(gp, gq, gg), h: Float64Array.of(hpp, hpq, hpg, hpq, hqq, hqg, hpg, hqg, hgg) };
    },
    Float64Array.of(1, 1, mean),
  );
  if (!ml.converged) throw new ModelError("not_converged", `The Gamma-Gamma fit did not converge after ${ml.iterations} iterations.`);
  const [p, q, gamma] = ml.phi;
  return {
    model: "gamma-gamma",
    p,
    q,
    gamma,
    stdErrors: { p: ml.stdErrors[0], q: ml.stdErrors[1], gamma: ml.stdErrors[2] },
    covariance: ml.covariance ? Array.from(ml.covariance) : null,
    logLik: ml.logLik,
    converged: ml.converged,
    iterations: ml.iterations,
    nCustomers: k,
    excluded: n - k,
  };
}

/**
 * Conditional expected spend per transaction: p(γ + x m̄) / (p x + q − 1); the population mean pγ/(q − 1) when x = 0.
 * Returns NaN when q ≤ 1 and x = 0 (the mean is infinite).
 * @example gammaGammaExpectedSpend({ p: 6.25, q: 3.74, gamma: 15.44 }, 2, 22.35) // => 24.6 (about)
 */
export function gammaGammaExpectedSpend(par: GammaGammaParams, x: number, monetary: number): number {
  const den = par.p * x + par.q - 1;
  if (!(den > 0)) return NaN;
  return (par.p * (par.gamma + x * (x > 0 ? monetary : 0))) / den;
}
