import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { bgnbdExpectedPurchases, bgnbdPAlive, fitBgnbd } from "../../models/clv/bgnbd";
import { clvTable, discountedClv } from "../../models/clv/transactions-clv";
import { ModelError } from "../../models/numeric/errors";
import { fitGammaGamma, gammaGammaExpectedSpend } from "../../models/clv/gamma-gamma";
import { lnHyp2f1 } from "../../models/numeric/hyp2f1";
import { collapsePatterns } from "../../models/clv/patterns";
import { summariseTransactions } from "../../models/clv/rfm";

const CDNOW = "/work/shared/datasets/cdnow";
const csv = (file: string) =>
  readFileSync(`${CDNOW}/${file}`, "utf8")
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((l) => l.split(",").map(Number));
const summary = csv("cdnow_customers_summary.csv"); // ID,frequency,recency,T (weeks)
const withSpend = csv("cdnow_customers_summary_with_transactions.csv"); // ID,x,t_x,T,zbar
const cdnow = { frequency: summary.map((r) => r[1]), recency: summary.map((r) => r[2]), T: summary.map((r) => r[3]) };
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as ModelError).code;
  }
  return "none";
};

describe("BG/NBD (Fader, Hardie & Lee 2005) on CDNOW", () => {
  const r = fitBgnbd(cdnow);
  it("reproduces the published MLE and log-likelihood", () => {
    // FHL (2005) and lifetimes' docs: r 0.2426, α 4.4135, a 0.7929, b 2.4258, LL −9582.43 (PROVENANCE.md re-fit).
    expect(r.r).toBeCloseTo(0.2426, 4);
    expect(r.alpha).toBeCloseTo(4.4135, 4);
    expect(r.a).toBeCloseTo(0.7929, 4);
    expect(r.b).toBeCloseTo(2.4258, 4);
    expect(r.logLik).toBeCloseTo(-9582.43, 2);
    expect(r.converged).toBe(true);
    expect(r.nCustomers).toBe(2357);
    expect(r.nPatterns).toBeLessThan(2357);
    // The published fit has a finite maximum: no penalty, no warning.
    expect(r.penalizer).toBe(0);
    expect(r.warnings).toEqual([]);
  });
  it("a history with no dropout gets a finite, penalised fit with a warning instead of not_converged", () => {
    // Independent construction: 200 customers who never drop out, buying as Poisson(1 per 30 days) over
    // 365 days (seeded LCG). The unpenalised BG/NBD likelihood then rises towards a → 0 (no dropout).
    let seed = 12345;
    const u = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) + 0.5) / 2147483648;
    const frequency: number[] = [],
      recency: number[] = [],
      T: number[] = [];
    for (let i = 0; i < 200; i++) {
      const days: number[] = [];
      for (let t = -30 * Math.log(u()); t < 365; t += -30 * Math.log(u())) days.push(Math.floor(t));
      const first = Math.floor(u() * 30);
      const all = [...new Set([first, ...days.filter((d) => d > first)])];
      frequency.push(all.length - 1);
      recency.push(all[all.length - 1] - first);
      T.push(365 - first);
    }
    const fit = fitBgnbd({ frequency, recency, T });
    expect(fit.converged).toBe(true);
    expect(fit.penalizer).toBeGreaterThan(0);
    expect(fit.warnings[0]).toMatch(/no finite maximum/);
    // Dropout probability a/(a+b) is small, so P(alive) of a recent buyer is near 1.
    expect(fit.a / (fit.a + fit.b)).toBeLessThan(0.05);
    expect(bgnbdPAlive(fit, 10, 300, 335)).toBeGreaterThan(0.9);
  });
  it("standard errors match an independent finite-difference Hessian", () => {
    // Independent computation: bench/peers/bgnbd_ll.py (numpy/scipy log-likelihood), Nelder-Mead MLE and a
    // central-difference Hessian: SEs 0.01255731, 0.37822123, 0.18571737, 0.70533921 (lifetimes' summary
    // table shows 0.0126, 0.3782, 0.1857, 0.7053 too).
    expect(r.stdErrors.r!).toBeCloseTo(0.0125573, 5);
    expect(r.stdErrors.alpha!).toBeCloseTo(0.378221, 4);
    expect(r.stdErrors.a!).toBeCloseTo(0.185717, 4);
    expect(r.stdErrors.b!).toBeCloseTo(0.705339, 3);
  });
  it("the same fit in days gives α × 7 and the same r, a, b (time rescaling)", () => {
    const days = fitBgnbd({ frequency: cdnow.frequency, recency: cdnow.recency.map((v) => v * 7), T: cdnow.T.map((v) => v * 7) });
    expect(days.alpha / 7).toBeCloseTo(r.alpha, 6);
    expect(days.r).toBeCloseTo(r.r, 8);
    expect(days.b).toBeCloseTo(r.b, 6);
    expect(days.logLik + 2457 * Math.log(7)).toBeCloseTo(r.logLik, 6); // LL shifts by Σx·ln 7 (sum of frequency 2,457)
  });
  it("collapsed weights give the same fit as one row per customer", () => {
    const w = fitBgnbd({
      frequency: [...cdnow.frequency, 0],
      recency: [...cdnow.recency, 0],
      T: [...cdnow.T, 38.86],
      weights: [...cdnow.frequency.map(() => 2), 0],
    });
    expect(w.r).toBeCloseTo(r.r, 8);
    expect(w.logLik).toBeCloseTo(2 * r.logLik, 5);
  });
  it("conditional expectations and P(alive) match scipy's hyp2f1 formula", () => {
    // Independent computation: bench/peers/bgnbd_ll.py expected() / p_alive() with scipy.special.hyp2f1,
    // params (0.2425929072, 4.4135315612, 0.7928861481, 2.4257534365).
    const p = { r: 0.2425929072, alpha: 4.4135315612, a: 0.7928861481, b: 2.4257534365 };
    expect(bgnbdExpectedPurchases(p, 2, 30.43, 38.86, 39)).toBeCloseTo(1.2259104521210071, 10);
    expect(bgnbdPAlive(p, 2, 30.43, 38.86)).toBeCloseTo(0.72660915, 7);
    expect(bgnbdExpectedPurchases(p, 0, 0, 38.86, 10)).toBeCloseTo(0.05421009376790881, 12);
    expect(bgnbdExpectedPurchases(p, 7, 35, 38.86, 100)).toBeCloseTo(8.934939460618619, 9);
  });
  it("ln ₂F₁ series: closed forms", () => {
    // A&S 15.1.3: ₂F₁(1, 1; 2; z) = −ln(1 − z)/z; 15.1.8: ₂F₁(a, b; b; z) = (1 − z)^(−a).
    expect(Math.exp(lnHyp2f1(1, 1, 2, 0.5))).toBeCloseTo(-Math.log(0.5) / 0.5, 13);
    expect(lnHyp2f1(3.5, 2, 2, 0.9)).toBeCloseTo(-3.5 * Math.log(0.1), 10);
    expect(lnHyp2f1(400, 300, 350, 0.97)).toBeGreaterThan(700); // would overflow outside log space
  });
  it("named errors", () => {
    expect(code(() => fitBgnbd({ frequency: [], recency: [], T: [] }))).toBe("no_transactions");
    expect(code(() => fitBgnbd({ frequency: [0, 0], recency: [0, 0], T: [5, 6] }))).toBe("no_repeat_buyers");
    expect(code(() => fitBgnbd({ frequency: [1, 0], recency: [7, 0], T: [5, 6] }))).toBe("invalid_input");
    expect(code(() => fitBgnbd({ frequency: [1.5, 0], recency: [1, 0], T: [5, 6] }))).toBe("invalid_input");
  });
});

describe("pattern collapsing", () => {
  it("whole-number (packed) and fractional (hashed) paths group the same customers", () => {
    // CDNOW in whole days (packed keys) against the same values + 0.25 (not whole: the generic hash path).
    const days = { x: cdnow.frequency, tx: cdnow.recency.map((v) => Math.round(v * 7)), T: cdnow.T.map((v) => Math.round(v * 7)) };
    const a = collapsePatterns(days.x, days.tx, days.T);
    const b = collapsePatterns(
      days.x,
      days.tx.map((v) => v + 0.25),
      days.T.map((v) => v + 0.25),
    );
    expect(a.count).toBe(b.count);
    expect(a.w.reduce((s, v) => s + v, 0)).toBe(2357);
    for (let i = 0; i < 2357; i++) {
      expect([a.x[a.index[i]], a.tx[a.index[i]], a.T[a.index[i]]]).toEqual([days.x[i], days.tx[i], days.T[i]]);
      expect(a.w[a.index[i]]).toBe(b.w[b.index[i]]);
    }
  });
});

describe("Gamma-Gamma on CDNOW repeat customers", () => {
  const freq = withSpend.map((r) => r[1]);
  const zbar = withSpend.map((r) => r[4]);
  const g = fitGammaGamma({ frequency: freq, monetary: zbar });
  it("reproduces p 6.2488, q 3.7446, γ 15.4477", () => {
    // Fader & Hardie note / lifetimes docs (PROVENANCE.md re-fit): p 6.2488, q 3.7446, γ 15.4477, on 946 customers.
    expect(g.p).toBeCloseTo(6.2488, 4);
    expect(g.q).toBeCloseTo(3.7446, 4);
    expect(g.gamma).toBeCloseTo(15.4477, 4);
    expect(g.nCustomers).toBe(946);
    expect(g.excluded).toBe(2357 - 946);
    // Independent scipy Nelder-Mead fit: LL −4055.92324; finite-difference SEs 1.18967, 0.290163, 4.15992.
    expect(g.logLik).toBeCloseTo(-4055.92324, 4);
    expect(g.stdErrors.p!).toBeCloseTo(1.18967, 3);
    expect(g.stdErrors.q!).toBeCloseTo(0.290163, 4);
    expect(g.stdErrors.gamma!).toBeCloseTo(4.15992, 3);
  });
  it("conditional expected spend and the population mean", () => {
    // FHL 2005 (RFM and CLV) eq. for E[M | x, m̄]; x = 0 gives pγ/(q − 1).
    const par = { p: 6.25, q: 3.74, gamma: 15.44 };
    expect(gammaGammaExpectedSpend(par, 2, 22.35)).toBeCloseTo((6.25 * (15.44 + 2 * 22.35)) / (6.25 * 2 + 3.74 - 1), 12);
    expect(gammaGammaExpectedSpend(par, 0, 0)).toBeCloseTo((6.25 * 15.44) / 2.74, 12);
  });
  it("no repeat buyers is a named error", () => {
    expect(code(() => fitGammaGamma({ frequency: [0, 0], monetary: [0, 0] }))).toBe("no_repeat_buyers");
  });
});

describe("discounted CLV (monthly formula of docs/methods.md#transactions-clv)", () => {
  it("matches an independent scipy computation", () => {
    // Independent computation (python, bench/peers/bgnbd_ll.py expected() + the Gamma-Gamma mean) with
    // BG/NBD (0.2425929072, 4.4135315612, 0.7928861481, 2.4257534365) in weeks, Gamma-Gamma
    // (6.2487998, 3.74458925, 15.44775812), 12 months, 10%/year, margin 0.3:
    //   x=2, tx=30.43, T=38.86, m̄=22.35 → E[X(12 m)] 1.5629624190814155, spend 24.658617110054863, clv 11.021493552626895
    //   x=0, T=38.86 → 0.2524253655574876, 35.17099968912715, 2.535833827052493
    //   x=7, tx=35, T=38.86, m̄=40 → 5.535446958376846, 39.714891175696266, 62.919360152080095
    const bg = { r: 0.2425929072, alpha: 4.4135315612, a: 0.7928861481, b: 2.4257534365 };
    const gg = { p: 6.2487998, q: 3.74458925, gamma: 15.44775812 };
    const opts = { horizonMonths: 12, annualDiscountRate: 0.1, margin: 0.3, daysPerTimeUnit: 7 };
    const cases: [number, number, number, number, number, number, number][] = [
      [2, 30.43, 38.86, 22.35, 1.5629624190814155, 24.658617110054863, 11.021493552626895],
      [0, 0, 38.86, 0, 0.2524253655574876, 35.17099968912715, 2.535833827052493],
      [7, 35, 38.86, 40, 5.535446958376846, 39.714891175696266, 62.919360152080095],
    ];
    for (const [x, tx, T, m, e, s, clv] of cases) {
      const got = discountedClv(bg, gg, x, tx, T, m, opts);
      expect(Math.abs(got.expectedPurchases - e) / e).toBeLessThan(1e-7);
      expect(Math.abs(got.expectedAvgValue - s) / s).toBeLessThan(1e-7);
      expect(Math.abs(got.clv - clv) / clv).toBeLessThan(1e-7);
    }
  });
});

describe("RFM summary from raw transactions (lifetimes conventions)", () => {
  // CDNOW_sample.txt: master id, sample id, YYYYMMDD, CDs, dollars; calibration end 1997-09-30.
  const lines = readFileSync(`${CDNOW}/CDNOW_sample.txt`, "utf8")
    .trim()
    .split(/\r?\n/)
    .map((l) => l.trim().split(/\s+/));
  const ids = lines.map((l) => String(Number(l[1])));
  const dayOf = (s: string) => Date.UTC(+s.slice(0, 4), +s.slice(4, 6) - 1, +s.slice(6, 8)) / 86_400_000;
  const days = lines.map((l) => dayOf(l[2]));
  const amounts = lines.map((l) => Number(l[4]));
  const s = summariseTransactions(ids, days, amounts, dayOf("19970930"));

  it("reproduces cdnow_customers_summary.csv exactly (days / 7, rounded to 2 decimals)", () => {
    // PROVENANCE.md: distinct purchase days, calibration end 1997-09-30 inclusive, t_x and T in days / 7, 2 decimals.
    expect(s.customerId.length).toBe(2357);
    const byId = new Map(s.customerId.map((id, j) => [id, j]));
    for (const [id, f, rec, T] of summary) {
      const j = byId.get(String(id))!;
      expect(s.frequency[j]).toBe(f);
      expect(Math.round((s.recency[j] / 7) * 100) / 100).toBeCloseTo(rec, 10);
      expect(Math.round((s.T[j] / 7) * 100) / 100).toBeCloseTo(T, 10);
    }
  });
  it("monetary is the mean of repeat purchase days: zbar of the summary file", () => {
    const byId = new Map(s.customerId.map((id, j) => [id, j]));
    let worst = 0;
    for (const [id, , , , zbar] of withSpend) worst = Math.max(worst, Math.abs(s.monetary[byId.get(String(id))!] - zbar));
    expect(worst).toBeLessThanOrEqual(0.005 + 1e-9); // zbar is printed with 2 decimals
  });
  it("same-day purchases collapse; later purchases are left out; frequency 0 has monetary 0", () => {
    const r = summariseTransactions(["a", "a", "a", "b", "a"], [0, 0, 7, 3, 20], [5, 5, 3, 9, 100], 10);
    expect(r.customerId).toEqual(["a", "b"]);
    expect(Array.from(r.frequency)).toEqual([1, 0]);
    expect(Array.from(r.recency)).toEqual([7, 0]);
    expect(Array.from(r.T)).toEqual([10, 7]);
    expect(Array.from(r.monetary)).toEqual([3, 0]);
    expect(r.excludedTransactions).toBe(1);
    expect(code(() => summariseTransactions(["a"], [20], [1], 10))).toBe("no_transactions");
  });
  it("the full pipeline in days gives α = 7 × 4.4135 and a CLV per customer", () => {
    // docs/methods.md#bgnbd: the CDNOW summary in days instead of weeks gives r, a, b as published and alpha = 7 × 4.4135.
    const t = clvTable(s, { horizonMonths: 12, annualDiscountRate: 0.1, margin: 0.3 });
    expect(t.bgnbd.alpha / 7).toBeCloseTo(4.4135, 2);
    expect(t.bgnbd.r).toBeCloseTo(0.2426, 3);
    expect(t.gammaGamma.p).toBeCloseTo(6.25, 1);
    expect(t.customers).toHaveLength(2357);
    expect(t.totals.clv).toBeGreaterThan(0);
    expect(JSON.stringify(t)).not.toMatch(/NaN|Infinity/);
  });
});
