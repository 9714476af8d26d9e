/**
 * Finite-difference gradient (central) and Hessian (central on the diagonal, one-sided mixed partials) of a log-likelihood over positive parameters, for
 * `maximiseLogParams` when a model's analytic derivatives are not worth writing (Pareto/NBD, BG/BB).
 * Differences are taken on the log scale θ = ln φ (relative steps), then carried to φ:
 * g_φ = g_θ / φ, H_φ = (H_θ − diag(g_θ)) / (φᵢ φⱼ) (Nocedal & Wright, Numerical Optimization 2nd ed., §8.1).
 */
import type { Objective } from "./newton";

/**
 * Wraps a log-likelihood as an `Objective` with finite-difference derivatives.
 * @param gradStep log-scale step of the gradient; `hessStep` that of the Hessian
 * @example maximiseLogParams(numericObjective((phi) => -((phi[0] - 2) ** 2)), Float64Array.of(1)).phi[0] // => 2
 */
export function numericObjective(ll: (phi: Float64Array) => number, gradStep = 1e-5, hessStep = 1e-3): Objective {
  return (phi, deriv) => {
    const f = ll(phi);
    if (!deriv || !Number.isFinite(f)) return { f };
    // Derivatives on first use only: the Newton line search asks for them with every candidate but reads them only for
    // the accepted one, and each costs about 2p + p(p − 1)/2 log-likelihoods.
    let cached: { g: Float64Array; h: Float64Array } | null = null;
    const derivs = () => (cached ??= derivatives(ll, phi, f, gradStep, hessStep));
    return {
      f,
      get g() {
        return derivs().g;
      },
      get h() {
        return derivs().h;
      },
    };
  };
}

function derivatives(
  ll: (phi: Float64Array) => number,
  phi: Float64Array,
  f: number,
  gradStep: number,
  hessStep: number,
): { g: Float64Array; h: Float64Array } {
  {
    const p = phi.length;
    const th = phi.map(Math.log);
    const at = (d: Float64Array) => ll(th.map((v, i) => Math.exp(v + d[i])));
    const e = (i: number, h: number, j = -1, k = 0) => {
      const d = new Float64Array(p);
      d[i] += h;
      if (j >= 0) d[j] += k;
      return d;
    };
    const gt = new Float64Array(p);
    for (let i = 0; i < p; i++) gt[i] = (at(e(i, gradStep)) - at(e(i, -gradStep))) / (2 * gradStep);
    const h = hessStep;
    const ht = new Float64Array(p * p);
    const plus = Array.from({ length: p }, (_, i) => at(e(i, h)));
    const minus = Array.from({ length: p }, (_, i) => at(e(i, -h)));
    for (let i = 0; i < p; i++) {
      ht[i * p + i] = (plus[i] - 2 * f + minus[i]) / (h * h);
      // Mixed partials one-sided, (f(+i+j) − f(+i) − f(+j) + f) / h²: one evaluation each instead of four (error O(h)).
      for (let j = i + 1; j < p; j++) {
        const v = (at(e(i, h, j, h)) - plus[i] - plus[j] + f) / (h * h);
        ht[i * p + j] = ht[j * p + i] = v;
      }
    }
    const g = new Float64Array(p);
    const hs = new Float64Array(p * p);
    for (let i = 0; i < p; i++) {
      g[i] = gt[i] / phi[i];
      for (let j = 0; j < p; j++) hs[i * p + j] = (ht[i * p + j] - (i === j ? gt[i] : 0)) / (phi[i] * phi[j]);
    }
    return { g, h: hs };
  }
}
