/**
 * The Newton iterations of `fitLogit` (models/regression/logistic.ts) written over likelihood passes given as functions, so
 * the same iterations run on a design held whole or on blocks read one at a time: exact Newton steps with step
 * halving (McCullagh & Nelder 1989 §4.4) until the step is small, then chord steps (score-only passes reusing
 * the information, BFGS-updated, Nocedal & Wright eq. 6.19), the last pass carrying the marginal-effect sums,
 * and one free polishing step. Kept step for step identical to logit.ts's loop so that both paths take the
 * same iterations.
 */
import { cholesky, cholSolve } from "../numeric/linalg";
import type { PassState } from "./logistic-pass";

/** The two likelihood passes at β, writing their totals into `st` (the light one: ll, grad and extreme only). */
export interface Passes {
  full(beta: Float64Array, st: PassState, marginal: boolean): void;
  grad(beta: Float64Array, st: PassState): void;
}

export interface NewtonRun {
  beta: Float64Array;
  iterations: number;
  converged: boolean;
  lastStep: Float64Array;
  /** The last pass was a full one with the marginal-effect sums, at `beta`. */
  final: boolean;
}

/** Newton step H⁻¹g solved after symmetric diagonal scaling; null when H is not positive definite. */
function newtonStep(hess: Float64Array, grad: Float64Array, p: number): Float64Array | null {
  const d = new Float64Array(p);
  for (let j = 0; j < p; j++) d[j] = 1 / Math.sqrt(hess[j * p + j]);
  const hs = new Float64Array(p * p);
  const gs = new Float64Array(p);
  for (let a = 0; a < p; a++) {
    gs[a] = grad[a] * d[a];
    for (let b = 0; b < p; b++) hs[a * p + b] = hess[a * p + b] * d[a] * d[b];
  }
  const l = cholesky(hs, p);
  if (!l) return null;
  const s = cholSolve(l, p, gs);
  for (let j = 0; j < p; j++) s[j] *= d[j];
  return s;
}

/**
 * True when the column-scaled information matrix has a Cholesky pivot below 1e-12 (or none).
 * @example if (nearSingular(st.hess, p)) rankCheck();
 */
export function nearSingular(h: Float64Array, p: number): boolean {
  const d = new Float64Array(p);
  for (let j = 0; j < p; j++) d[j] = h[j * p + j] > 0 ? 1 / Math.sqrt(h[j * p + j]) : 0;
  const m = new Float64Array(p * p);
  for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) m[a * p + b] = h[a * p + b] * d[a] * d[b];
  const l = cholesky(m, p);
  if (!l) return true;
  for (let j = 0; j < p; j++) if (l[j * p + j] * l[j * p + j] < 1e-12) return true;
  return false;
}

/**
 * Newton iterations with step halving from β (st holds ll and score at β; its information too unless `hess`
 * is given); stops when the error left after the last step is below `tol` (relative).
 * @example const run = newtonLoop(passes, p, beta, st, null, 50, 1e-5);
 */
export function newtonLoop(
  passes: Passes,
  p: number,
  beta: Float64Array,
  st: PassState,
  hess: Float64Array | null,
  maxIter: number,
  tol: number,
  onExtreme?: () => void,
): NewtonRun {
  let H = hess ?? Float64Array.from(st.hess);
  let fresh = hess === null;
  let prevRel = Infinity;
  let iterations = 0;
  let lastStep: Float64Array = new Float64Array(p);
  while (iterations < maxIter) {
    const step = newtonStep(H, st.grad, p);
    if (!step) break;
    iterations++;
    lastStep = step;
    const prevLl = st.ll;
    const prev = beta;
    const prevGrad = Float64Array.from(st.grad);
    let rel = 0;
    for (let j = 0; j < p; j++) rel = Math.max(rel, Math.abs(step[j]) / (1 + Math.abs(prev[j])));
    const exact = fresh; // this step used the information at the current point: a true Newton step
    // Error left after this step ≈ rel × rate: rate = rel for an exact Newton step (quadratic), the observed
    // contraction for a chord step (linear; unknown, so 1, for the first one).
    const rate = exact ? rel : Number.isFinite(prevRel) ? rel / prevRel : 1;
    // When this step will be the last, its pass is the full one with the marginal-effect sums: the
    // information at the estimate comes without an extra pass.
    const last = rel * Math.min(rate, 1) <= tol * tol || rel <= 1e-13;
    const chord: boolean = !last && rel < 0.05 && (fresh || !Number.isFinite(prevRel) || rate < 0.3);
    let t = 1;
    const next: Float64Array = new Float64Array(p);
    for (let halving = 0; halving < 40; halving++) {
      for (let j = 0; j < p; j++) next[j] = prev[j] + t * step[j];
      if (chord && t === 1) passes.grad(next, st);
      else passes.full(next, st, last && t === 1);
      if (st.extreme > 0) onExtreme?.();
      if (st.ll >= prevLl - 1e-12 * Math.abs(prevLl)) break;
      t /= 2;
    }
    beta = next;
    fresh = !(chord && t === 1);
    if (fresh) H = Float64Array.from(st.hess);
    else bfgsUpdate(H, step, prevGrad, st.grad, p);
    prevRel = rel;
    if (last && t === 1) {
      // The full pass gave the information at β: one more exact Newton step costs no pass (its log-likelihood
      // gain ½ gᵀΔ is added); the information, score and marginal sums stay those at the pre-step β, which is
      // within tol² of the optimum.
      const polish = newtonStep(st.hess, st.grad, p);
      if (polish) {
        let gain = 0;
        for (let j = 0; j < p; j++) {
          beta[j] += polish[j];
          gain += 0.5 * st.grad[j] * polish[j];
        }
        st.ll += gain;
      }
      return { beta, iterations, converged: true, lastStep, final: true };
    }
    if (t * rel <= 1e-13) return { beta, iterations, converged: true, lastStep, final: false };
  }
  return { beta, iterations, converged: false, lastStep, final: false };
}

/** BFGS update of the information after a chord step s: H ← H − (Hs)(Hs)ᵀ/(sᵀHs) + uuᵀ/(uᵀs), u = g_old − g_new. */
function bfgsUpdate(H: Float64Array, s: Float64Array, gOld: Float64Array, gNew: Float64Array, p: number): void {
  const hs = new Float64Array(p);
  let shs = 0;
  let us = 0;
  for (let a = 0; a < p; a++) {
    let v = 0;
    for (let b = 0; b < p; b++) v += H[a * p + b] * s[b];
    hs[a] = v;
    shs += s[a] * v;
    us += (gOld[a] - gNew[a]) * s[a];
  }
  if (!(shs > 0 && us > 1e-12 * shs)) return;
  for (let a = 0; a < p; a++) {
    const ua = gOld[a] - gNew[a];
    for (let b = 0; b < p; b++) H[a * p + b] += -(hs[a] * hs[b]) / shs + (ua * (gOld[b] - gNew[b])) / us;
  }
}
