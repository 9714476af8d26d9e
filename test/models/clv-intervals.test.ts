/**
 * Delta-method CLV intervals (models/clv/clv-intervals.ts) against an independent method: seeded Monte Carlo draws of the
 * log parameters from the same asymptotic covariance, each draw valued in full by clvColumns' own valuation, and the
 * 2.5/97.5% quantiles of the total. Plus the CFO's checks: the interval brackets the point and narrows with 10x the data.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { clvIntervals } from "../../models/clv/clv-intervals";
import { summariseTransactions } from "../../models/clv/rfm";
import { bgnbdModel, clvColumns, clvLayout, valueCustomers } from "../../models/clv/transactions-clv";
import { covarianceFactor, drawMvn, makeRng, quantileSorted } from "../../models/numeric/rng";

const CDNOW = "/work/shared/datasets/cdnow";
const opts = { horizonMonths: 12, annualDiscountRate: 0.1, margin: 0.3 };

/** CDNOW_master or _sample as an RFM summary in days, calibration end 1997-09-30 (the papers' setting). */
function cdnowDays(file: string, idCol: number, dateCol: number, amountCol: number) {
  const lines = readFileSync(`${CDNOW}/${file}`, "utf8").trim().split(/\r?\n/);
  const rows = lines.map((l) => l.trim().split(/\s+/)).filter((r) => /^\d{8}$/.test(r[dateCol]));
  const day = (d: string) => Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8)) / 86_400_000;
  return summariseTransactions(
    rows.map((r) => r[idCol]),
    rows.map((r) => day(r[dateCol])),
    rows.map((r) => Number(r[amountCol])),
    day("19970930"),
  );
}

function intervalsOf(s: ReturnType<typeof cdnowDays>) {
  const layout = clvLayout(s);
  const c = clvColumns(s, opts, layout);
  const bg = c.bgnbd;
  const at = (f: number[]) => bgnbdModel({ r: f[0], alpha: f[1], a: f[2], b: f[3] });
  const iv = clvIntervals(
    at,
    [bg.r, bg.alpha, bg.a, bg.b],
    bg.covariance,
    c.gammaGamma,
    c.gammaGamma.covariance,
    s,
    layout,
    opts,
    c.clv,
    c.totals.clv,
  );
  return { c, iv, layout, at };
}

describe("CLV intervals (delta method on the log scale)", () => {
  const sample = cdnowDays("CDNOW_sample.txt", 1, 2, 4);
  const { c, iv, layout, at } = intervalsOf(sample);
  it("the total's interval brackets the point and agrees with seeded Monte Carlo draws of the parameters", () => {
    const [lo, hi] = iv.totalCi95!;
    expect(lo).toBeLessThan(c.totals.clv);
    expect(hi).toBeGreaterThan(c.totals.clv);
    // Independent: 200 draws of (ln r, ln α, ln a, ln b) and (ln p, ln q, ln γ) from N(θ̂, Σ_θ), each valued in full.
    const bg = c.bgnbd,
      gg = c.gammaGamma;
    const phiB = [bg.r, bg.alpha, bg.a, bg.b],
      phiG = [gg.p, gg.q, gg.gamma];
    const logCov = (phi: number[], cov: number[]) => phi.map((_, i) => phi.map((_, j) => cov[i * phi.length + j] / (phi[i] * phi[j])));
    const LB = covarianceFactor(logCov(phiB, bg.covariance!)),
      LG = covarianceFactor(logCov(phiG, gg.covariance!));
    const rng = makeRng(16);
    const totals: number[] = [];
    const buf = new Float64Array(sample.frequency.length);
    const z4 = new Float64Array(4),
      o4 = new Float64Array(4),
      z3 = new Float64Array(3),
      o3 = new Float64Array(3);
    for (let d = 0; d < 200; d++) {
      const b = drawMvn(rng, phiB.map(Math.log), LB, z4, o4).map(Math.exp);
      const g = drawMvn(rng, phiG.map(Math.log), LG, z3, o3).map(Math.exp);
      totals.push(valueCustomers(at([...b]), { p: g[0], q: g[1], gamma: g[2] }, sample, layout, opts, { clv: buf }).clv);
    }
    totals.sort((a, b) => a - b);
    // Monte Carlo error of a 2.5% quantile from 200 draws is several per cent of the width: agree within 15% of the width.
    const width = hi - lo;
    expect(Math.abs(quantileSorted(totals, 0.025) - lo)).toBeLessThan(0.15 * width);
    expect(Math.abs(quantileSorted(totals, 0.975) - hi)).toBeLessThan(0.15 * width);
  });
  it("mean CLV's interval is the total's over the customer count, and each customer's brackets their CLV", () => {
    const n = sample.frequency.length;
    expect(iv.meanCi95![0]).toBeCloseTo(iv.totalCi95![0] / n, 9);
    for (let j = 0; j < n; j++) {
      const ci = iv.customerCi95At(j)!;
      expect(ci[0]).toBeLessThanOrEqual(c.clv[j]);
      expect(ci[1]).toBeGreaterThanOrEqual(c.clv[j]);
    }
  });
  it("the relative width shrinks with 10x the customers (CDNOW_master vs the 1/10 sample)", () => {
    const master = cdnowDays("CDNOW_master.txt", 0, 1, 3);
    const m = intervalsOf(master);
    const rel = (ci: [number, number], v: number) => (ci[1] - ci[0]) / v;
    const rs = rel(iv.totalCi95!, c.totals.clv);
    const rm = rel(m.iv.totalCi95!, m.c.totals.clv);
    // √10 ≈ 3.2 fewer relative width expected from 10x the data; at least 2x.
    expect(rm).toBeLessThan(rs / 2);
  });
});
