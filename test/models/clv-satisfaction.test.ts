/**
 * CLV by satisfaction group (models/clv/satisfaction-clv.ts) on books simulated from the BG/NBD and Gamma-Gamma generative
 * processes (Fader, Hardie & Lee 2005 §2; seeded): groups drawn with different parameters must be told apart by the
 * likelihood-ratio test and show a CLV gap whose interval excludes 0; groups drawn from the same process must not.
 */
import { describe, expect, it } from "vitest";
import { clvBySatisfaction } from "../../models/clv/satisfaction-clv";
import { makeRng, type Rng } from "../../models/numeric/rng";

/** Gamma(shape k, scale 1) by Marsaglia & Tsang (2000), with the k < 1 boost. */
function gamma(rng: Rng, k: number): number {
  if (k < 1) return gamma(rng, k + 1) * Math.pow(rng.uniform() || 1e-300, 1 / k);
  const d = k - 1 / 3,
    c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const z = rng.normal();
    const v = (1 + c * z) ** 3;
    if (v <= 0) continue;
    const u = rng.uniform();
    if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v;
  }
}
const beta = (rng: Rng, a: number, b: number) => {
  const x = gamma(rng, a);
  return x / (x + gamma(rng, b));
};

/** n customers over `days` days of history from BG/NBD(r, α, a, b) purchases and Gamma-Gamma(p, q, γ) spend. */
function book(rng: Rng, n: number, bg: [number, number, number, number], gg: [number, number, number]) {
  const [r, alpha, a, b] = bg;
  const [p, q, g] = gg;
  const out = { frequency: [] as number[], recency: [] as number[], T: [] as number[], monetary: [] as number[] };
  for (let i = 0; i < n; i++) {
    const lambda = gamma(rng, r) / alpha;
    const drop = beta(rng, a, b);
    const nu = gamma(rng, q) / g;
    const T = 200 + Math.floor(rng.uniform() * 165);
    let t = 0,
      x = 0,
      last = 0,
      spend = 0;
    for (;;) {
      t += -Math.log(1 - rng.uniform()) / lambda;
      if (t > T) break;
      x++;
      last = t;
      spend += gamma(rng, p) / nu;
      if (rng.uniform() < drop) break;
    }
    out.frequency.push(x);
    out.recency.push(x ? Math.floor(last) : 0);
    out.T.push(T);
    out.monetary.push(x ? spend / x : 0);
  }
  // Whole days can put two purchases on one day; keep recency ≤ T and > 0 for repeat buyers.
  out.recency = out.recency.map((v, i) => (out.frequency[i] > 0 ? Math.max(1, Math.min(v, out.T[i])) : 0));
  return out;
}

const opts = { horizonMonths: 12, annualDiscountRate: 0.1, margin: 0.3 };
const join = (a: ReturnType<typeof book>, b: ReturnType<typeof book>) => ({
  frequency: [...a.frequency, ...b.frequency],
  recency: [...a.recency, ...b.recency],
  T: [...a.T, ...b.T],
  monetary: [...a.monetary, ...b.monetary],
});

describe("CLV by satisfaction group", () => {
  it("different processes: the LR test rejects equal parameters and the gap's interval excludes 0", () => {
    const rng = makeRng(161);
    const happy = book(rng, 1500, [0.8, 40, 0.5, 3], [6, 4, 60]);
    const unhappy = book(rng, 1500, [0.5, 60, 0.8, 2], [6, 4, 40]);
    const groups = [...happy.frequency.map(() => "promoters"), ...unhappy.frequency.map(() => "detractors")];
    const r = clvBySatisfaction(join(happy, unhappy), groups, ["promoters", "detractors"], ["promoters", "detractors"], opts);
    expect(r.test!.df).toBe(7);
    expect(r.test!.pValue).toBeLessThan(1e-6);
    expect(r.gap!.meanClvDifference).toBeGreaterThan(0);
    expect(r.gap!.ci95![0]).toBeGreaterThan(0);
    for (const g of r.groups) expect(g.meanClvCi95![0]).toBeLessThan(g.meanClv!);
    expect(r.warnings.filter((w) => w.code === "group_too_small")).toEqual([]);
  });
  it("one process split at random: no evidence of a difference (p > 0.01, gap interval covers 0)", () => {
    const rng = makeRng(162);
    const all = book(rng, 3000, [0.6, 50, 0.6, 2.5], [6, 4, 50]);
    const groups = all.frequency.map((_, i) => (i % 2 ? "satisfied" : "not satisfied"));
    const r = clvBySatisfaction(all, groups, ["satisfied", "not satisfied"], ["satisfied", "not satisfied"], opts);
    expect(r.test!.pValue).toBeGreaterThan(0.01);
    expect(r.gap!.ci95![0]).toBeLessThan(0);
    expect(r.gap!.ci95![1]).toBeGreaterThan(0);
  });
  it("a group with few repeat buyers gets a warning; customers without a response are counted, not fitted", () => {
    const rng = makeRng(163);
    const big = book(rng, 1500, [0.6, 50, 0.6, 2.5], [6, 4, 50]);
    const tiny = book(rng, 15, [0.6, 50, 0.6, 2.5], [6, 4, 50]);
    const groups = [...big.frequency.map(() => "satisfied"), ...tiny.frequency.map(() => "not satisfied"), null];
    const both = join(big, tiny);
    const s = {
      ...both,
      frequency: [...both.frequency, 0],
      recency: [...both.recency, 0],
      T: [...both.T, 10],
      monetary: [...both.monetary, 0],
    };
    const r = clvBySatisfaction(s, groups, ["satisfied", "not satisfied"], ["satisfied", "not satisfied"], opts);
    expect(r.ungrouped).toBe(1);
    expect(r.warnings.some((w) => w.code === "group_too_small" && w.message.startsWith("not satisfied"))).toBe(true);
  });
});
