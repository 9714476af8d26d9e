/**
 * Ordinary least squares by column-scaled Householder QR with pivoting
 * (never XᵀX inverted; for a well-conditioned design the triangle may come
 * from the Cholesky factor of the Gram instead, gram.ts), with nonrobust or HC3 (MacKinnon & White 1985)
 * covariance, t inference, R², F, logLik, AIC and BIC as statsmodels' OLS
 * reports them.
 */
import { ModelError } from "../numeric/errors";
import { fSf } from "../numeric/distributions";
import { applyQt, cholesky, cholSolve, invertR, type PivotedQr } from "../numeric/linalg";
import { hc3Rows, hc3Work, sandwich } from "./ols-hc3";
import { rankOfTriangle } from "./rank";
import { gramXy, refineBeta, residualCross, triangleFromGram } from "./gram";
import { tsqr } from "./tsqr";
import { coefficientTable, finiteOrNull, type LinearFit, type Coefficient, toRows } from "./result";

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
 * @param factor "auto": the triangle of [X y] from its Gram when the scaled design is well conditioned (κ ≤ 1e3,
 *   gram.ts; half the arithmetic), else Householder TSQR; "qr": always TSQR
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
  factor: "auto" | "qr" = "auto",
): OlsResult {
  if (n <= p)
    throw new ModelError("too_few_rows", `A linear model with ${p} terms needs at least ${p + 1} complete rows (got ${n}).`, terms);
  const hasIntercept = terms[0] === "Intercept";
  const { ymin, ymax, ysum } = yRange(y, n);
  if (ymin === ymax) throw new ModelError("no_variance", `The outcome is ${ymin} in every row used: there is nothing to explain.`);

  // The triangle of [X y] (from the Gram when well conditioned, else TSQR), then a rank-revealing pivoted QR of
  // the small column-scaled triangle.
  const fromGram = factor === "auto" ? triangleFromGram(gramXy(X, y, n, p), p) : null;
  const Rxy = fromGram ?? tsqr(X, y, n, p);
  const { f, scale } = rankOfTriangle(Rxy, p + 1, p, n, terms, X);
  const sol = solveTriangle(Rxy, f, scale, p);
  // Residuals straight from the data (not from R), so that exact fits give SSR ≈ 0 to rounding; with the Gram's
  // triangle the same pass gathers Xᵀe for the refinement step of β.
  const work = covarianceType === "HC3" ? hc3Work(p, sol) : null;
  let ssr: number;
  if (work) {
    ssr = hc3Rows(X, y, n, p, sol, work, 0);
    if (fromGram) ssr -= refineBeta(sol.beta, sol.g, work.xte, p);
  } else if (fromGram) {
    const rc = residualCross(X, y, n, p, sol.beta);
    ssr = rc.ssr - refineBeta(sol.beta, sol.g, rc.xte, p);
  } else ssr = residualSs(X, y, sol.beta, n, p);
  const tss = totalSs(y, n, hasIntercept ? ysum / n : 0);
  return olsResult(sol, work?.meat ?? null, ssr, tss, n, p, terms);
}

/** β and the inverse triangle from the (pivoted, column-scaled) QR of [X y]'s triangle. */
export interface TriangleSolution {
  beta: Float64Array;
  /** R⁻¹, row-major upper triangular, pivoted scaled coordinates. */
  w: Float64Array;
  /** G = S⁻¹ P R⁻¹: maps a raw row x to its row of Q (z = x G), and (XᵀX)⁻¹ = G Gᵀ. */
  g: Float64Array;
  perm: Int32Array;
  scale: Float64Array;
  /** ‖R‖_F · ‖R⁻¹‖_F of the scaled design (within a factor p of κ₂). */
  condition: number;
}

/**
 * From the TSQR triangle of [X y] (row-major (p+1) × (p+1)) and its pivoted QR `f` with column scales: Qᵀy,
 * R⁻¹, G and β = G Qᵀy. Shared by `fitOls` and the block-wise fit.
 * @example const sol = solveTriangle(Rxy, f, scale, p); sol.beta
 */
export function solveTriangle(Rxy: Float64Array, f: PivotedQr, scale: Float64Array, p: number): TriangleSolution {
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
  const beta = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    let s = 0;
    for (let b = 0; b < p; b++) s += g[j * p + b] * qy[b];
    beta[j] = s;
  }
  return { beta, w, g, perm: f.perm, scale, condition: Math.sqrt(rf * wf) };
}

/**
 * The OLS result from β, SSR, TSS and, for HC3, the meat's lower triangle (else the nonrobust σ²(XᵀX)⁻¹):
 * covariance, t inference, R², adjusted R², F (Wald F with HC3, as statsmodels), logLik, AIC, BIC, warnings.
 * @example olsResult(sol, null, ssr, tss, n, p, terms)
 */
export function olsResult(
  sol: TriangleSolution,
  meat: Float64Array | null,
  ssr: number,
  tss: number,
  n: number,
  p: number,
  terms: string[],
): OlsResult {
  const { beta, g, condition } = sol;
  const hasIntercept = terms[0] === "Intercept";
  const cov = new Float64Array(p * p);
  const dfResid = n - p;
  const kConst = hasIntercept ? 1 : 0;
  const dfModel = p - kConst;
  const sigma2 = ssr / dfResid;
  const warnings: string[] = [];
  if (meat) sandwich(meat, sol.w, p, sol.perm, sol.scale, cov);
  else
    for (let i = 0; i < p; i++)
      for (let j = 0; j <= i; j++) {
        let s = 0;
        for (let b = 0; b < p; b++) s += g[i * p + b] * g[j * p + b];
        cov[i * p + j] = cov[j * p + i] = s * sigma2;
      }
  const rSquared = 1 - ssr / tss;
  const adjRSquared = 1 - ((n - kConst) / dfResid) * (1 - rSquared);
  let fStatistic = NaN;
  if (dfModel > 0) fStatistic = meat ? waldF(beta, cov, p, kConst) : (tss - ssr) / dfModel / sigma2;
  const logLik = -0.5 * n * (Math.log(2 * Math.PI) + Math.log(ssr / n) + 1);
  if (ssr === 0 || sigma2 < 1e-30 * tss)
    warnings.push("The model fits the data exactly (residual variance 0): standard errors and tests are not meaningful.");
  if (condition > 1e8)
    warnings.push(
      `The predictors are nearly collinear (condition number about ${condition.toExponential(1)} after scaling): the estimates may have only ${Math.max(0, Math.floor(16 - Math.log10(condition)))} correct digits.`,
    );

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
export function totalSs(y: Float64Array, n: number, centre: number): number {
  let tss = 0;
  for (let i = 0; i < n; i++) {
    const d = y[i] - centre;
    tss += d * d;
  }
  return tss;
}

/** Σ (yᵢ − xᵢβ)². */
export function residualSs(X: Float64Array, y: Float64Array, beta: Float64Array, n: number, p: number): number {
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
