/**
 * The CLV forecast's work grows with distinct (x, T) histories × months × ₂F₁ terms per value; clvColumns refuses a
 * horizon whose estimated work is over CLV_MAX_SERIES_TERMS (about 4 s of one core) with horizon_too_long naming
 * the longest horizon the book allows, and that horizon answers within the documented budget. The book: 20,000
 * customers simulated from the BG/NBD process itself (FHL 2005: Poisson purchases at λ ~ Gamma(0.5, 12 days),
 * dropout p ~ Beta(0.8, 6) after each repeat purchase), two years observed.
 */
import { describe, expect, it } from "vitest";
import { clvColumns } from "../../models/clv/transactions-clv";
import { ModelError } from "../../models/numeric/errors";
import { makeRandom } from "../../scripts/synthetic-book.mjs";

function gamma(u: () => number, shape: number): number {
  if (shape < 1) return gamma(u, shape + 1) * Math.pow(u(), 1 / shape);
  const d = shape - 1 / 3,
    c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const z = Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
    const v = (1 + c * z) ** 3;
    if (v > 0 && Math.log(u()) < 0.5 * z * z + d * (1 - v + Math.log(v))) return d * v;
  }
}

function book(C: number, end: number) {
  const u = makeRandom(18).uniform;
  const s = { frequency: new Float64Array(C), recency: new Float64Array(C), T: new Float64Array(C), monetary: new Float64Array(C) };
  for (let c = 0; c < C; c++) {
    const lambda = gamma(u, 0.5) / 12;
    const ga = gamma(u, 0.8);
    const p = ga / (ga + gamma(u, 6));
    const first = Math.floor(u() * 365);
    let t = first,
      last = first,
      x = 0;
    for (;;) {
      t += -Math.log(1 - u()) / lambda;
      if (!(t <= end)) break;
      if (Math.floor(t) > last) {
        x++;
        last = Math.floor(t);
      }
      if (u() < p) break;
    }
    s.frequency[c] = x;
    s.recency[c] = last - first;
    s.T[c] = end - first;
    s.monetary[c] = x > 0 ? 20 + 30 * u() : 0;
  }
  return s;
}

describe("CLV forecast work is bounded", () => {
  const s = book(20_000, 730);
  const opts = { annualDiscountRate: 0.1, margin: 0.3 };

  it("600 months on 20,000 customers: horizon_too_long naming the longest horizon allowed, without computing the forecast", () => {
    const t0 = performance.now();
    let err: unknown;
    try {
      clvColumns(s, { ...opts, horizonMonths: 600 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ModelError);
    expect((err as ModelError).code).toBe("horizon_too_long");
    const allowed = Number(/horizonMonths (\d+) or less/.exec((err as Error).message)?.[1]);
    expect(allowed).toBeGreaterThanOrEqual(60);
    expect(allowed).toBeLessThan(600);
    // Only the fits ran (the 600-month forecast took 47 s here before the bound).
    expect(performance.now() - t0).toBeLessThan(5000);

    // The longest allowed horizon answers within the documented budget (10 s of wall time, an upper bound on CPU).
    const t1 = performance.now();
    const c = clvColumns(s, { ...opts, horizonMonths: allowed });
    expect(performance.now() - t1).toBeLessThan(10_000);
    expect(c.totals.customers).toBe(20_000);
    expect(Number.isFinite(c.totals.clv)).toBe(true);
    expect(() => clvColumns(s, { ...opts, horizonMonths: allowed + 1 })).toThrow(/horizonMonths \d+ or less/);
  }, 60_000);
});
