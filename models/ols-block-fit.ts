/**
 * The full OLS result of `fitOls` (coefficients, nonrobust or HC3 covariance, R², F, logLik, AIC, BIC,
 * condition, warnings and named errors) from design rows that arrive in blocks, never holding the design:
 * pass 1 folds each block into the running TSQR triangle of [X y] (`OlsAccumulator`); the same pivoted QR of
 * the column-scaled triangle as `fitOls` gives β and R⁻¹; pass 2 reads the blocks again for the residuals
 * from the data (SSR, TSS) and, for HC3, each row's leverage hᵢ = ‖x̃ᵢR⁻¹‖² and the meat Σ eᵢ²/(1−hᵢ)² zᵢzᵢᵀ
 * (MacKinnon & White 1985). Agrees with `fitOls` to rounding.
 */
import { fSf } from "./distributions";
import { ModelError } from "./errors";
import { applyQt, cholesky, cholSolve, invertR } from "./linalg";
import type { OlsResult } from "./ols";
import { OlsAccumulator, type RowBlock } from "./ols-blocks";
import { constantColumnError, rankOfTriangle } from "./rank";
import { coefficientTable, finiteOrNull, type LinearFit, toRows } from "./regression-result";

/**
 * Fits y = Xβ + ε by least squares over blocks of rows, reading them twice.
 * @param blocks called once per pass; yields the same blocks in the same order each time
 * @throws ModelError too_few_rows (n ≤ p, or an HC3 leverage of 1), no_variance, collinear_predictors
 * @example fitOlsOverBlocks(() => blocks, p, terms, "HC3").coefficients
 */
export function fitOlsOverBlocks(blocks: () => Iterable<RowBlock>, p: number, terms: string[], covarianceType: "nonrobust" | "HC3" = "nonrobust"): OlsResult {
  const hasIntercept = terms[0] === "Intercept";
  // Pass 1: the triangle, the outcome's range and sum, and which columns ever differ from the first row.
  const acc = new OlsAccumulator(p);
  let n = 0;
  let ymin = Infinity;
  let ymax = -Infinity;
  let ysum = 0;
  const first = new Float64Array(p);
  const varies = new Uint8Array(p);
  for (const b of blocks()) {
    if (b.n === 0) continue;
    if (n === 0) first.set(b.X.subarray(0, p));
    for (let i = 0; i < b.n; i++) {
      const v = b.y[i];
      if (v < ymin) ymin = v;
      if (v > ymax) ymax = v;
      ysum += v;
      const o = i * p;
      for (let j = 0; j < p; j++) if (b.X[o + j] !== first[j]) varies[j] = 1;
    }
    acc.add(b);
    n += b.n;
  }
  if (n <= p) throw new ModelError("too_few_rows", `A linear model with ${p} terms needs at least ${p + 1} complete rows (got ${n}).`, terms);
  if (ymin === ymax) throw new ModelError("no_variance", `The outcome is ${ymin} in every row used: there is nothing to explain.`);
  // Two rows with the same constant columns as the design (the varying ones NaN in the second): constantColumnError
  // on them names the same column, with the same value, as on the whole design.
  const twoRows = new Float64Array(2 * p);
  for (let j = 0; j < p; j++) {
    twoRows[j] = first[j];
    twoRows[p + j] = varies[j] ? NaN : first[j];
  }
  const Rxy = acc.R;
  const { f, scale } = rankOfTriangle(Rxy, p + 1, p, n, terms, () => constantColumnError(twoRows, 2, p, terms));

  // From here to β as in fitOls: Qᵀy from the triangle's last column, G = S⁻¹ P R⁻¹, (XᵀX)⁻¹ = G Gᵀ.
  const qy = new Float64Array(p);
  for (let k = 0; k < p; k++) qy[k] = Rxy[k * (p + 1) + p];
  applyQt(f, qy, p);
  const w = invertR(f, p);
  const g = new Float64Array(p * p);
  for (let a = 0; a < p; a++) {
    const j = f.perm[a];
    for (let b = 0; b < p; b++) g[j * p + b] = w[a * p + b] / scale[j];
  }
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

  // Pass 2: residuals from the data (exact fits give SSR ≈ 0 to rounding), TSS, and the HC3 meat.
  const ybar = ysum / n;
  const centre = hasIntercept ? ybar : 0;
  const hc3 = covarianceType === "HC3";
  const meat = new Float64Array(p * p);
  const inv = new Float64Array(p);
  for (let a = 0; a < p; a++) inv[a] = 1 / scale[f.perm[a]];
  const xt = new Float64Array(p);
  const z = new Float64Array(p);
  let ssr = 0;
  let tss = 0;
  let row = 0;
  for (const b of blocks()) {
    for (let i = 0; i < b.n; i++, row++) {
      const o = i * p;
      let fit = 0;
      for (let j = 0; j < p; j++) fit += b.X[o + j] * beta[j];
      const e = b.y[i] - fit;
      ssr += e * e;
      const dy = b.y[i] - centre;
      tss += dy * dy;
      if (!hc3) continue;
      // z = x̃ W (x̃ the row permuted and scaled, W = R⁻¹ upper triangular), h = ‖z‖².
      for (let a = 0; a < p; a++) xt[a] = b.X[o + f.perm[a]] * inv[a];
      let h = 0;
      for (let c = 0; c < p; c++) {
        let s = 0;
        for (let a = 0; a <= c; a++) s += xt[a] * w[a * p + c];
        z[c] = s;
        h += s * s;
      }
      if (h > 1 - 1e-10)
        throw new ModelError(
          "too_few_rows",
          `HC3 standard errors are undefined: data row ${row + 1} of the model alone determines a coefficient (leverage 1, e.g. a category with one row). Use nonrobust covariance or merge small categories.`,
        );
      const r = e / (1 - h);
      const om = r * r;
      for (let a = 0; a < p; a++) {
        const t = om * z[a];
        for (let c = 0; c <= a; c++) meat[a * p + c] += t * z[c];
      }
    }
  }

  const cov = new Float64Array(p * p);
  const dfResid = n - p;
  const kConst = hasIntercept ? 1 : 0;
  const dfModel = p - kConst;
  const sigma2 = ssr / dfResid;
  if (hc3) sandwich(meat, w, p, f.perm, scale, cov);
  else
    for (let i = 0; i < p; i++)
      for (let j = 0; j <= i; j++) {
        let s = 0;
        for (let b = 0; b < p; b++) s += g[i * p + b] * g[j * p + b];
        cov[i * p + j] = cov[j * p + i] = s * sigma2;
      }
  const warnings: string[] = [];
  const rSquared = 1 - ssr / tss;
  const adjRSquared = 1 - ((n - kConst) / dfResid) * (1 - rSquared);
  let fStatistic = NaN;
  if (dfModel > 0) fStatistic = hc3 ? waldF(beta, cov, p, kConst) : ((tss - ssr) / dfModel) / sigma2;
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

/**
 * The HC3 sandwich W M Wᵀ (M the meat's lower triangle, in pivoted scaled coordinates), back in the terms'
 * order and scale, into `out`.
 */
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

/** Wald F = bᵀV⁻¹b / q over the slopes, as statsmodels reports it with a robust covariance. */
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
