/**
 * Ordinary least squares by column-scaled Householder QR with pivoting
 * (never XᵀX inverted), with nonrobust or HC3 (MacKinnon & White 1985)
 * covariance, t inference, R², F, logLik, AIC and BIC as statsmodels' OLS
 * reports them.
 */
import { ModelError } from "./errors";
import { fSf } from "./distributions";
import { applyQt, cholesky, cholSolve, dot, invertR } from "./linalg";
import { rankOfTriangle } from "./rank";
import { tsqr } from "./tsqr";
import { coefficientTable, finiteOrNull, type LinearFit, type Coefficient, toRows } from "./regression-result";

export interface OlsResult {
  beta: Float64Array;
  coefficients: Coefficient[];
  covariance: number[][];
  fit: LinearFit;
  warnings: string[];
}

/**
 * Fits y = Xβ + ε by least squares.
 * @param X row-major n × p design (first column "Intercept" when the model has one)
 * @throws ModelError too_few_rows (n ≤ p), no_variance, collinear_predictors
 * @example fitOls(X, y, n, p, ["Intercept", "x"], "nonrobust").beta
 */
export function fitOls(
  X: Float64Array,
  y: Float64Array,
  n: number,
  p: number,
  terms: string[],
  covarianceType: "nonrobust" | "HC3" = "nonrobust",
): OlsResult {
  if (n <= p)
    throw new ModelError("too_few_rows", `A linear model with ${p} terms needs at least ${p + 1} complete rows (got ${n}).`, terms);
  const hasIntercept = terms[0] === "Intercept";
  const { ymin, ymax, ysum } = yRange(y, n);
  if (ymin === ymax) throw new ModelError("no_variance", `The outcome is ${ymin} in every row used: there is nothing to explain.`);

  // TSQR of [X y], then a rank-revealing pivoted QR of the small column-scaled triangle.
  const Rxy = tsqr(X, y, n, p);
  const { f, scale } = rankOfTriangle(Rxy, p + 1, p, n, terms, X);
  const qy = new Float64Array(p);
  for (let k = 0; k < p; k++) qy[k] = Rxy[k * (p + 1) + p];
  applyQt(f, qy, p);
  const w = invertR(f, p); // R⁻¹, row-major, pivoted scaled coordinates
  // G = S⁻¹ P R⁻¹ maps a raw row x to its row of Q (z = x G), and (XᵀX)⁻¹ = G Gᵀ.
  const g = new Float64Array(p * p);
  for (let a = 0; a < p; a++) {
    const j = f.perm[a];
    for (let b = 0; b < p; b++) g[j * p + b] = w[a * p + b] / scale[j];
  }
  // Condition estimate of the scaled design: ‖R‖_F · ‖R⁻¹‖_F (within a factor p of κ₂).
  let rf = 0;
  let wf = 0;
  for (let a = 0; a < p; a++)
    for (let b = a; b < p; b++) {
      rf += f.qr[b * p + a] * f.qr[b * p + a];
      wf += w[a * p + b] * w[a * p + b];
    }
  const condition = Math.sqrt(rf * wf);
  const beta = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    let s = 0;
    for (let b = 0; b < p; b++) s += g[j * p + b] * qy[b];
    beta[j] = s;
  }

  // Residuals straight from the data (not from R), so that exact fits give SSR ≈ 0 to rounding.
  const cov = new Float64Array(p * p);
  const ssr = covarianceType === "HC3" ? hc3(X, y, beta, n, p, f.perm, scale, w, cov) : residualSs(X, y, beta, n, p);
  const ybar = ysum / n;
  const tss = totalSs(y, n, hasIntercept ? ybar : 0);
  const dfResid = n - p;
  const kConst = hasIntercept ? 1 : 0;
  const dfModel = p - kConst;
  const sigma2 = ssr / dfResid;
  const warnings: string[] = [];

  if (covarianceType === "nonrobust") {
    for (let i = 0; i < p; i++)
      for (let j = 0; j <= i; j++) {
        let s = 0;
        for (let b = 0; b < p; b++) s += g[i * p + b] * g[j * p + b];
        cov[i * p + j] = cov[j * p + i] = s * sigma2;
      }
  }

  const rSquared = 1 - ssr / tss;
  const adjRSquared = 1 - ((n - kConst) / dfResid) * (1 - rSquared);
  let fStatistic = NaN;
  if (dfModel > 0) {
    if (covarianceType === "nonrobust") fStatistic = ((tss - ssr) / dfModel) / sigma2;
    else fStatistic = waldF(beta, cov, p, kConst);
  }
  const logLik = -0.5 * n * (Math.log(2 * Math.PI) + Math.log(ssr / n) + 1);
  if (ssr === 0 || sigma2 < 1e-30 * tss) warnings.push("The model fits the data exactly (residual variance 0): standard errors and tests are not meaningful.");
  if (condition > 1e8)
    warnings.push(`The predictors are nearly collinear (condition number about ${condition.toExponential(1)} after scaling): the estimates may have only ${Math.max(0, Math.floor(16 - Math.log10(condition)))} correct digits.`);

  const covRows = toRows(cov, p);
  const fit: LinearFit = {
    rSquared,
    adjRSquared,
    fStatistic: finiteOrNull(fStatistic),
    fPValue: Number.isFinite(fStatistic) ? fSf(fStatistic, dfModel, dfResid) : null,
    logLik: finiteOrNull(logLik),
    aic: finiteOrNull(-2 * logLik + 2 * p),
    bic: finiteOrNull(-2 * logLik + Math.log(n) * p),
    sigma: Math.sqrt(sigma2),
    ssr,
    dfModel,
    dfResid,
    conditionNumber: condition,
    converged: true,
    iterations: 0,
  };
  return { beta, coefficients: coefficientTable(terms, beta, covRows, dfResid), covariance: covRows, fit, warnings };
}

const BLOCK = 256;

// The passes over all rows live in small functions of their own: V8 then optimises each as a whole function,
// instead of on-stack-replacing loops inside fitOls and deoptimising on the code after them on every fit.

/** Smallest, largest and sum of y. */
function yRange(y: Float64Array, n: number): { ymin: number; ymax: number; ysum: number } {
  let ymin = Infinity;
  let ymax = -Infinity;
  let ysum = 0;
  for (let i = 0; i < n; i++) {
    const v = y[i];
    if (v < ymin) ymin = v;
    if (v > ymax) ymax = v;
    ysum += v;
  }
  return { ymin, ymax, ysum };
}

/** Σ (yᵢ − centre)². */
function totalSs(y: Float64Array, n: number, centre: number): number {
  let tss = 0;
  for (let i = 0; i < n; i++) {
    const d = y[i] - centre;
    tss += d * d;
  }
  return tss;
}

/** Σ (yᵢ − xᵢβ)². */
function residualSs(X: Float64Array, y: Float64Array, beta: Float64Array, n: number, p: number): number {
  let ssr = 0;
  for (let i = 0; i < n; i++) {
    const o = i * p;
    let fit = 0;
    for (let j = 0; j < p; j++) fit += X[o + j] * beta[j];
    const e = y[i] - fit;
    ssr += e * e;
  }
  return ssr;
}

/**
 * HC3 sandwich (MacKinnon & White 1985) G (Σ eᵢ²/(1−hᵢ)² zᵢzᵢᵀ) Gᵀ into `out`, returning Σ eᵢ². zᵢ is row i
 * of Q: with x̃ the row permuted and column-scaled, z = x̃ W (W = R⁻¹ upper triangular, p(p+1)/2 products),
 * hᵢ = ‖zᵢ‖² and G = S⁻¹ P W. Rows in blocks so that the meat's entries are register dot products.
 */
function hc3(X: Float64Array, y: Float64Array, beta: Float64Array, n: number, p: number, perm: Int32Array,
  scale: Float64Array, w: Float64Array, out: Float64Array): number {
  const ws: Hc3Work = {
    meat: new Float64Array(p * p),
    xc: new Float64Array(p * BLOCK),
    zc: new Float64Array(p * BLOCK),
    om: new Float64Array(BLOCK),
    hh: new Float64Array(BLOCK),
    tmp: new Float64Array(BLOCK),
    inv: new Float64Array(p),
  };
  for (let a = 0; a < p; a++) ws.inv[a] = 1 / scale[perm[a]];
  let ssr = 0;
  // One call per block: V8 optimises the kernel as a function instead of on-stack-replacing a loop whose
  // wrap-up code has no type feedback yet (which deoptimised on every fit).
  for (let start = 0; start < n; start += BLOCK) ssr += hc3Block(X, y, beta, start, Math.min(BLOCK, n - start), p, perm, w, ws);
  sandwich(ws.meat, w, p, perm, scale, out);
  return ssr;
}

interface Hc3Work {
  meat: Float64Array;
  /** The block's rows permuted and scaled, by column. */
  xc: Float64Array;
  /** Their rows of Q, by column. */
  zc: Float64Array;
  om: Float64Array;
  hh: Float64Array;
  tmp: Float64Array;
  inv: Float64Array;
}

/** Adds one block's ωᵢ zᵢzᵢᵀ to the meat's lower triangle; returns the block's Σ eᵢ². */
function hc3Block(X: Float64Array, y: Float64Array, beta: Float64Array, start: number, nb: number, p: number,
  perm: Int32Array, w: Float64Array, ws: Hc3Work): number {
  const { meat, xc, zc, om, hh, tmp, inv } = ws;
  let ssr = 0;
  for (let i = 0; i < nb; i++) {
    const o = (start + i) * p;
    let f0 = 0;
    let f1 = 0;
    let f2 = 0;
    let f3 = 0;
    let j = 0;
    for (; j + 3 < p; j += 4) {
      f0 += X[o + j] * beta[j];
      f1 += X[o + j + 1] * beta[j + 1];
      f2 += X[o + j + 2] * beta[j + 2];
      f3 += X[o + j + 3] * beta[j + 3];
    }
    for (; j < p; j++) f0 += X[o + j] * beta[j];
    const e = y[start + i] - (f0 + f1 + (f2 + f3));
    ssr += e * e;
    om[i] = e;
    for (let a = 0; a < p; a++) xc[a * BLOCK + i] = X[o + perm[a]] * inv[a];
  }
  // z = x̃ W, four columns of z per sweep with the sums in registers (W is upper triangular with zeros below,
  // so column b takes rows a ≤ b); the leverages h = ‖z‖² accumulate alongside.
  let b0 = 0;
  for (; b0 + 3 < p; b0 += 4) {
    const o0 = b0 * BLOCK;
    for (let i = 0; i < nb; i++) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let a = 0; a <= b0 + 3; a++) {
        const x = xc[a * BLOCK + i];
        const wo = a * p + b0;
        s0 += x * w[wo];
        s1 += x * w[wo + 1];
        s2 += x * w[wo + 2];
        s3 += x * w[wo + 3];
      }
      zc[o0 + i] = s0;
      zc[o0 + BLOCK + i] = s1;
      zc[o0 + 2 * BLOCK + i] = s2;
      zc[o0 + 3 * BLOCK + i] = s3;
      hh[i] = (b0 === 0 ? 0 : hh[i]) + (s0 * s0 + s1 * s1) + (s2 * s2 + s3 * s3);
    }
  }
  for (; b0 < p; b0++) {
    const ob = b0 * BLOCK;
    for (let i = 0; i < nb; i++) {
      let s = 0;
      for (let a = 0; a <= b0; a++) s += xc[a * BLOCK + i] * w[a * p + b0];
      zc[ob + i] = s;
      hh[i] = (b0 === 0 ? 0 : hh[i]) + s * s;
    }
  }
  for (let i = 0; i < nb; i++) {
    const h = hh[i];
    if (h > 1 - 1e-10)
      throw new ModelError(
        "too_few_rows",
        `HC3 standard errors are undefined: data row ${start + i + 1} of the model alone determines a coefficient (leverage 1, e.g. a category with one row). Use nonrobust covariance or merge small categories.`,
      );
    const r = om[i] / (1 - h);
    om[i] = r * r;
  }
  // The meat's lower triangle, four entries per sweep (each load of tmp feeds four products).
  for (let a = 0; a < p; a++) {
    const oa = a * BLOCK;
    for (let i = 0; i < nb; i++) tmp[i] = om[i] * zc[oa + i];
    let b = 0;
    for (; b + 3 <= a; b += 4) {
      const o0 = b * BLOCK;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let i = 0; i < nb; i++) {
        const t = tmp[i];
        s0 += t * zc[o0 + i];
        s1 += t * zc[o0 + BLOCK + i];
        s2 += t * zc[o0 + 2 * BLOCK + i];
        s3 += t * zc[o0 + 3 * BLOCK + i];
      }
      const m = a * p + b;
      meat[m] += s0;
      meat[m + 1] += s1;
      meat[m + 2] += s2;
      meat[m + 3] += s3;
    }
    for (; b <= a; b++) meat[a * p + b] += dot(tmp, 0, zc, b * BLOCK, nb);
  }
  return ssr;
}

/** The sandwich W M Wᵀ in pivoted scaled coordinates, then back to the terms' order and scale, into `out`. */
function sandwich(meat: Float64Array, w: Float64Array, p: number, perm: Int32Array, scale: Float64Array, out: Float64Array): void {
  for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) meat[b * p + a] = meat[a * p + b];
  const wm = new Float64Array(p * p);
  for (let i = 0; i < p; i++)
    for (let b = 0; b < p; b++) {
      let s = 0;
      for (let a = i; a < p; a++) s += w[i * p + a] * meat[a * p + b];
      wm[i * p + b] = s;
    }
  for (let i = 0; i < p; i++)
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let b = j; b < p; b++) s += wm[i * p + b] * w[j * p + b];
      const pi = perm[i], pj = perm[j];
      out[pi * p + pj] = out[pj * p + pi] = s / (scale[pi] * scale[pj]);
    }
}

/** Wald F = bᵀV⁻¹b / q over the slopes (all terms but the intercept), as statsmodels does with robust covariance. */
function waldF(beta: Float64Array, cov: Float64Array, p: number, kConst: number): number {
  const q = p - kConst;
  const v = new Float64Array(q * q);
  const b = new Float64Array(q);
  for (let i = 0; i < q; i++) {
    b[i] = beta[i + kConst];
    for (let j = 0; j < q; j++) v[i * q + j] = cov[(i + kConst) * p + j + kConst];
  }
  const l = cholesky(v, q);
  if (!l) return NaN;
  const x = cholSolve(l, q, b);
  let s = 0;
  for (let i = 0; i < q; i++) s += b[i] * x[i];
  return s / q;
}
