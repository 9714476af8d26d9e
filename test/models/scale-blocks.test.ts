import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fitBgnbd } from "../../models/clv/bgnbd";
import { fitLogit } from "../../models/regression/logistic";
import { fitLogitOverBlocks } from "../../models/regression/logistic-blocks";
import { fitOlsOverBlocks } from "../../models/regression/ols-blocks";
import { fitOls } from "../../models/regression/ols";
import type { RowBlock } from "../../models/regression/ols-accumulator";
import { RfmAccumulator } from "../../models/clv/rfm-blocks";
import { summariseTransactions } from "../../models/clv/rfm";
import { makeRng } from "../../models/numeric/rng";

/**
 * Models over blocks: each block-wise fit is compared with the in-memory fit on the
 * same rows (an independent computation: one QR of the whole design, one IRLS over all rows, one
 * sort-based RFM summary), to 1e-9.
 */

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
const maxRel = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, rel(a[i], b[i]));
  return m;
};

/** n rows of [1, x1..x4] with a linear and a logistic outcome; normal-ish predictors of different scales. */
function data(n: number) {
  const r = makeRng(2026);
  const u = () => r.uniform();
  const p = 5;
  const X = new Float64Array(n * p);
  const y = new Float64Array(n);
  const yb = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const z = () => u() + u() + u() - 1.5;
    const row = [1, 5 + 2 * z(), 1000 * z(), u() < 0.3 ? 1 : 0, 0.01 * z()];
    X.set(row, i * p);
    const eta = 0.5 + 0.2 * row[1] - 0.001 * row[2] + 0.7 * row[3] + 30 * row[4];
    y[i] = eta + z();
    yb[i] = u() < 1 / (1 + Math.exp(-(eta - 1.5))) ? 1 : 0;
  }
  return { X, y, yb, n, p, terms: ["Intercept", "x1", "x2", "d", "x4"] };
}

/** The rows cut into blocks of 65,536 (views, no copy). */
function blocksOf(X: Float64Array, y: Float64Array, n: number, p: number, size = 65536): RowBlock[] {
  const out: RowBlock[] = [];
  for (let s = 0; s < n; s += size) {
    const m = Math.min(size, n - s);
    out.push({ X: X.subarray(s * p, (s + m) * p), y: y.subarray(s, s + m), n: m });
  }
  return out;
}

describe("models over blocks", () => {
  const d = data(200_000);

  it("OLS from per-block triangles equals the in-memory QR fit to 1e-9 (β, standard errors, R²)", () => {
    const bl = blocksOf(d.X, d.y, d.n, d.p);
    const blocks = fitOlsOverBlocks(() => bl, d.p, d.terms, "nonrobust");
    const mem = fitOls(d.X, d.y, d.n, d.p, d.terms, "nonrobust");
    expect(blocks.fit.dfResid).toBe(d.n - d.p);
    expect(maxRel(blocks.beta, mem.beta)).toBeLessThan(1e-9);
    expect(
      maxRel(
        blocks.coefficients.map((c) => c.stdError!),
        mem.coefficients.map((c) => c.stdError!),
      ),
    ).toBeLessThan(1e-9);
    expect(rel(blocks.fit.rSquared, mem.fit.rSquared)).toBeLessThan(1e-9);
    expect(rel(blocks.fit.ssr, mem.fit.ssr)).toBeLessThan(1e-9);
  });

  it("logistic IRLS accumulating per-block score and information equals the in-memory fit to 1e-9", () => {
    const blocks = blocksOf(d.X, d.yb, d.n, d.p);
    const rowsAt = (idx: Int32Array) => {
      const out = new Float64Array(idx.length * d.p);
      for (let k = 0; k < idx.length; k++) out.set(d.X.subarray(idx[k] * d.p, idx[k] * d.p + d.p), k * d.p);
      return out;
    };
    const b = fitLogitOverBlocks({ blocks: () => blocks, rowsAt, y: d.yb }, d.p, d.terms, d.terms, "y");
    const mem = fitLogit(d.X, d.yb, d.n, d.p, d.terms, d.terms, "y");
    expect(b.fit.dfResid).toBe(d.n - d.p);
    expect(maxRel(b.beta, mem.beta)).toBeLessThan(1e-9);
    expect(
      maxRel(
        b.coefficients.map((c) => c.stdError!),
        mem.coefficients.map((c) => c.stdError!),
      ),
    ).toBeLessThan(1e-9);
    expect(rel(b.fit.logLik, mem.fit.logLik)).toBeLessThan(1e-12);
  });

  it("the one-pass RFM summary of CDNOW's transaction log in date order equals the sort-based summary, and so does BG/NBD on it", () => {
    // CDNOW_sample.txt: customer, id2, YYYYMMDD, quantity, amount; observation end 1997-09-30 (docs/methods.md#rfm-summary).
    const rows = readFileSync("/work/shared/datasets/cdnow/CDNOW_sample.txt", "utf8")
      .trim()
      .split(/\r?\n/)
      .map((l) => l.trim().split(/\s+/));
    const dayOf = (s: string) => Date.UTC(+s.slice(0, 4), +s.slice(4, 6) - 1, +s.slice(6, 8)) / 86400000;
    const tx = rows.map((r) => ({ id: r[0], day: dayOf(r[2]), amount: Number(r[4]) })).sort((a, b) => a.day - b.day);
    const end = dayOf("19970930");
    const mem = summariseTransactions(
      tx.map((t) => t.id),
      tx.map((t) => t.day),
      tx.map((t) => t.amount),
      end,
    );
    // Codes in order of first appearance, fed in blocks of 1,000 transactions.
    const code = new Map<string, number>();
    const codes = Int32Array.from(tx, (t) => code.get(t.id) ?? (code.set(t.id, code.size), code.size - 1));
    const acc = new RfmAccumulator(end);
    for (let s = 0; s < tx.length; s += 1000) {
      const e = Math.min(tx.length, s + 1000);
      acc.add(
        codes.subarray(s, e),
        tx.slice(s, e).map((t) => t.day),
        tx.slice(s, e).map((t) => t.amount),
      );
    }
    expect(acc.inOrder).toBe(true);
    const blk = acc.summary();
    const names = [...code.keys()];
    expect(Array.from(blk.customer, (c) => names[c])).toEqual(mem.customerId);
    expect(Array.from(blk.frequency)).toEqual(Array.from(mem.frequency));
    expect(Array.from(blk.recency)).toEqual(Array.from(mem.recency));
    expect(Array.from(blk.T)).toEqual(Array.from(mem.T));
    expect(
      maxRel(
        blk.monetary.filter((_, i) => blk.frequency[i] > 0),
        mem.monetary.filter((_, i) => mem.frequency[i] > 0),
      ),
    ).toBeLessThan(1e-12);
    expect(blk.excludedTransactions).toBe(mem.excludedTransactions);
    const a = fitBgnbd(blk),
      b = fitBgnbd(mem);
    expect(maxRel([a.r, a.alpha, a.a, a.b], [b.r, b.alpha, b.a, b.b])).toBeLessThan(1e-9);
    // And the published fit (FHL 2005, weeks; alpha in days = 7 × 4.4135): r 0.2426, a 0.7929, b 2.4258.
    expect(a.r).toBeCloseTo(0.2426, 3);
    expect(a.alpha / 7).toBeCloseTo(4.4135, 2);
  });

  it("flags a log that is not in date order per customer", () => {
    const acc = new RfmAccumulator();
    acc.add([0, 0], [10, 5], [1, 1]);
    expect(acc.inOrder).toBe(false);
  });
});
