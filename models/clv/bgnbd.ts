/**
 * The BG/NBD model of Fader, Hardie & Lee (2005), "Counting your customers the
 * easy way: an alternative to the Pareto/NBD model", Marketing Science 24(2):
 * purchases while alive ~ Poisson(λ), λ ~ Gamma(r, α); after each purchase the
 * customer drops out with probability p ~ Beta(a, b). Fitted by maximum
 * likelihood (eq. 6) on (x = frequency, tₓ = recency, T) in lifetimes'
 * convention, identical customers collapsed into weights, time rescaled so
 * max T = 10, log parameters, analytic gradient and Hessian (damped Newton),
 * the last term of the likelihood by log-sum-exp.
 */
import { digamma, lnGamma, trigamma } from "../numeric/distributions";
import { ModelError } from "../numeric/errors";
import { expNeg } from "../numeric/exp-neg";
import { lnHyp2f1 } from "../numeric/hyp2f1";
import { logistic } from "../numeric/logistic";
import { maximiseLogParams, type Objective } from "../numeric/newton";
import { collapsePatterns, type PatternScan, type Patterns, PatternScanner } from "./patterns";

export interface BgnbdParams {
  r: number;
  /** In the time unit of recency and T. */
  alpha: number;
  a: number;
  b: number;
}

export interface BgnbdResult extends BgnbdParams {
  model: "bgnbd";
  stdErrors: { r: number | null; alpha: number | null; a: number | null; b: number | null };
  /** Asymptotic covariance of (r, α, a, b) from the inverse observed information, row-major 4 x 4 (α in the time unit of the data); null when not positive definite. */
  covariance: number[] | null;
  logLik: number;
  converged: boolean;
  iterations: number;
  nCustomers: number;
  /** Distinct (x, tₓ, T) patterns the likelihood was evaluated on. */
  nPatterns: number;
  /** 0, or λ of the penalised fallback fit (see `warnings`). */
  penalizer: number;
  warnings: string[];
}

export interface RfmColumns {
  frequency: ArrayLike<number>;
  recency: ArrayLike<number>;
  T: ArrayLike<number>;
  /** Optional count of customers per row (e.g. already-collapsed patterns). */
  weights?: ArrayLike<number>;
}

/** Checks lifetimes' conventions row by row: x integer ≥ 0, 0 ≤ tₓ ≤ T, T > 0, tₓ = 0 when x = 0. */
function validate(d: RfmColumns): { n: number; scan: PatternScan } {
  const n = d.frequency.length;
  const scanner = new PatternScanner();
  if (d.recency.length !== n || d.T.length !== n || (d.weights && d.weights.length !== n))
    throw new ModelError(
      "invalid_input",
      `frequency, recency and T must have the same length (got ${n}, ${d.recency.length}, ${d.T.length}).`,
    );
  if (n === 0) throw new ModelError("no_transactions", "There are no customers to fit: upload transactions first.");
  let repeat = 0;
  for (let i = 0; i < n; i++) {
    const x = d.frequency[i],
      tx = d.recency[i],
      T = d.T[i];
    const bad = (message: string, column: string) => new ModelError("invalid_input", `customer ${i + 1}: ${message}`, [column]);
    if (!(Number.isInteger(x) && x >= 0)) throw bad(`frequency must be a whole number ≥ 0 (got ${x}).`, "frequency");
    if (!(T > 0 && Number.isFinite(T))) throw bad(`T must be > 0 (got ${T}).`, "T");
    if (!(tx >= 0 && tx <= T)) throw bad(`recency must be between 0 and T = ${T} (got ${tx}).`, "recency");
    if (x === 0 && tx !== 0) throw bad(`recency must be 0 when frequency is 0 (got ${tx}).`, "recency");
    if (d.weights && !(d.weights[i] >= 0)) throw bad(`weight must be ≥ 0 (got ${d.weights[i]}).`, "weights");
    if (x > 0) repeat++;
    scanner.add(x, tx, T);
  }
  if (repeat === 0)
    throw new ModelError(
      "no_repeat_buyers",
      "No customer has made a repeat purchase, so the BG/NBD dropout process cannot be estimated: wait for more history.",
    );
  return { n, scan: scanner.result() };
}

/**
 * Fits BG/NBD by maximum likelihood (`collapsed`: collapsePatterns(frequency, recency, T) of `data`, when the caller
 * has it already).
 * @throws ModelError invalid_input, no_transactions (no customers), no_repeat_buyers (every frequency 0), not_converged
 * @example fitBgnbd(cdnowWeeks) // => { r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258, logLik: −9582.43, ... } (FHL 2005)
 */
export function fitBgnbd(data: RfmColumns, collapsed?: Patterns): BgnbdResult {
  const { n: nCustomers, scan } = validate(data);
  // Many customers: start from the fit on an evenly spaced subsample of about 25,000 (a few Newton steps
  // fewer on the full data; any trouble there just means the default start).
  const warm = nCustomers >= 200_000 && !data.weights ? subsampleStart(data, nCustomers) : null;
  // `collapsed`: the caller's collapsePatterns of these very columns (clvColumns shares its layout's), so a million
  // customers' patterns are not held twice; the same function of the same columns, so the fit is the same.
  const pat = collapsed ?? collapsePatterns(data.frequency, data.recency, data.T, data.weights, scan);
  const m = pat.count;
  let maxT = 0;
  for (let k = 0; k < m; k++) maxT = Math.max(maxT, pat.T[k]);
  const scale = 10 / maxT;
  let sumWx = 0;
  for (let k = 0; k < m; k++) sumWx += pat.w[k] * pat.x[k];
  const objective = bgnbdLogLikelihood(pat, scale);
  const start = warm ? Float64Array.of(warm.r, warm.alpha * scale, warm.a, warm.b) : Float64Array.of(1, 1, 1, 1);
  const warnings: string[] = [];
  let penalizer = 0;
  let ml = maximiseLogParams(objective, start, 100);
  if (!ml.converged) {
    // No finite maximum: typically a history with no sign of dropout, where a/(a+b) runs to 0. Like
    // lifetimes' `penalizer_coef`, penalise: λ·Σ(ln φ)² on the rescaled parameters keeps the estimates
    // finite (a ridge on the log scale bounds a → 0 as well as b → ∞), and say so.
    penalizer = PENALIZER;
    ml = maximiseLogParams(penalised(objective, penalizer), start, 200);
    if (!ml.converged)
      throw new ModelError(
        "not_converged",
        `The BG/NBD fit did not converge after ${ml.iterations} iterations, even with a penalty on extreme parameters: check that recency and T are in the same time unit, and that customers have enough purchase history.`,
      );
    warnings.push(
      `The unpenalised BG/NBD likelihood has no finite maximum (the history shows little sign of customers dropping out), so the parameters were estimated with a penalty ${penalizer}·Σ(ln θ)² on the log parameters (in the spirit of lifetimes' penalizer_coef); treat P(alive) and long-horizon CLV as optimistic and collect more history.`,
    );
  }
  const [r, alS, a, b] = ml.phi;
  const se = ml.stdErrors;
  return {
    model: "bgnbd",
    r,
    alpha: alS / scale,
    a,
    b,
    stdErrors: { r: se[0], alpha: se[1] === null ? null : se[1] / scale, a: se[2], b: se[3] },
    covariance: ml.covariance ? unscaleCovariance(ml.covariance, [1, 1 / scale, 1, 1]) : null,
    // Undo the time rescaling: each customer's likelihood picks up scale^(−x).
    logLik: (penalizer ? objective(ml.phi, false).f : ml.logLik) + sumWx * Math.log(scale),
    converged: ml.converged,
    iterations: ml.iterations,
    nCustomers,
    nPatterns: m,
    penalizer,
    warnings,
  };
}

/**
 * The BG/NBD log-likelihood (FHL 2005 eq. 6) of collapsed (x, tₓ, T) patterns with time multiplied by `scale`, as a
 * function of (r, α, a, b) with its analytic gradient and Hessian, for `maximiseLogParams`. Distinct times and
 * frequencies are tabulated once here, so each evaluation computes ln(α + t), 1/(α + t) and the log-gamma terms
 * once per distinct value; the last term, ln(1 + e^u), is taken without overflow (log-sum-exp).
 * @example maximiseLogParams(bgnbdLogLikelihood(collapsePatterns(x, tx, T), 10 / maxT), Float64Array.of(1, 1, 1, 1)).phi
 */
export function bgnbdLogLikelihood(pat: Patterns, scale: number): Objective {
  const m = pat.count;
  let maxT = 0;
  for (let k = 0; k < m; k++) maxT = Math.max(maxT, pat.T[k]);
  // Recency and T take few distinct values (whole days, weeks): ln(α + t) and 1/(α + t) are computed once per
  // distinct value and evaluation, and looked up per pattern.
  const distinct = new Map<number, number>();
  const values: number[] = [];
  // Whole-number times below 2²⁰ (days, weeks) by direct lookup; anything else through a Map.
  const direct = new Int32Array(Math.min(1 << 20, Math.floor(maxT) + 1)).fill(-1);
  const iT = new Int32Array(m);
  const itx = new Int32Array(m);
  const code = (v: number) => {
    if (Number.isInteger(v) && v < direct.length) {
      let j = direct[v];
      if (j < 0) {
        j = direct[v] = values.length;
        values.push(v);
      }
      return j;
    }
    let j = distinct.get(v);
    if (j === undefined) {
      distinct.set(v, (j = values.length));
      values.push(v);
    }
    return j;
  };
  for (let k = 0; k < m; k++) {
    iT[k] = code(pat.T[k]);
    itx[k] = code(pat.tx[k]);
  }
  const times = Float64Array.from(values, (v) => v * scale);
  const nt = times.length;
  const lnt = new Float64Array(nt);
  const invt = new Float64Array(nt);
  // Distinct frequencies carry the log-gamma terms once each.
  const xIndex = new Int32Array(m);
  const xs: number[] = [];
  const wx: number[] = [];
  // Frequencies are whole numbers (validated): a direct lookup below 2²⁰, a Map beyond.
  let maxX = 0;
  for (let k = 0; k < m; k++) maxX = Math.max(maxX, pat.x[k]);
  const seenDirect = maxX < 1 << 20 ? new Int32Array(maxX + 1).fill(-1) : null;
  const seen = new Map<number, number>();
  for (let k = 0; k < m; k++) {
    const x = pat.x[k];
    let j = seenDirect ? seenDirect[x] : (seen.get(x) ?? -1);
    if (j < 0) {
      j = xs.length;
      if (seenDirect) seenDirect[x] = j;
      else seen.set(x, j);
      xs.push(x);
      wx.push(0);
    }
    wx[j] += pat.w[k];
    xIndex[k] = j;
  }
  const nx = xs.length;
  const lnbx = new Float64Array(nx);
  const invbx = new Float64Array(nx);

  return (phi, deriv) => {
    const [r, al, a, b] = phi;
    const lnal = Math.log(al);
    let f = 0;
    let grr = 0,
      gral = 0,
      galal = 0,
      gaa = 0,
      gab = 0,
      gbb = 0;
    // Cross terms of (r, α) with (a, b) as scalars, not typed-array slots: keyed stores after the loop that
    // never ran before the loop was optimised made V8 deoptimise each call (and rerun the loop unoptimised).
    let hra = 0,
      hrb = 0,
      hala = 0,
      halb = 0;
    let ga = 0,
      gb = 0,
      gr = 0,
      gal = 0;
    for (let j = 0; j < nx; j++) {
      const x = xs[j],
        w = wx[j];
      f += w * (r * lnal);
      if (deriv) {
        gr += w * lnal;
        gal += (w * r) / al;
        gral += w / al;
        galal -= (w * r) / (al * al);
      }
      if (x === 0) continue;
      lnbx[j] = Math.log(b + x - 1);
      invbx[j] = 1 / (b + x - 1);
      f += w * (lnGamma(r + x) - lnGamma(r) + lnGamma(a + b) + lnGamma(b + x) - lnGamma(b) - lnGamma(a + b + x));
      if (deriv) {
        const dab = digamma(a + b) - digamma(a + b + x);
        const tab = trigamma(a + b) - trigamma(a + b + x);
        gr += w * (digamma(r + x) - digamma(r));
        grr += w * (trigamma(r + x) - trigamma(r));
        ga += w * dab;
        gb += w * (dab + digamma(b + x) - digamma(b));
        gaa += w * tab;
        gab += w * tab;
        gbb += w * (tab + trigamma(b + x) - trigamma(b));
      }
    }
    for (let j = 0; j < nt; j++) {
      lnt[j] = Math.log(al + times[j]);
      invt[j] = 1 / (al + times[j]);
    }
    const lna = Math.log(a);
    const inva = 1 / a;
    // Σ ln(1 + e) over the single-customer patterns as the log of products of 256 factors in [1, 2]
    // (no overflow; one logarithm per 256 patterns instead of one log1p each).
    let prod = 1;
    let factors = 0;
    for (let k = 0; k < m; k++) {
      const w = pat.w[k];
      const x = pat.x[k];
      const kk = r + x;
      const d1 = lnt[iT[k]];
      if (x === 0) {
        f -= w * r * d1;
        if (deriv) {
          const i1 = invt[iT[k]];
          gr -= w * d1;
          gal -= w * r * i1;
          gral -= w * i1;
          galal += w * r * i1 * i1;
        }
        continue;
      }
      const j = xIndex[k];
      const d2 = lnt[itx[k]];
      const u = lna - lnbx[j] + kk * (d1 - d2);
      const au = Math.abs(u);
      const e = expNeg(au);
      // ln(1 + e^u) = max(u, 0) + ln(1 + e^−|u|).
      f += w * (0.5 * (u + au) - kk * d1);
      if (w === 1) {
        prod *= 1 + e;
        if (++factors === 256) {
          f += Math.log(prod);
          prod = 1;
          factors = 0;
        }
      } else f += w * Math.log1p(e);
      if (!deriv) continue;
      const s = u >= 0 ? 1 / (1 + e) : e / (1 + e);
      const q = s * (1 - s);
      const i1 = invt[iT[k]];
      const i2 = invt[itx[k]];
      const ur = d1 - d2;
      const ual = kk * (i1 - i2);
      const ub = -invbx[j];
      gr += w * (s * ur - d1);
      gal += w * (s * ual - kk * i1);
      ga += w * s * inva;
      gb += w * s * ub;
      grr += w * q * ur * ur;
      gral += w * (q * ur * ual + s * (i1 - i2) - i1);
      galal += w * (q * ual * ual + kk * i1 * i1 + s * kk * (i2 * i2 - i1 * i1));
      hra += w * q * ur * inva;
      hrb += w * q * ur * ub;
      hala += w * q * ual * inva;
      halb += w * q * ual * ub;
      gaa += w * (q * inva * inva - s * inva * inva);
      gab += w * q * inva * ub;
      gbb += w * (q * ub * ub + s * ub * ub);
    }
    f += Math.log(prod);
    if (!deriv) return { f };
    const g = Float64Array.of(gr, gal, ga, gb);
    // Row-major Hessian of (r, α, a, b).
    const h = Float64Array.of(grr, gral, hra, hrb, gral, galal, hala, halb, hra, hala, gaa, gab, hrb, halb, gab, gbb);
    return { f, g, h };
  };
}

/** Σ of parameters φ rescaled to φ·k: Σᵢⱼ·kᵢ·kⱼ, as a plain row-major array. */
function unscaleCovariance(cov: Float64Array, k: number[]): number[] {
  const p = k.length;
  return Array.from(cov, (v, ij) => v * k[Math.floor(ij / p)] * k[ij % p]);
}

/** Penalty weight of the fallback fit, on the log parameters. */
const PENALIZER = 0.01;

/**
 * The objective minus λ·Σ(ln φ)² with its gradient and Hessian: a ridge on the log scale keeps a
 * boundary fit (a → 0 or b → ∞ when nobody seems to drop out) finite in both directions.
 */
function penalised(objective: Objective, lambda: number): Objective {
  return (phi, deriv) => {
    const e = objective(phi, deriv);
    let pen = 0;
    for (let i = 0; i < phi.length; i++) pen += Math.log(phi[i]) ** 2;
    const out = { ...e, f: e.f - lambda * pen };
    if (deriv && e.g && e.h) {
      const p = phi.length;
      const g = Float64Array.from(e.g);
      const h = Float64Array.from(e.h);
      for (let i = 0; i < p; i++) {
        const th = Math.log(phi[i]);
        g[i] -= (2 * lambda * th) / phi[i];
        h[i * p + i] -= (2 * lambda * (1 - th)) / (phi[i] * phi[i]);
      }
      out.g = g;
      out.h = h;
    }
    return out;
  };
}

function subsampleStart(d: RfmColumns, n: number): BgnbdParams | null {
  const k = Math.floor(n / 25_000);
  const m = Math.floor(n / k);
  const frequency = new Float64Array(m),
    recency = new Float64Array(m),
    T = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    frequency[i] = d.frequency[i * k];
    recency[i] = d.recency[i * k];
    T[i] = d.T[i * k];
  }
  try {
    return fitBgnbd({ frequency, recency, T });
  } catch {
    return null;
  }
}

/**
 * P(alive | x, tₓ, T) = 1 / (1 + δ_{x>0} · a/(b + x − 1) · ((α + T)/(α + tₓ))^{r+x}) (FHL 2005 eq. 13; 1 when x = 0).
 * @example bgnbdPAlive({ r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 }, 2, 30.43, 38.86) // => 0.7266
 */
export function bgnbdPAlive(p: BgnbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return 1;
  const lnOdds = Math.log(p.a) - Math.log(p.b + x - 1) + (p.r + x) * (Math.log(p.alpha + T) - Math.log(p.alpha + tx));
  return logistic(-lnOdds);
}

/**
 * Conditional expected purchases in (T, T + t] for a customer with history (x, tₓ, T) (FHL 2005 eq. 10):
 * (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^{r+x} ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))] · P(alive); NaN when undefined.
 * @example bgnbdExpectedPurchases(cdnowParams, 2, 30.43, 38.86, 39) // => 1.2259 (checked against scipy's hyp2f1 in the tests)
 */
export function bgnbdExpectedPurchases(p: BgnbdParams, x: number, tx: number, T: number, t: number): number {
  if (t <= 0) return 0;
  return bgnbdConditionalGrowth(p, x, T, t) * bgnbdPAlive(p, x, tx, T);
}

/**
 * The factor of FHL 2005 eq. 10 that does not depend on tₓ, so that E[X(t) | x, tₓ, T] = growth · P(alive):
 * (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^{r+x} ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))]. Customers with the same
 * (x, T) share it (models/clv/transactions-clv.ts computes it once per pair).
 * @example bgnbdConditionalGrowth(cdnowParams, 0, 38.86, 39) // => bgnbdExpectedPurchases(cdnowParams, 0, 0, 38.86, 39)
 */
export function bgnbdConditionalGrowth(p: BgnbdParams, x: number, T: number, t: number): number {
  if (t <= 0) return 0;
  const { r, alpha, a, b } = p;
  const c = a + b + x - 1;
  const z = t / (alpha + T + t);
  const lnF = lnHyp2f1(r + x, b + x, c, z);
  const lnPow = (r + x) * Math.log((alpha + T) / (alpha + T + t));
  // 1 − e^{lnPow + lnF} without cancellation: −expm1.
  return ((a + b + x - 1) / (a - 1)) * -Math.expm1(lnPow + lnF);
}
