/**
 * The triangle of [X y] from its cross-product matrix, for well-conditioned designs: one pass forms
 * [X y]ᵀ[X y] by row blocks (about half the arithmetic of the Householder TSQR pass), then a Cholesky
 * factor of the column-scaled Gram gives the same upper triangle R (up to row signs) that `tsqr` returns.
 * Forming the Gram squares the condition number (Golub & Van Loan 2013, §5.3.7: the normal equations
 * lose about twice the digits of QR), so the triangle is only returned when the scaled design's condition
 * estimate is at most `GRAM_MAX_CONDITION`, and the solution is then refined by one step of the corrected
 * semi-normal equations (Björck 1987; Higham 2002 §20.5: β += (RᵀR)⁻¹ Xᵀ(y − Xβ) with the residuals taken
 * from the data), which brings each coefficient to QR's accuracy on such designs (the NIST StRD tests in
 * test/models hold their LREs). Xᵀe is gathered by the residual pass the fit makes anyway (the HC3 pass or
 * the SSR pass), so the refinement costs no extra pass; the HC3 weights then use the residuals before the
 * step, which differ from those after it by about κ²ε relative. Otherwise (or when the Gram is not positive definite) the caller keeps QR.
 */

import { wasmKernels } from "../wasm/kernels";
import { addPairProducts } from "./pair-products";

/** Largest ‖L‖_F‖L⁻¹‖_F of the scaled Cholesky factor (≥ κ₂ of the scaled design) for which the Gram is used. */
export const GRAM_MAX_CONDITION = 1e3;

/** Rows per block: 256 × (p + 1) doubles by column, inside L1/L2. */
const BLOCK = 256;

/**
 * Lower triangle (row-major q × q, q = p + 1, y last) of [X y]ᵀ[X y], the upper triangle mirrored.
 * @example const g = gramXy(X, y, n, p); // g[a * (p + 1) + b]
 */
export function gramXy(X: Float64Array, y: Float64Array, n: number, p: number): Float64Array {
  const k = wasmKernels();
  if (k) return k.gramXy(X, y, n, p);
  const q = p + 1;
  const g = new Float64Array(q * q);
  const blk = new Float64Array(q * BLOCK);
  for (let start = 0; start < n; start += BLOCK) gramBlock(X, y, start, Math.min(BLOCK, n - start), p, blk, g);
  for (let a = 0; a < q; a++) for (let b = 0; b < a; b++) g[b * q + a] = g[a * q + b];
  return g;
}

/** Adds one block's products to the lower triangle of g: two rows of g by four columns per sweep (six loads, eight products). */
function gramBlock(X: Float64Array, y: Float64Array, start: number, nb: number, p: number, blk: Float64Array, g: Float64Array): void {
  const q = p + 1;
  for (let i = 0; i < nb; i++) {
    const o = (start + i) * p;
    for (let j = 0; j < p; j++) blk[j * BLOCK + i] = X[o + j];
    blk[p * BLOCK + i] = y[start + i];
  }
  let a = 0;
  for (; a + 1 < q; a += 2) {
    addPairProducts(blk, a * BLOCK, a * BLOCK + BLOCK, blk, BLOCK, nb, g, q, a);
  }
  for (; a < q; a++) {
    const oa = a * BLOCK;
    for (let b = 0; b <= a; b++) {
      const ob = b * BLOCK;
      let s = 0;
      for (let i = 0; i < nb; i++) s += blk[oa + i] * blk[ob + i];
      g[a * q + b] += s;
    }
  }
}

/**
 * The upper triangle R (row-major q × q) with RᵀR = [X y]ᵀ[X y], from the Gram `g` of `gramXy`: Cholesky of the
 * column-scaled X block, R's last column Qᵀy by a triangular solve and |R[p][p]| = √(yᵀy − ‖Qᵀy‖²). Returns null
 * when a column is all zero, the scaled Gram is not positive definite or its condition estimate exceeds
 * `GRAM_MAX_CONDITION` (the caller then factors X by QR).
 * @example const R = triangleFromGram(gramXy(X, y, n, p), p) ?? tsqr(X, y, n, p);
 */
export function triangleFromGram(g: Float64Array, p: number): Float64Array | null {
  const q = p + 1;
  const s = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    if (!(g[j * q + j] > 0)) return null;
    s[j] = Math.sqrt(g[j * q + j]);
  }
  // Cholesky L Lᵀ = S⁻¹ XᵀX S⁻¹ (row-major lower).
  const l = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    let d = 1;
    for (let k = 0; k < j; k++) d -= l[j * p + k] * l[j * p + k];
    if (!(d > 0)) return null;
    const ljj = Math.sqrt(d);
    l[j * p + j] = ljj;
    for (let i = j + 1; i < p; i++) {
      let v = g[i * q + j] / (s[i] * s[j]);
      for (let k = 0; k < j; k++) v -= l[i * p + k] * l[j * p + k];
      l[i * p + j] = v / ljj;
    }
  }
  // Condition estimate ‖L‖_F ‖L⁻¹‖_F (L⁻¹ lower triangular, column by column).
  let lf = 0;
  let invf = 0;
  const col = new Float64Array(p);
  for (let c = 0; c < p; c++) {
    col.fill(0);
    for (let i = c; i < p; i++) {
      let v = i === c ? 1 : 0;
      for (let k = c; k < i; k++) v -= l[i * p + k] * col[k];
      col[i] = v / l[i * p + i];
      invf += col[i] * col[i];
      lf += l[i * p + c] * l[i * p + c];
    }
  }
  if (!(Math.sqrt(lf * invf) <= GRAM_MAX_CONDITION)) return null;
  // R = Lᵀ S in the raw scale; last column: Lᵀ S r = Xᵀy → forward solve of L (S⁻¹Xᵀy).
  const R = new Float64Array(q * q);
  for (let i = 0; i < p; i++) for (let j = i; j < p; j++) R[i * q + j] = l[j * p + i] * s[j];
  let qy2 = 0;
  for (let i = 0; i < p; i++) {
    let v = g[p * q + i] / s[i];
    for (let k = 0; k < i; k++) v -= l[i * p + k] * R[k * q + p];
    R[i * q + p] = v / l[i * p + i];
    qy2 += R[i * q + p] * R[i * q + p];
  }
  R[p * q + p] = Math.sqrt(Math.max(0, g[p * q + p] - qy2));
  return R;
}

/**
 * One step of the corrected semi-normal equations from r = Xᵀe, e = y − Xβ (taken from the data by the caller's
 * residual pass): β += δ with δ = G Gᵀ r, G Gᵀ = (XᵀX)⁻¹ (solveTriangle's `g`). Updates `beta` in place and returns
 * δᵀr, the drop of the residual sum of squares (Σ(e − Xδ)² = Σe² − δᵀr, as XᵀXδ = r).
 * @example const { ssr, xte } = residualCross(X, y, n, p, sol.beta); const ssr1 = ssr - refineBeta(sol.beta, sol.g, xte, p);
 */
export function refineBeta(beta: Float64Array, g: Float64Array, r: Float64Array, p: number): number {
  const t = new Float64Array(p);
  for (let b = 0; b < p; b++) {
    let s = 0;
    for (let j = 0; j < p; j++) s += g[j * p + b] * r[j];
    t[b] = s;
  }
  let drop = 0;
  for (let j = 0; j < p; j++) {
    let s = 0;
    for (let b = 0; b < p; b++) s += g[j * p + b] * t[b];
    beta[j] += s;
    drop += s * r[j];
  }
  return drop;
}

/** Σeᵢ² and Xᵀe (e = y − Xβ) in one pass over the rows. @example residualCross(X, y, n, p, beta).ssr */
export function residualCross(
  X: Float64Array,
  y: Float64Array,
  n: number,
  p: number,
  beta: Float64Array,
): { ssr: number; xte: Float64Array } {
  const xte = new Float64Array(p);
  let ssr = 0;
  for (let i = 0; i < n; i++) {
    const o = i * p;
    let f = 0;
    for (let j = 0; j < p; j++) f += X[o + j] * beta[j];
    const e = y[i] - f;
    ssr += e * e;
    for (let j = 0; j < p; j++) xte[j] += X[o + j] * e;
  }
  return { ssr, xte };
}
