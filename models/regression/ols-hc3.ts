/**
 * The HC3 covariance of OLS (MacKinnon & White 1985) as statsmodels computes it: one pass over the rows for
 * the leverages hᵢ and the meat Σ eᵢ²/(1−hᵢ)² zᵢzᵢᵀ in the coordinates of Q, then the sandwich. Used by
 * `fitOls` and by the block-wise fit.
 */
import { ModelError } from "../numeric/errors";
import { dot } from "../numeric/linalg";
import { wasmKernels } from "../wasm/kernels";
import type { TriangleSolution } from "./ols";
import { addPairProducts } from "./pair-products";

/** Rows per kernel call: 256 × p doubles per buffer, inside L1/L2. */
const BLOCK = 256;

/**
 * The HC3 pass (MacKinnon & White 1985) over n rows: adds the meat Σ eᵢ²/(1−hᵢ)² zᵢzᵢᵀ to `ws.meat` (lower
 * triangle) and returns Σ eᵢ². zᵢ is row i of Q: with x̃ the row permuted and column-scaled, z = x̃ W (W = R⁻¹
 * upper triangular, p(p+1)/2 products) and hᵢ = ‖zᵢ‖²; `olsResult` then forms the sandwich G M Gᵀ. Rows in
 * blocks of 256 so that the meat's entries are register dot products. `rowBase` numbers the rows in errors.
 * @example const ws = hc3Work(p, sol); const ssr = hc3Rows(X, y, n, p, sol, ws, 0);
 */
export function hc3Rows(
  X: Float64Array,
  y: Float64Array,
  n: number,
  p: number,
  sol: TriangleSolution,
  ws: Hc3Work,
  rowBase: number,
): number {
  const k = wasmKernels();
  if (k) {
    const r = k.hc3(X, y, n, p, sol.beta, sol.perm, ws.inv, sol.w, ws.meat, ws.xte);
    if (r.badRow >= 0) throw leverageOne(rowBase + r.badRow + 1);
    return r.ssr;
  }
  let ssr = 0;
  // One call per block: V8 optimises the kernel as a function instead of on-stack-replacing a loop whose
  // wrap-up code has no type feedback yet (which deoptimised on every fit).
  for (let start = 0; start < n; start += BLOCK)
    ssr += hc3Block(X, y, sol.beta, start, Math.min(BLOCK, n - start), p, sol.perm, sol.w, ws, rowBase);
  return ssr;
}

/** Work buffers of `hc3Rows`; `meat` accumulates over every call. @example const ws = hc3Work(p, sol); */
export function hc3Work(p: number, sol: TriangleSolution): Hc3Work {
  const ws: Hc3Work = {
    meat: new Float64Array(p * p),
    xc: new Float64Array(p * BLOCK),
    zc: new Float64Array(p * BLOCK),
    om: new Float64Array(BLOCK),
    hh: new Float64Array(BLOCK),
    tmp: new Float64Array(2 * BLOCK),
    inv: new Float64Array(p),
    xte: new Float64Array(p),
  };
  for (let a = 0; a < p; a++) ws.inv[a] = 1 / sol.scale[sol.perm[a]];
  return ws;
}

export interface Hc3Work {
  meat: Float64Array;
  /** The block's rows permuted and scaled, by column. */
  xc: Float64Array;
  /** Their rows of Q, by column. */
  zc: Float64Array;
  om: Float64Array;
  hh: Float64Array;
  tmp: Float64Array;
  inv: Float64Array;
  /** Xᵀe over the rows passed (e = y − Xβ), for a refinement step of β (gram.ts). */
  xte: Float64Array;
}

/** The error for a row (1-based data row) of leverage 1, where HC3 divides by 1 − hᵢ = 0. */
function leverageOne(row: number): ModelError {
  return new ModelError(
    "too_few_rows",
    `HC3 standard errors are undefined: data row ${row} of the model alone determines a coefficient (leverage 1, e.g. a category with one row). Use nonrobust covariance or merge small categories.`,
  );
}

/** Adds one block's ωᵢ zᵢzᵢᵀ to the meat's lower triangle; returns the block's Σ eᵢ². */
function hc3Block(
  X: Float64Array,
  y: Float64Array,
  beta: Float64Array,
  start: number,
  nb: number,
  p: number,
  perm: Int32Array,
  w: Float64Array,
  ws: Hc3Work,
  rowBase: number,
): number {
  const { meat, xc, zc, om, hh, tmp, inv, xte } = ws;
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
    for (let a = 0; a < p; a++) {
      xc[a * BLOCK + i] = X[o + perm[a]] * inv[a];
      xte[a] += X[o + a] * e;
    }
  }
  // z = x̃ W, four columns of z for two rows per sweep with the sums in registers (each load of W feeds two
  // products; W is upper triangular with zeros below, so column b takes rows a ≤ b); the leverages
  // h = ‖z‖² accumulate alongside.
  let b0 = 0;
  for (; b0 + 3 < p; b0 += 4) {
    const o0 = b0 * BLOCK;
    const first = b0 === 0;
    let i = 0;
    for (; i + 1 < nb; i += 2) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let t0 = 0;
      let t1 = 0;
      let t2 = 0;
      let t3 = 0;
      for (let a = 0; a <= b0 + 3; a++) {
        const oa = a * BLOCK + i;
        const x = xc[oa];
        const x2 = xc[oa + 1];
        const wo = a * p + b0;
        const w0 = w[wo];
        const w1 = w[wo + 1];
        const w2 = w[wo + 2];
        const w3 = w[wo + 3];
        s0 += x * w0;
        s1 += x * w1;
        s2 += x * w2;
        s3 += x * w3;
        t0 += x2 * w0;
        t1 += x2 * w1;
        t2 += x2 * w2;
        t3 += x2 * w3;
      }
      zc[o0 + i] = s0;
      zc[o0 + BLOCK + i] = s1;
      zc[o0 + 2 * BLOCK + i] = s2;
      zc[o0 + 3 * BLOCK + i] = s3;
      zc[o0 + i + 1] = t0;
      zc[o0 + BLOCK + i + 1] = t1;
      zc[o0 + 2 * BLOCK + i + 1] = t2;
      zc[o0 + 3 * BLOCK + i + 1] = t3;
      hh[i] = (first ? 0 : hh[i]) + (s0 * s0 + s1 * s1) + (s2 * s2 + s3 * s3);
      hh[i + 1] = (first ? 0 : hh[i + 1]) + (t0 * t0 + t1 * t1) + (t2 * t2 + t3 * t3);
    }
    for (; i < nb; i++) {
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
      hh[i] = (first ? 0 : hh[i]) + (s0 * s0 + s1 * s1) + (s2 * s2 + s3 * s3);
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
    if (h > 1 - 1e-10) throw leverageOne(rowBase + start + i + 1);
    const r = om[i] / (1 - h);
    om[i] = r * r;
  }
  // The meat's lower triangle, two rows by four columns per sweep: six loads feed eight products. Entries
  // above the diagonal that a sweep also computes are ignored (sandwich() mirrors the lower triangle).
  let a = 0;
  for (; a + 1 < p; a += 2) {
    const oa = a * BLOCK;
    for (let i = 0; i < nb; i++) {
      tmp[i] = om[i] * zc[oa + i];
      tmp[BLOCK + i] = om[i] * zc[oa + BLOCK + i];
    }
    addPairProducts(tmp, 0, BLOCK, zc, BLOCK, nb, meat, p, a);
  }
  for (; a < p; a++) {
    const oa = a * BLOCK;
    for (let i = 0; i < nb; i++) tmp[i] = om[i] * zc[oa + i];
    for (let b = 0; b <= a; b++) meat[a * p + b] += dot(tmp, 0, zc, b * BLOCK, nb);
  }
  return ssr;
}

/** The sandwich W M Wᵀ in pivoted scaled coordinates, then back to the terms' order and scale, into `out`. */
export function sandwich(meat: Float64Array, w: Float64Array, p: number, perm: Int32Array, scale: Float64Array, out: Float64Array): void {
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
      const pi = perm[i],
        pj = perm[j];
      out[pi * p + pj] = out[pj * p + pi] = s / (scale[pi] * scale[pj]);
    }
}
