import { describe, expect, it } from "vitest";
import { paybackYears } from "../../models/scenario/money";
import { makeRng } from "../../models/numeric/rng";
import { baselineOf, runEffectScenario, runScenario, runScenarioBlocks, type ScenarioInput } from "../../models/scenario/scenario";

describe("runEffectScenario: worked example 7", () => {
  // docs/methods.md#example-7: 10,000 accounts x $12,000, r 0.85 -> 0.91, 3 years, no discounting, margin 80%, $2M.
  const r = runEffectScenario({
    accounts: 10_000,
    arr: 12_000,
    baselineRenewal: 0.85,
    renewalLift: 0.06,
    horizonYears: 3,
    annualDiscountRate: 0,
    grossMargin: 0.8,
    investment: 2_000_000,
  });
  it("revenue gain $19,872,000 and margin gain $15,897,600", () => {
    expect(r.revenueGain).toBeCloseTo(19_872_000, 4);
    expect(r.marginGain).toBeCloseTo(15_897_600, 4);
  });
  it("ROI 694.88% and payback 1 + 2,000,000 / 5,760,000 years", () => {
    expect(r.roi).toBeCloseTo(6.9488, 10);
    // docs/methods.md#payback: worked example 7 gives paybackYears = 1 + 2,000,000 / 5,760,000.
    expect(r.paybackYears).toBeCloseTo(1 + 2_000_000 / 5_760_000, 10);
    // npv = discounted margin gain − investment (docs/methods.md#scenario-money), no discounting here.
    expect(r.npv).toBeCloseTo(15_897_600 - 2_000_000, 4);
  });
  it("baseline and scenario renewal rates and year-1 revenue already contracted", () => {
    expect(r.baseline.renewalRate).toBeCloseTo(0.85, 12);
    expect(r.scenario.renewalRate).toBeCloseTo(0.91, 12);
    expect(r.baseline.revenueByYear[0]).toBe(120_000_000);
    expect(r.scenario.revenueByYear[0]).toBe(120_000_000);
  });
  it("the same answer with per-account arrays", () => {
    const r2 = runEffectScenario({
      arr: new Float64Array(10_000).fill(12_000),
      baselineRenewal: 0.85,
      renewalLift: 0.06,
      horizonYears: 3,
      annualDiscountRate: 0,
      grossMargin: 0.8,
      investment: 2_000_000,
    });
    expect(r2.revenueGain).toBeCloseTo(19_872_000, 2);
  });
});

describe("paybackYears (the rule of docs/methods.md#payback)", () => {
  it("first year the cumulative gain reaches the investment, interpolated within the year", () => {
    // Hand-computed: gains 0, 100, 100; investment 150 -> year 3 reached: 2 + (150 - 100) / 100 = 2.5.
    expect(paybackYears([0, 100, 100], 150)).toBe(2.5);
    expect(paybackYears([0, 100, 100], 250)).toBeNull();
    expect(paybackYears([0, 100], 0)).toBe(0);
  });
});

/** A random book for checks: intercept, nps 0-10, csat 1-5, a dummy. */
function book(n: number, seed: number) {
  const rng = makeRng(seed);
  const terms = ["Intercept", "nps", "csat", "segment[T.b]"];
  const p = terms.length;
  const X = new Float64Array(n * p);
  const arr = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    X[i * p] = 1;
    X[i * p + 1] = Math.round(rng.uniform() * 10 * 10) / 10;
    X[i * p + 2] = 1 + Math.round(rng.uniform() * 4 * 10) / 10;
    X[i * p + 3] = rng.uniform() < 0.4 ? 1 : 0;
    arr[i] = 1000 + Math.round(rng.uniform() * 50_000);
  }
  const beta = [-1.2, 0.25, 0.3, -0.4];
  const cov = [
    [0.04, -0.002, -0.004, -0.001],
    [-0.002, 0.0009, 0.0001, 0],
    [-0.004, 0.0001, 0.0016, 0],
    [-0.001, 0, 0, 0.01],
  ];
  return { terms, X, arr, beta, cov, p };
}

describe("runScenario equals an independent computation of the scenario formula", () => {
  const { terms, X, arr, beta, cov, p } = book(500, 7);
  const mask = new Uint8Array(500).map((_, i) => (i % 3 === 0 ? 1 : 0));
  const input: ScenarioInput = {
    terms,
    beta,
    cov,
    X,
    arr,
    change: { nps: 2, csat: 1 },
    rowMask: mask,
    horizonYears: 4,
    annualDiscountRate: 0.08,
    grossMargin: 0.7,
    investment: 300_000,
    draws: 0,
  };
  it("revenue gain, margin gain, ROI, NPV, payback", () => {
    // Independent computation written here with plain loops (docs/methods.md#scenario-money):
    // p = 1/(1+exp(-x·β)), x' = x + change clipped to NPS 0-10 / CSAT 1-5 on masked rows,
    // revenueGain = Σ_i Σ_t arr_i (p'^(t-1) - p^(t-1)) / (1+d)^(t-1).
    let gain = 0;
    const gainByYear = [0, 0, 0, 0];
    for (let i = 0; i < 500; i++) {
      const x = Array.from(X.subarray(i * p, i * p + p));
      const x2 = x.slice();
      if (mask[i]) {
        x2[1] = Math.min(10, x[1] + 2);
        x2[2] = Math.min(5, x[2] + 1);
      }
      const dot = (v: number[]) => v.reduce((s, vj, j) => s + vj * beta[j], 0);
      const p1 = 1 / (1 + Math.exp(-dot(x)));
      const p2 = 1 / (1 + Math.exp(-dot(x2)));
      for (let t = 1; t <= 4; t++) {
        const g = (arr[i] * (p2 ** (t - 1) - p1 ** (t - 1))) / 1.08 ** (t - 1);
        gain += g;
        gainByYear[t - 1] += 0.7 * g;
      }
    }
    const r = runScenario(input);
    expect(r.revenueGain).toBeCloseTo(gain, 6);
    expect(r.marginGain).toBeCloseTo(0.7 * gain, 6);
    expect(r.roi!).toBeCloseTo((0.7 * gain - 300_000) / 300_000, 10);
    expect(r.npv).toBeCloseTo(0.7 * gain - 300_000, 6);
    let cum = 0;
    let pb: number | null = null;
    for (let t = 0; t < 4 && pb === null; t++) {
      if (cum + gainByYear[t] >= 300_000) pb = t + (300_000 - cum) / gainByYear[t];
      cum += gainByYear[t];
    }
    if (pb === null) expect(r.paybackYears).toBeNull();
    else expect(r.paybackYears!).toBeCloseTo(pb, 10);
    expect(r.changedRows).toBe(mask.reduce((s, v) => s + v, 0));
    expect(r.ci95).toBeNull();
  });
  it("draws: seeded (same request, same answer), interval around the point, band by year", () => {
    const a = runScenario({ ...input, draws: 400, seed: 11 });
    const b = runScenario({ ...input, draws: 400, seed: 11 });
    const c = runScenario({ ...input, draws: 400, seed: 12 });
    expect(a.ci95).toEqual(b.ci95);
    expect(a.ci95).not.toEqual(c.ci95);
    const [lo, hi] = a.ci95!.revenueGain;
    expect(lo).toBeLessThan(a.revenueGain);
    expect(hi).toBeGreaterThan(a.revenueGain);
    expect(a.bandByYear!.lo).toHaveLength(4);
    expect(a.bandByYear!.lo[0]).toBeCloseTo(a.bandByYear!.hi[0], 6); // year 1 is contracted: no uncertainty
  });
  it("the interval matches a separate Monte Carlo of the gain under N(β̂, Σ̂)", () => {
    // Independent check of width: the delta-method SE of the gain (numerical gradient of the formula
    // above, written separately) against the percentile interval of 2000 draws.
    const gainAt = (b: number[]) => {
      let g = 0;
      for (let i = 0; i < 500; i++) {
        let e1 = 0,
          e2 = 0;
        for (let j = 0; j < p; j++) {
          const x = X[i * p + j];
          let x2 = x;
          if (mask[i] && j === 1) x2 = Math.min(10, x + 2);
          if (mask[i] && j === 2) x2 = Math.min(5, x + 1);
          e1 += x * b[j];
          e2 += x2 * b[j];
        }
        const p1 = 1 / (1 + Math.exp(-e1)),
          p2 = 1 / (1 + Math.exp(-e2));
        for (let t = 1; t <= 4; t++) g += (arr[i] * (p2 ** (t - 1) - p1 ** (t - 1))) / 1.08 ** (t - 1);
      }
      return g;
    };
    const grad = beta.map((_, j) => {
      const h = 1e-5;
      const up = beta.slice();
      up[j] += h;
      const dn = beta.slice();
      dn[j] -= h;
      return (gainAt(up) - gainAt(dn)) / (2 * h);
    });
    let v = 0;
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) v += grad[i] * cov[i][j] * grad[j];
    const se = Math.sqrt(v);
    const r = runScenario({ ...input, draws: 2000, seed: 3 });
    const width = r.ci95!.revenueGain[1] - r.ci95!.revenueGain[0];
    // Near-linear in β over ±2 SE, so the width is about 2 × 1.96 × SE (within 10%).
    expect(width / (2 * 1.96 * se)).toBeGreaterThan(0.9);
    expect(width / (2 * 1.96 * se)).toBeLessThan(1.1);
  });
  it("clips to the scale and never moves a value against the change", () => {
    const r = runScenario({
      terms: ["Intercept", "nps"],
      beta: [0, 1],
      cov: [
        [0, 0],
        [0, 0],
      ],
      X: new Float64Array([1, 9.5, 1, 10, 1, 12]),
      arr: new Float64Array([1, 1, 1]),
      change: { nps: 5 },
      horizonYears: 2,
      annualDiscountRate: 0,
      grossMargin: 1,
      investment: 0,
      draws: 0,
    });
    // Hand-computed: only the first row moves, 9.5 -> 10: gain = logistic(10) - logistic(9.5).
    const lg = (e: number) => 1 / (1 + Math.exp(-e));
    expect(r.revenueGain).toBeCloseTo(lg(10) - lg(9.5), 14);
    expect(r.roi).toBeNull();
  });
  it("names an unknown changed column", () => {
    expect(() => runScenario({ ...input, change: { foo: 1 } })).toThrow(/foo/);
  });
});

describe("runScenarioBlocks: a book read in blocks", () => {
  it("gives the whole book's answer bit for bit (point, draws, bands, segment mask)", () => {
    // runScenario on the whole book is checked against an independent loop above; the blocks must not change a bit.
    const rng = makeRng(99).uniform;
    const n = 2_345,
      p = 3;
    const X = new Float64Array(n * p),
      arr = new Float64Array(n),
      rowMask = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      X[i * p] = 1;
      X[i * p + 1] = Math.floor(rng() * 11);
      X[i * p + 2] = 1 + Math.floor(rng() * 5);
      arr[i] = 1000 + Math.floor(rng() * 50_000);
      rowMask[i] = i % 3 === 0 ? 1 : 0;
    }
    const common: Omit<ScenarioInput, "X" | "arr"> = {
      terms: ["Intercept", "nps", "csat"],
      beta: [-1.2, 0.3, 0.2],
      cov: [
        [0.02, -0.001, -0.002],
        [-0.001, 0.0004, 0],
        [-0.002, 0, 0.001],
      ],
      change: { nps: 2, csat: 0.5 },
      rowMask,
      horizonYears: 4,
      annualDiscountRate: 0.08,
      grossMargin: 0.7,
      investment: 250_000,
      draws: 300,
      seed: 5,
    };
    const whole = runScenario({ ...common, X, arr });
    const blocks = runScenarioBlocks({
      ...common,
      blocks: function* () {
        for (let from = 0; from < n; from += 1000) {
          const to = Math.min(n, from + 1000);
          yield { X: X.subarray(from * p, to * p), arr: arr.subarray(from, to), rowMask: rowMask.subarray(from, to) };
        }
      },
    });
    expect(blocks).toEqual(whole);
    expect(whole.changedRows).toBe(782); // rows 0, 3, …, 2343
  });
});

describe("runScenario with the rows' baseline computed once (the what-if slider's fast path)", () => {
  it("answers bit for bit as without it, for every change, and ignores a baseline of other coefficients", () => {
    // runScenario without a baseline is checked against an independent loop above; the cached η and p must not change a bit.
    const { terms, X, arr, beta, cov } = book(1_500, 11);
    const mask = new Uint8Array(1_500).map((_, i) => (i % 4 === 1 ? 1 : 0));
    const baseline = baselineOf(beta, { X, arr });
    const common = { terms, beta, cov, X, arr, annualDiscountRate: 0.1, grossMargin: 0.8, investment: 500_000 };
    // One baseline for every move, its sums kept from one horizon and extended for a longer one.
    for (const horizonYears of [5, 2, 8])
      for (const change of [{ nps: 1.5 }, { nps: -2, csat: 0.5 }, { csat: 3 }, {}])
        for (const rowMask of [undefined, mask])
          for (const draws of [0, 50]) {
            const plain = runScenario({ ...common, horizonYears, change, rowMask, draws });
            expect(runScenario({ ...common, horizonYears, change, rowMask, draws, baseline })).toEqual(plain);
          }
    // A book in blocks, each with its own baseline: only the first block's sums start from zero.
    const p = terms.length;
    const blocks = [0, 600, 1_100].map((from, j, all) => {
      const to = all[j + 1] ?? 1_500;
      const rows = { X: X.subarray(from * p, to * p), arr: arr.subarray(from, to), rowMask: mask.subarray(from, to) };
      return { ...rows, baseline: baselineOf(beta, rows) };
    });
    const request = { ...common, horizonYears: 4, change: { nps: 1 }, draws: 20 };
    expect(runScenarioBlocks({ ...request, blocks: () => blocks })).toEqual(runScenario({ ...request, rowMask: mask }));
    const other = baselineOf(
      beta.map((b, j) => (j === 1 ? b + 0.1 : b)),
      { X, arr },
    );
    const plain = runScenario({ ...common, horizonYears: 3, change: { nps: 1 }, draws: 0 });
    expect(runScenario({ ...common, horizonYears: 3, change: { nps: 1 }, draws: 0, baseline: other })).toEqual(plain);
    // …and one of other rows.
    const copy = { X: Float64Array.from(X), arr: Float64Array.from(arr) };
    copy.arr[0] += 1;
    expect(runScenario({ ...common, horizonYears: 3, change: { nps: 1 }, draws: 0, baseline: baselineOf(beta, copy) })).toEqual(plain);
  });
});
