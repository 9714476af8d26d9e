import { describe, expect, it } from "vitest";
import { makeRng } from "../../models/numeric/rng";
import { translateEffects } from "../../models/regression/translation";

function book(n: number) {
  const rng = makeRng(21);
  const terms = ["Intercept", "nps", "tenure_months"];
  const X = new Float64Array(n * 3);
  const arr = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    X[i * 3] = 1;
    X[i * 3 + 1] = Math.floor(rng.uniform() * 11);
    X[i * 3 + 2] = rng.uniform() * 60;
    arr[i] = 5000 + rng.uniform() * 20000;
  }
  return {
    terms,
    X,
    arr,
    beta: [-0.5, 0.2, 0.01],
    cov: [
      [0.05, -0.004, -0.0002],
      [-0.004, 0.0006, 0],
      [-0.0002, 0, 0.00001],
    ],
  };
}

describe("translateEffects", () => {
  const b = book(300);
  const [t] = translateEffects({ kind: "logistic", outcome: "renewed", ...b, horizonYears: 3 });
  // Independent computation written here: mean over rows of logistic(x'β) − logistic(xβ), nps + 1 capped at 10;
  // revenue Σ arr (p' − p) + arr (p'^2 − p^2) for a 3-year horizon without discounting.
  const stats = (beta: number[]) => {
    let dp = 0,
      rev = 0;
    for (let i = 0; i < 300; i++) {
      const x = [1, b.X[i * 3 + 1], b.X[i * 3 + 2]];
      const x2 = [1, Math.min(10, x[1] + 1), x[2]];
      const l = (v: number[]) => 1 / (1 + Math.exp(-(v[0] * beta[0] + v[1] * beta[1] + v[2] * beta[2])));
      const p = l(x),
        p2 = l(x2);
      dp += p2 - p;
      rev += b.arr[i] * (p2 - p + p2 * p2 - p * p);
    }
    return [(100 * dp) / 300, rev];
  };
  it("pp of renewal and retained revenue per +1 NPS point", () => {
    const [pp, rev] = stats(b.beta);
    expect(t.predictor).toBe("nps");
    expect(t.renewalPp).toBeCloseTo(pp, 10);
    expect(t.revenue!).toBeCloseTo(rev, 6);
    expect(t.sentence).toMatch(/Each \+1 NPS answer point \(on the 0-10 scale of each answer\)/);
  });
  it("delta-method intervals match a numerical gradient written here", () => {
    const h = 1e-6;
    const grads = [0, 1].map((which) =>
      b.beta.map((_, k) => {
        const up = b.beta.slice();
        up[k] += h;
        const dn = b.beta.slice();
        dn[k] -= h;
        return (stats(up)[which] - stats(dn)[which]) / (2 * h);
      }),
    );
    const se = grads.map((g) => Math.sqrt(g.reduce((s, gi, i) => s + g.reduce((s2, gj, j) => s2 + gi * b.cov[i][j] * gj, 0), 0)));
    expect((t.renewalPpCi95![1] - t.renewalPpCi95![0]) / (2 * 1.96 * se[0])).toBeCloseTo(1, 3);
    expect((t.revenueCi95![1] - t.revenueCi95![0]) / (2 * 1.96 * se[1])).toBeCloseTo(1, 3);
  });
  it("linear on log_arr: percent of ARR = 100 (exp(β) − 1)", () => {
    const [u] = translateEffects({ kind: "linear", outcome: "log_arr", ...b, beta: [9, 0.05, 0], horizonYears: 1 });
    expect(u.outcomeChange).toBeCloseTo(100 * (Math.exp(0.05) - 1), 12);
    const arrSum = b.arr.reduce((s, v) => s + v, 0);
    expect(u.revenue!).toBeCloseTo(arrSum * (Math.exp(0.05) - 1), 6);
  });
  it("skips non-CX predictors", () => {
    expect(translateEffects({ kind: "logistic", outcome: "renewed", ...b, terms: ["Intercept", "x", "tenure_months"] })).toEqual([]);
  });
});
