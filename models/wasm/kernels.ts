/**
 * The WebAssembly SIMD kernels of the OLS and logit passes (kernels.wat, built into kernels.wasm by
 * `npm run build:wasm`), behind the same functions as their JavaScript versions: gramXy (gram.ts), hc3Rows
 * (ols-hc3.ts), logitPass and logitGradPass (logistic-pass.ts) call them when an instance has been registered
 * with `useKernels`, else run their own loops. models/ does no I/O: the worker registers the module it imports
 * (worker/wasm-kernels.ts), Node code the module it compiles from the file. Rows are copied into the kernels'
 * memory one block of 256 at a time, so the memory stays near 8 KiB × (number of terms) + 8p² bytes whatever the row count.
 * Results agree with the JavaScript loops to rounding (the sums are taken in another order; e^−x is bit-identical).
 */
import { FRAC, POW2 } from "../numeric/exp-neg";

/** The exports of kernels.wasm (see kernels.wat for each kernel's contract). */
export interface KernelExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  gram(rows: number, y: number, nb: number, p: number, cols: number, acc: number): void;
  hc3(
    rows: number,
    y: number,
    nb: number,
    p: number,
    beta: number,
    perm: number,
    inv: number,
    W: number,
    cols: number,
    xc: number,
    zc: number,
    om: number,
    hh: number,
    tmp: number,
    xte: number,
    meat: number,
    sc: number,
  ): number;
  logitGrad(
    rows: number,
    y: number,
    nb: number,
    p: number,
    beta: number,
    cols: number,
    eta: number,
    r: number,
    grad: number,
    sc: number,
  ): number;
  logitFull(
    rows: number,
    y: number,
    nb: number,
    p: number,
    beta: number,
    cols: number,
    w: number,
    r: number,
    wd: number,
    marginal: number,
    grad: number,
    wdx: number,
    hess: number,
    tmp: number,
    sc: number,
  ): number;
}

/** Rows per kernel call, and the byte stride of the kernels' columns (fixed in kernels.wat). */
const BLOCK = 256;
const COL = BLOCK * 8;
/** The e^−x tables take bytes 0 … 9311; the work areas start here. */
const BASE = 16384;

const align = (bytes: number) => (bytes + 15) & ~15;

/** Byte offsets of one term count's work areas. */
interface Layout {
  p: number;
  rows: number;
  y: number;
  cols: number;
  xc: number;
  zc: number;
  om: number;
  hh: number;
  wd: number;
  tmp: number;
  beta: number;
  perm: number;
  inv: number;
  W: number;
  acc: number;
  vec: number;
  wdx: number;
  sc: number;
  end: number;
}

function layoutFor(p: number): Layout {
  let off = BASE;
  const take = (bytes: number) => {
    const at = off;
    off += align(bytes);
    return at;
  };
  const L = {
    p,
    rows: take(COL * p),
    y: take(COL),
    cols: take(COL * (p + 1)),
    xc: take(COL * p),
    zc: take(COL * p),
    om: take(COL + 16),
    hh: take(COL + 16),
    wd: take(COL + 16),
    tmp: take(2 * COL),
    beta: take(8 * p),
    perm: take(4 * p),
    inv: take(8 * p),
    W: take(8 * p * p),
    acc: take(8 * (p + 1) * (p + 1)),
    vec: take(8 * p),
    wdx: take(8 * p),
    sc: take(32),
    end: 0,
  };
  L.end = off;
  return L;
}

/** The registered kernels with views on their memory. */
export class WasmKernels {
  private f64: Float64Array;
  private i32: Int32Array;
  private L: Layout = layoutFor(1);
  /** Passes run through the kernels so far (a Gram, an HC3 or a likelihood pass each count one). */
  passes = 0;

  constructor(private readonly ex: KernelExports) {
    this.f64 = new Float64Array(ex.memory.buffer);
    this.i32 = new Int32Array(ex.memory.buffer);
    this.f64.set(FRAC, 0);
    this.f64.set(POW2, 64);
  }

  /** The layout for p terms, growing the memory when it needs more pages. */
  private layout(p: number): Layout {
    if (this.L.p !== p) {
      const L = layoutFor(p);
      const have = this.ex.memory.buffer.byteLength;
      if (L.end > have) this.ex.memory.grow(Math.ceil((L.end - have) / 65536));
      this.f64 = new Float64Array(this.ex.memory.buffer);
      this.i32 = new Int32Array(this.ex.memory.buffer);
      this.L = L;
    }
    return this.L;
  }

  /** Copies rows [start, start + nb) of X and y into the block buffers. */
  private load(X: Float64Array, y: Float64Array, start: number, nb: number, p: number, L: Layout): void {
    this.f64.set(X.subarray(start * p, (start + nb) * p), L.rows >> 3);
    this.f64.set(y.subarray(start, start + nb), L.y >> 3);
  }

  /** gram.ts gramXy: [X y]ᵀ[X y], (p + 1) × (p + 1), both triangles filled. */
  gramXy(X: Float64Array, y: Float64Array, n: number, p: number): Float64Array {
    this.passes++;
    const L = this.layout(p);
    const q = p + 1;
    const acc = L.acc >> 3;
    this.f64.fill(0, acc, acc + q * q);
    for (let start = 0; start < n; start += BLOCK) {
      const nb = Math.min(BLOCK, n - start);
      this.load(X, y, start, nb, p, L);
      this.ex.gram(L.rows, L.y, nb, p, L.cols, L.acc);
    }
    const g = this.f64.slice(acc, acc + q * q);
    for (let a = 0; a < q; a++) for (let b = 0; b < a; b++) g[b * q + a] = g[a * q + b];
    return g;
  }

  /**
   * ols-hc3.ts hc3Rows: adds the meat's lower triangle to `meat` and Xᵀe to `xte`; returns Σe², or the index of
   * the first row (0-based, among these n) whose leverage is 1 as `badRow` (the sums are then not added).
   */
  hc3(
    X: Float64Array,
    y: Float64Array,
    n: number,
    p: number,
    beta: Float64Array,
    perm: Int32Array,
    inv: Float64Array,
    w: Float64Array,
    meat: Float64Array,
    xte: Float64Array,
  ): { ssr: number; badRow: number } {
    this.passes++;
    const L = this.layout(p);
    const m = this.f64;
    m.set(beta, L.beta >> 3);
    this.i32.set(perm, L.perm >> 2);
    m.set(inv, L.inv >> 3);
    m.set(w, L.W >> 3);
    m.fill(0, L.acc >> 3, (L.acc >> 3) + p * p);
    m.fill(0, L.vec >> 3, (L.vec >> 3) + p);
    m[L.sc >> 3] = 0;
    for (let start = 0; start < n; start += BLOCK) {
      const nb = Math.min(BLOCK, n - start);
      this.load(X, y, start, nb, p, L);
      const bad = this.ex.hc3(L.rows, L.y, nb, p, L.beta, L.perm, L.inv, L.W, L.cols, L.xc, L.zc, L.om, L.hh, L.tmp, L.vec, L.acc, L.sc);
      if (bad >= 0) return { ssr: NaN, badRow: start + bad };
    }
    const acc = L.acc >> 3;
    for (let a = 0; a < p; a++) for (let b = 0; b <= a; b++) meat[a * p + b] += m[acc + a * p + b];
    for (let j = 0; j < p; j++) xte[j] += m[(L.vec >> 3) + j];
    return { ssr: m[L.sc >> 3], badRow: -1 };
  }

  /** logistic-pass.ts logitGradPass: log-likelihood, score and the count of |η| > 30 at β. */
  logitGrad(
    X: Float64Array,
    y: Float64Array,
    n: number,
    p: number,
    beta: Float64Array,
    grad: Float64Array,
  ): { ll: number; extreme: number } {
    this.passes++;
    const L = this.layout(p);
    const m = this.f64;
    m.set(beta, L.beta >> 3);
    m.fill(0, L.vec >> 3, (L.vec >> 3) + p);
    m.fill(0, L.sc >> 3, (L.sc >> 3) + 4);
    let logs = 0;
    for (let start = 0; start < n; start += BLOCK) {
      const nb = Math.min(BLOCK, n - start);
      this.load(X, y, start, nb, p, L);
      logs += Math.log(this.ex.logitGrad(L.rows, L.y, nb, p, L.beta, L.cols, L.om, L.hh, L.vec, L.sc));
    }
    grad.set(m.subarray(L.vec >> 3, (L.vec >> 3) + p));
    return { ll: m[L.sc >> 3] - logs, extreme: m[(L.sc >> 3) + 1] };
  }

  /** logistic-pass.ts logitPass: as logitGrad, with the information (both triangles) and the marginal-effect sums. */
  logitFull(
    X: Float64Array,
    y: Float64Array,
    n: number,
    p: number,
    beta: Float64Array,
    marginal: boolean,
    grad: Float64Array,
    hess: Float64Array,
    wdx: Float64Array,
  ): { ll: number; extreme: number; wsum: number } {
    this.passes++;
    const L = this.layout(p);
    const m = this.f64;
    m.set(beta, L.beta >> 3);
    m.fill(0, L.vec >> 3, (L.vec >> 3) + p);
    m.fill(0, L.wdx >> 3, (L.wdx >> 3) + p);
    m.fill(0, L.acc >> 3, (L.acc >> 3) + p * p);
    m.fill(0, L.sc >> 3, (L.sc >> 3) + 4);
    let logs = 0;
    const mg = marginal ? 1 : 0;
    for (let start = 0; start < n; start += BLOCK) {
      const nb = Math.min(BLOCK, n - start);
      this.load(X, y, start, nb, p, L);
      logs += Math.log(this.ex.logitFull(L.rows, L.y, nb, p, L.beta, L.cols, L.om, L.hh, L.wd, mg, L.vec, L.wdx, L.acc, L.tmp, L.sc));
    }
    grad.set(m.subarray(L.vec >> 3, (L.vec >> 3) + p));
    wdx.set(m.subarray(L.wdx >> 3, (L.wdx >> 3) + p));
    const acc = L.acc >> 3;
    for (let a = 0; a < p; a++)
      for (let b = 0; b <= a; b++) {
        const v = m[acc + a * p + b];
        hess[a * p + b] = v;
        hess[b * p + a] = v;
      }
    const sc = L.sc >> 3;
    return { ll: m[sc] - logs, extreme: m[sc + 1], wsum: m[sc + 2] };
  }
}

let active: WasmKernels | null = null;

/**
 * Registers an instance of kernels.wasm (its exports) for the OLS and logit passes, or removes it (null: the
 * JavaScript loops run). @example useKernels(new WebAssembly.Instance(mod).exports as unknown as KernelExports);
 */
export function useKernels(ex: KernelExports | null): void {
  active = ex ? new WasmKernels(ex) : null;
}

/** The registered kernels, or null. @example const k = wasmKernels(); if (k) return k.gramXy(X, y, n, p); */
export function wasmKernels(): WasmKernels | null {
  return active;
}
