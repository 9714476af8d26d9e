/**
 * The OLS triangle from the Gram (models/regression/gram.ts) against the Householder TSQR path of the same fit
 * (fitOls(..., "qr")), an independent factorisation: coefficients, nonrobust and HC3 standard errors agree to 1e-9
 * where the Gram is used, and the Gram is refused (QR kept) when the design is ill conditioned.
 */
import { describe, expect, it } from "vitest";
import { makeRng } from "../../models/numeric/rng";
import { gramXy, triangleFromGram } from "../../models/regression/gram";
import { fitOls } from "../../models/regression/ols";

function design(n: number, p: number, seed: number, nearCollinear = 0) {
  const rng = makeRng(seed);
  const X = new Float64Array(n * p);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * p;
    X[o] = 1;
    const z = rng.normal();
    for (let j = 1; j < p; j++) X[o + j] = 0.5 * z + rng.normal() * (j % 3 === 0 ? 2 : 1) + (j === p - 1 ? 3 : 0);
    // Optionally the last column almost equals the second (κ in the thousands to millions).
    if (nearCollinear > 0) X[o + p - 1] = X[o + 1] + nearCollinear * rng.normal();
    let mu = 2;
    for (let j = 1; j < p; j++) mu += X[o + j] * (0.3 - 0.1 * j);
    y[i] = mu + rng.normal() * (0.5 + Math.abs(X[o + 1])); // heteroskedastic, as the bench
  }
  return { X, y };
}

const maxRel = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i]) / Math.max(Math.abs(b[i]), 1e-300)));

describe("OLS triangle from the Gram", () => {
  const p = 8;
  const terms = ["Intercept", ...Array.from({ length: p - 1 }, (_, j) => `x${j + 1}`)];

  it.each([
    ["HC3", 20_000, 1],
    ["nonrobust", 5_000, 2],
    ["HC3", 300, 3],
  ] as const)("%s on %i well-conditioned rows equals the TSQR fit to 1e-9", (cov, n, seed) => {
    const { X, y } = design(n, p, seed);
    expect(triangleFromGram(gramXy(X, y, n, p), p)).not.toBeNull(); // the Gram path is the one taken
    const a = fitOls(X, y, n, p, terms, cov);
    const b = fitOls(X, y, n, p, terms, cov, "qr");
    expect(maxRel(Array.from(a.beta), Array.from(b.beta))).toBeLessThan(1e-9);
    expect(
      maxRel(
        a.coefficients.map((c) => c.stdError),
        b.coefficients.map((c) => c.stdError),
      ),
    ).toBeLessThan(1e-9);
    expect(Math.abs(a.fit.ssr - b.fit.ssr) / b.fit.ssr).toBeLessThan(1e-12); // both from the data's residuals
    expect(Math.abs(a.fit.rSquared - b.fit.rSquared)).toBeLessThan(1e-12);
  });

  it("is refused for an ill-conditioned design, so the fit keeps QR", () => {
    const n = 5_000;
    const { X, y } = design(n, p, 4, 1e-4);
    expect(triangleFromGram(gramXy(X, y, n, p), p)).toBeNull();
    const a = fitOls(X, y, n, p, terms, "HC3");
    const b = fitOls(X, y, n, p, terms, "HC3", "qr");
    expect(Array.from(a.beta)).toEqual(Array.from(b.beta)); // the same TSQR path, bit for bit
  });

  it("is refused for a constant or all-zero column (QR names it)", () => {
    const n = 200;
    const { X, y } = design(n, p, 5);
    for (let i = 0; i < n; i++) X[i * p + 3] = 0;
    expect(triangleFromGram(gramXy(X, y, n, p), p)).toBeNull();
  });
});
