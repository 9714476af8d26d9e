/**
 * The WebAssembly SIMD kernels (models/wasm/kernels.wat) against the JavaScript loops they replace, which the other
 * test files check against published values (NIST StRD certified values, UCLA's glm output, statsmodels): every fit
 * is run twice, without and with the kernels registered, and must agree to 1e-12 relative. The sums are taken in
 * another order, so agreement is to rounding, not bit for bit.
 */
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { ModelError } from "../../models/numeric/errors";
import { makeRng } from "../../models/numeric/rng";
import { fitRegression } from "../../models/regression/fit";
import { gramXy } from "../../models/regression/gram";
import { fitLogit } from "../../models/regression/logistic";
import { fitOls } from "../../models/regression/ols";
import { type KernelExports, useKernels, wasmKernels } from "../../models/wasm/kernels";
import { readNist } from "./nist";
import { ucla } from "./published-data";

const mod = new WebAssembly.Module(readFileSync(new URL("../../models/wasm/kernels.wasm", import.meta.url)));
const register = () => useKernels(new WebAssembly.Instance(mod).exports as unknown as KernelExports);

/** fn() with the JavaScript loops, then with the kernels (checking they ran). */
function both<T>(fn: () => T): { js: T; wasm: T } {
  useKernels(null);
  const js = fn();
  register();
  const wasm = fn();
  expect(wasmKernels()!.passes, "passes through the kernels").toBeGreaterThan(0);
  return { js, wasm };
}

afterEach(() => useKernels(null));

/** Largest relative difference (absolute below `floor`). */
function maxRel(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-300): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), floor));
  return m;
}

const est = (r: { coefficients: { estimate: number }[] }) => r.coefficients.map((c) => c.estimate);
const ses = (r: { coefficients: { stdError: number | null }[] }) => r.coefficients.map((c) => c.stdError ?? NaN);

/** A seeded heteroskedastic design (intercept first) with a 0/1 outcome beside the continuous one. */
function design(n: number, p: number, seed: number) {
  const rng = makeRng(seed);
  const X = new Float64Array(n * p);
  const y = new Float64Array(n);
  const yb = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * p;
    X[o] = 1;
    const z = rng.normal();
    let eta = -0.3;
    for (let j = 1; j < p; j++) {
      X[o + j] = 0.5 * z + rng.normal() * (j % 3 === 0 ? 2 : 1);
      eta += X[o + j] * (0.4 - (0.7 * j) / p) * (p > 12 ? 0.3 : 1);
    }
    y[i] = 1 + eta + rng.normal() * (0.5 + Math.abs(p > 1 ? X[o + 1] : z));
    yb[i] = rng.uniform() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
  }
  const terms = ["Intercept", ...Array.from({ length: p - 1 }, (_, j) => `x${j + 1}`)];
  return { X, y, yb, terms };
}

describe("NIST StRD linear regressions: kernels equal the JavaScript loops", () => {
  // Certified SDs 0 (exact fits) leave standard errors of rounding noise: only their estimates are compared.
  for (const name of ["Norris", "Pontius", "NoInt1", "NoInt2", "Longley", "Wampler1", "Wampler2", "Wampler3", "Wampler4", "Wampler5"]) {
    it(`${name}: estimates, HC3 and nonrobust standard errors to 1e-12`, () => {
      const c = readNist(name);
      const noIntercept = name.startsWith("NoInt");
      const cols =
        c.x.length > 1 ? c.x : Array.from({ length: noIntercept ? 1 : c.estimates.length - 1 }, (_, k) => c.x[0].map((v) => v ** (k + 1)));
      const n = c.y.length;
      const p = cols.length + (noIntercept ? 0 : 1);
      const X = new Float64Array(n * p);
      for (let i = 0; i < n; i++) {
        if (!noIntercept) X[i * p] = 1;
        cols.forEach((col, j) => (X[i * p + j + (noIntercept ? 0 : 1)] = col[i]));
      }
      const terms = [...(noIntercept ? [] : ["Intercept"]), ...cols.map((_, j) => `x${j + 1}`)];
      const y = Float64Array.from(c.y);
      for (const cov of ["HC3", "nonrobust"] as const) {
        const { js, wasm } = both(() => fitOls(X, y, n, p, terms, cov));
        expect(maxRel(est(wasm), est(js)), `${cov} estimates`).toBeLessThan(1e-12);
        if (c.stdDevs.every((s) => s > 0)) expect(maxRel(ses(wasm), ses(js)), `${cov} SEs`).toBeLessThan(1e-12);
      }
    });
  }
});

describe("kernels equal the JavaScript loops on odd shapes", () => {
  // Odd row counts (a padded pair in the last block), term counts that leave 1–3 columns after the 4-wide sweeps,
  // one term (the intercept alone), and 41 terms (the kernels' memory grows).
  it.each([
    [1001, 5, 1],
    [777, 3, 2],
    [2050, 8, 3],
    [513, 7, 4],
    [600, 41, 5],
    [257, 2, 6],
    [301, 1, 9],
  ])("n %i, p %i: the Gram, OLS with HC3, logit with marginal effects", (n, p, seed) => {
    const { X, y, yb, terms } = design(n, p, seed);
    const g = both(() => gramXy(X, y, n, p));
    expect(maxRel(g.wasm, g.js, 1e-9)).toBeLessThan(1e-12);
    const ols = both(() => fitOls(X, y, n, p, terms, "HC3"));
    expect(maxRel(est(ols.wasm), est(ols.js))).toBeLessThan(1e-12);
    expect(maxRel(ses(ols.wasm), ses(ols.js))).toBeLessThan(1e-12);
    expect(Math.abs(ols.wasm.fit.ssr - ols.js.fit.ssr) / ols.js.fit.ssr).toBeLessThan(1e-12);
    const lg = both(() => fitLogit(X, yb, n, p, terms, terms, "y"));
    expect(maxRel(est(lg.wasm), est(lg.js))).toBeLessThan(1e-12);
    expect(maxRel(ses(lg.wasm), ses(lg.js))).toBeLessThan(1e-12);
    expect(Math.abs(lg.wasm.fit.logLik - lg.js.fit.logLik) / -lg.js.fit.logLik).toBeLessThan(1e-12);
    expect(
      maxRel(
        lg.wasm.marginalEffects.map((m) => m.stdError ?? NaN),
        lg.js.marginalEffects.map((m) => m.stdError ?? NaN),
      ),
    ).toBeLessThan(1e-12);
  });

  it("logit on 250,000 rows (the subsample warm start and chord passes) to 1e-12", () => {
    const n = 250_000;
    const p = 6;
    const { X, yb, terms } = design(n, p, 7);
    const lg = both(() => fitLogit(X, yb, n, p, terms, terms, "y"));
    expect(maxRel(est(lg.wasm), est(lg.js))).toBeLessThan(1e-12);
    expect(maxRel(ses(lg.wasm), ses(lg.js))).toBeLessThan(1e-12);
  });

  it("UCLA admissions (published in regression-logit.test.ts) to 1e-12", () => {
    const r = both(() => fitRegression({ kind: "logistic", data: ucla(), outcome: "admit", predictors: ["gre", "gpa", "rank"] }));
    expect(maxRel(est(r.wasm), est(r.js))).toBeLessThan(1e-12);
    expect(maxRel(ses(r.wasm), ses(r.js))).toBeLessThan(1e-12);
  });

  it("a row of leverage 1 is the same named error, naming the same row", () => {
    const n = 300;
    const p = 4;
    const { X, y, terms } = design(n, p, 8);
    // Column 3 is a dummy that is 1 in data row 123 only: that row alone determines its coefficient.
    for (let i = 0; i < n; i++) X[i * p + 3] = i === 122 ? 1 : 0;
    const messages = both(() => {
      try {
        fitOls(X, y, n, p, terms, "HC3");
      } catch (e) {
        expect(e).toBeInstanceOf(ModelError);
        return (e as ModelError).message;
      }
      return "no error";
    });
    expect(messages.js).toMatch(/data row 123 /);
    expect(messages.wasm).toBe(messages.js);
  });
});
