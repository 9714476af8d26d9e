/**
 * Damped Newton maximisation of a log-likelihood over positive parameters,
 * on the log scale θ = ln φ (so no bound handling is needed), with analytic
 * gradient and Hessian supplied by the model, Levenberg damping when the
 * Hessian is not negative definite, and step halving (Nocedal & Wright,
 * Numerical Optimization 2nd ed., §3.4 and §10.3). Standard errors come from
 * the inverse observed information in the original parameters.
 */
import { cholesky, cholInverse, cholSolve } from "./linalg";

export interface Evaluation {
  /** Log-likelihood (−Infinity or NaN when undefined). */
  f: number;
  /** Gradient and Hessian (row-major) in the original parameters φ; omitted when not asked for. */
  g?: Float64Array;
  h?: Float64Array;
}

export type Objective = (phi: Float64Array, derivatives: boolean) => Evaluation;

export interface MaximumLikelihood {
  phi: Float64Array;
  logLik: number;
  /** Standard errors of φ from (−H)⁻¹; null entries when the information is not positive definite. */
  stdErrors: (number | null)[];
  /** Row-major covariance of φ, or null. */
  covariance: Float64Array | null;
  iterations: number;
  converged: boolean;
}

/**
 * Maximises `objective` from `phi0` (all entries > 0).
 * @example maximiseLogParams(ll, Float64Array.of(1, 1)).phi
 */
export function maximiseLogParams(objective: Objective, phi0: Float64Array, maxIterations = 200): MaximumLikelihood {
  const p = phi0.length;
  let theta = phi0.map(Math.log);
  const phiOf = (t: Float64Array) => t.map(Math.exp);
  let cur = objective(phiOf(theta), true);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations && Number.isFinite(cur.f)) {
    iterations++;
    const phi = phiOf(theta);
    const g = cur.g!;
    const h = cur.h!;
    // Gradient and negative Hessian on the log scale: gθ = φ∘g, −Hθ = −(D H D + diag(φ∘g)).
    const gt = new Float64Array(p);
    const nh = new Float64Array(p * p);
    for (let a = 0; a < p; a++) {
      gt[a] = phi[a] * g[a];
      for (let b = 0; b < p; b++) nh[a * p + b] = -phi[a] * h[a * p + b] * phi[b];
      nh[a * p + a] -= gt[a];
    }
    let step: Float64Array | null = null;
    let mu = 0;
    let maxDiag = 0;
    for (let a = 0; a < p; a++) maxDiag = Math.max(maxDiag, Math.abs(nh[a * p + a]));
    for (let k = 0; k < 30 && !step; k++) {
      const m = Float64Array.from(nh);
      for (let a = 0; a < p; a++) m[a * p + a] += mu;
      const l = cholesky(m, p);
      if (l) step = cholSolve(l, p, gt);
      else mu = mu === 0 ? 1e-8 * (maxDiag || 1) : mu * 10;
    }
    if (!step) break;
    let big = 0;
    for (let a = 0; a < p; a++) big = Math.max(big, Math.abs(step[a]));
    if (big > 3) for (let a = 0; a < p; a++) step[a] *= 3 / big;
    let t = 1;
    let next = theta;
    let nextEval: Evaluation | null = null;
    for (let k = 0; k < 60; k++) {
      const cand = theta.map((v, a) => v + t * step![a]);
      // Derivatives with the candidate: a full Newton step is usually accepted, and they are needed next.
      const e = objective(phiOf(cand), true);
      // A full undamped Newton step below 1e-6 is inside the rounding noise of a log-likelihood summed over
      // many customers (it can look like a tiny descent); quadratic convergence puts it at the optimum, so take
      // it rather than halving in the noise (which cost dozens of evaluations on 1M customers).
      const negligible = k === 0 && mu === 0 && big < 1e-6;
      if (Number.isFinite(e.f) && (e.f >= cur.f - 1e-12 * Math.abs(cur.f) || negligible)) {
        next = cand;
        nextEval = e;
        break;
      }
      t /= 2;
    }
    if (!nextEval) {
      // No ascent along the Newton direction: at the optimum to machine precision when the gradient is tiny.
      converged = mu === 0 && gradientSmall(gt, cur.f);
      break;
    }
    let moved = 0;
    for (let a = 0; a < p; a++) moved = Math.max(moved, Math.abs(next[a] - theta[a]));
    theta = next;
    cur = nextEval;
    // An undamped full Newton step of size ≤ 1e-5 leaves an error of order its square (≤ 1e-10) (quadratic convergence).
    if ((moved < 1e-5 && mu === 0 && t === 1 && big <= 3) || (moved < 1e-12 && mu === 0)) {
      converged = true;
      break;
    }
  }
  const phi = phiOf(theta);
  let covariance: Float64Array | null = null;
  let stdErrors: (number | null)[] = new Array(p).fill(null);
  if (cur.h) {
    const nh = cur.h.map((v) => -v);
    const l = cholesky(nh, p);
    if (l) {
      covariance = cholInverse(l, p);
      stdErrors = Array.from({ length: p }, (_, a) => Math.sqrt(covariance![a * p + a]));
    }
  }
  return { phi, logLik: cur.f, stdErrors, covariance, iterations, converged };
}

function gradientSmall(g: Float64Array, f: number): boolean {
  let m = 0;
  for (const v of g) m = Math.max(m, Math.abs(v));
  return m < 1e-6 * Math.max(1, Math.abs(f));
}
