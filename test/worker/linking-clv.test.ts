import { beforeAll, describe, expect, it } from "vitest";
// Fader & Hardie's CDNOW 1/10 sample (PROVENANCE.md "cdnow"), bundled by Vite's ?raw import.
import cdnowSample from "../../../shared/datasets/cdnow/CDNOW_sample.txt?raw";
import { call, createWorkspace, upload, type ErrorJson } from "./helpers";

const json = (body: unknown) => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("CLV on CDNOW transactions through the API", () => {
  let ws: { id: string; token: string };
  beforeAll(async () => {
    const lines = ["customer_id,date,amount"];
    for (const raw of cdnowSample.split(/\r?\n/)) {
      const f = raw.trim().split(/\s+/);
      if (f.length < 5) continue;
      lines.push(`${f[1]},${f[2].slice(0, 4)}-${f[2].slice(4, 6)}-${f[2].slice(6, 8)},${f[4]}`);
    }
    expect(lines.length - 1).toBe(6919); // PROVENANCE.md: 6,919 transactions
    ws = await createWorkspace("CDNOW");
    const res = await upload(ws, "kind=transactions&name=cdnow", lines.join("\n"));
    expect(res.status, await res.clone().text()).toBe(201);
  });

  it("BG/NBD and Gamma-Gamma as published (FHL 2005; alpha in days = 7 × 4.4135)", async () => {
    const res = await call(`/api/workspaces/${ws.id}/clv`, {
      ...json({ method: "bgnbd-gg", horizonMonths: 12, annualDiscountRate: 0.1, margin: 0.3, observationEnd: "1997-09-30" }),
      token: ws.token,
    });
    expect(res.status).toBe(200);
    const r = await res.json<{
      bgnbd: { r: number; alpha: number; a: number; b: number; logLik: number };
      gammaGamma: { p: number; q: number; gamma: number };
      customers: { customerId: string; clv: number | null; pAlive: number | null }[];
      totals: { customers: number; clv: number };
      observationEnd: string;
    }>();
    // Published MLE (Fader, Hardie & Lee 2005): r 0.2426, alpha 4.4135 (weeks), a 0.7929, b 2.4258.
    expect(r.bgnbd.r).toBeCloseTo(0.2426, 3);
    expect(r.bgnbd.alpha / 7).toBeCloseTo(4.4135, 2);
    expect(r.bgnbd.a).toBeCloseTo(0.7929, 3);
    expect(r.bgnbd.b).toBeCloseTo(2.4258, 2);
    // Fader & Hardie's Gamma-Gamma note: p ≈ 6.25, q ≈ 3.74, gamma ≈ 15.44-15.45.
    expect(r.gammaGamma.p).toBeCloseTo(6.25, 1);
    expect(r.gammaGamma.q).toBeCloseTo(3.74, 1);
    expect(Math.abs(r.gammaGamma.gamma - 15.445)).toBeLessThan(0.1);
    expect(r.totals.customers).toBe(2357); // PROVENANCE.md: 2,357 customers
    expect(r.observationEnd).toBe("1997-09-30");
    const sum = r.customers.reduce((s, c) => s + (c.clv ?? 0), 0);
    expect(sum).toBeCloseTo(r.totals.clv, 6);
  });

  it("segments by CLV from transactions: tiers on the customers' BG/NBD CLV, cells add up", async () => {
    // Accounts = the 2,357 CDNOW customers (ids 0001..2357 as in the sample), ARR 1,000 each, NPS i mod 11.
    const ids = Array.from({ length: 2357 }, (_, i) => String(i + 1).padStart(4, "0"));
    const acc = ["account_id,arr,renewed", ...ids.map((id, i) => `${id},1000,${i % 3 ? 1 : 0}`)].join("\n");
    const resp = ["account_id,nps", ...ids.map((id, i) => `${id},${i % 11}`)].join("\n");
    expect((await upload(ws, "kind=accounts&name=a", acc)).status).toBe(201);
    expect((await upload(ws, "kind=responses&name=r", resp)).status).toBe(201);
    const res = await call(`/api/workspaces/${ws.id}/segments?value=clv&clvSource=transactions&tiers=3`, { token: ws.token });
    expect(res.status, await res.clone().text()).toBe(200);
    const s = await res.json<{
      cells: { accounts: number; revenueShare: number; meanClv: number | null }[];
      totals: { accounts: number };
      howComputed: { meanClv: string };
    }>();
    expect(s.totals.accounts).toBe(2357);
    expect(s.cells.reduce((t, c) => t + c.accounts, 0)).toBe(2357);
    expect(s.cells.reduce((t, c) => t + c.revenueShare, 0)).toBeCloseTo(1, 12);
    expect(s.howComputed.meanClv).toMatch(/BG\/NBD/);
  });

  it("bySatisfaction nps: per-group fits, LR test with 14 df, the promoter-detractor gap with an interval", async () => {
    // Responses from the previous test: NPS = i mod 11 for customer i (0001..2357), so every customer is linked:
    // 0-6 → detractors (7 of 11), 7-8 → passives (2 of 11), 9-10 → promoters (2 of 11).
    const res = await call(`/api/workspaces/${ws.id}/clv`, {
      ...json({ observationEnd: "1997-09-30", bySatisfaction: "nps", limit: 0 }),
      token: ws.token,
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const r = await res.json<{
      groups: { group: string; customers: number; meanClv: number; meanClvCi95: [number, number] }[];
      test: { statistic: number; df: number; pValue: number };
      gap: { from: string; to: string; meanClvDifference: number; ci95: [number, number] };
      satisfaction: { linkedCustomers: number; ungrouped: number };
    }>();
    const count = (k: (i: number) => boolean) => Array.from({ length: 2357 }, (_, i) => i).filter(k).length;
    expect(r.groups.map((g) => [g.group, g.customers])).toEqual([
      ["promoters", count((i) => i % 11 >= 9)],
      ["passives", count((i) => i % 11 === 7 || i % 11 === 8)],
      ["detractors", count((i) => i % 11 <= 6)],
    ]);
    expect(r.satisfaction).toEqual({ by: "nps", linkedCustomers: 2357, ungrouped: 0, rule: expect.stringContaining("promoters ≥ 9") });
    expect(r.test.df).toBe(14);
    expect(r.test.pValue).toBeGreaterThanOrEqual(0);
    expect(r.test.pValue).toBeLessThanOrEqual(1);
    const p = r.groups[0].meanClv,
      d = r.groups[2].meanClv;
    expect(r.gap).toMatchObject({ from: "promoters", to: "detractors" });
    expect(r.gap.meanClvDifference).toBeCloseTo(p - d, 9);
    expect(r.gap.ci95[0]).toBeLessThan(r.gap.meanClvDifference);
    for (const g of r.groups) expect(g.meanClvCi95[0] < g.meanClv && g.meanClv < g.meanClvCi95[1]).toBe(true);
  });

  it("clv.csv has the same customer rows", async () => {
    const res = await call(`/api/workspaces/${ws.id}/export/clv.csv?observationEnd=1997-09-30`, { token: ws.token });
    expect(res.status).toBe(200);
    const lines = (await res.text()).trim().split("\r\n");
    expect(lines[0]).toBe(
      "customer_id,frequency,recency_days,T_days,monetary,p_alive,expected_purchases,expected_avg_value,clv,clv_ci95_low,clv_ci95_high",
    );
    expect(lines).toHaveLength(2358);
  });

  it("holdoutEnd: the holdout test of the 2005 paper's setting, and 95% intervals on total, mean and each customer's CLV", async () => {
    const res = await call(`/api/workspaces/${ws.id}/clv`, {
      ...json({ observationEnd: "1997-09-30", holdoutEnd: "1998-06-30", limit: 5 }),
      token: ws.token,
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const r = await res.json<{
      totals: { clv: number; meanClv: number; customers: number; clvCi95: [number, number]; meanClvCi95: [number, number] };
      customers: { clv: number; clvCi95: [number, number] }[];
      holdout: {
        byFrequency: { label: string; customers: number; predicted: number; actual: number }[];
        weekly: { week: number; predicted: number; actual: number }[];
        calibrationWeeks: number;
        summary: { actualTotal: number; predictedTotal: number };
      };
      warnings: unknown[];
    }>();
    // bench/peers/bgnbd_holdout.py (independent numpy/scipy): 1,411 customers with x = 0, mean predicted 0.225087, actual
    // 0.236712; holdout total 1,882 actual vs 1,653.409 predicted; week 78 cumulative 4,339 actual vs 4,160.609 predicted.
    expect(r.holdout.byFrequency[0]).toMatchObject({ label: "0", customers: 1411 });
    expect(r.holdout.byFrequency[0].predicted).toBeCloseTo(0.225087, 4);
    expect(r.holdout.byFrequency[0].actual).toBeCloseTo(0.236712, 5);
    expect(r.holdout.summary.actualTotal).toBe(1882);
    expect(r.holdout.summary.predictedTotal).toBeCloseTo(1653.409, 1);
    expect(r.holdout.weekly).toHaveLength(78);
    expect(r.holdout.calibrationWeeks).toBe(39);
    expect(r.holdout.weekly[77].actual).toBe(4339);
    expect(r.holdout.weekly[77].predicted).toBeCloseTo(4160.609, 1);
    const [lo, hi] = r.totals.clvCi95;
    expect(lo).toBeLessThan(r.totals.clv);
    expect(hi).toBeGreaterThan(r.totals.clv);
    expect(r.totals.meanClvCi95[0]).toBeCloseTo(lo / r.totals.customers, 6);
    for (const c of r.customers) expect(c.clvCi95[0] <= c.clv && c.clv <= c.clvCi95[1]).toBe(true);
    // Only the fit's own notes (e.g. p_alive_one_time_buyers), nothing about intervals or the holdout.
    const codes = (r.warnings as { code: string }[]).map((w) => w.code);
    for (const c of ["clv_interval_unavailable", "clv_interval_skipped", "holdout_empty"]) expect(codes).not.toContain(c);
  });

  it("method pareto-nbd-gg: values from the Pareto/NBD (published CDNOW fit), BG/NBD beside it in the comparison", async () => {
    const res = await call(`/api/workspaces/${ws.id}/clv`, {
      ...json({ method: "pareto-nbd-gg", observationEnd: "1997-09-30", holdoutEnd: "1998-06-30", limit: 1 }),
      token: ws.token,
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const r = await res.json<{
      method: string;
      paretoNbd: { r: number; alpha: number; s: number; beta: number };
      comparison: { model: string; logLik: number; aic: number; used: boolean; holdout: { actualTotal: number } }[];
      totals: { clvCi95: [number, number]; clv: number };
    }>();
    expect(r.method).toBe("pareto-nbd-gg");
    // Published (weeks): r 0.55, α 10.58, s 0.61, β 11.67 → α, β in days × 7 (summary in days, not 2-decimal weeks: 1e-2).
    expect(r.paretoNbd.r).toBeCloseTo(0.55, 2);
    expect(r.paretoNbd.alpha / 7).toBeCloseTo(10.58, 1);
    expect(r.paretoNbd.s).toBeCloseTo(0.61, 2);
    expect(r.paretoNbd.beta / 7).toBeCloseTo(11.67, 1);
    expect(r.comparison.map((c) => [c.model, c.used])).toEqual([
      ["bgnbd", false],
      ["pareto-nbd", true],
    ]);
    // BG/NBD LL in days = −14363.53 (bench/peers/bgnbd_holdout.py); AIC = 8 − 2 LL.
    expect(r.comparison[0].logLik).toBeCloseTo(-14363.53, 1);
    expect(r.comparison[0].aic).toBeCloseTo(8 + 2 * 14363.53, 1);
    for (const c of r.comparison) expect(c.holdout.actualTotal).toBe(1882);
    expect(r.totals.clvCi95[0]).toBeLessThan(r.totals.clv);
  });

  it("holdoutEnd without an earlier observationEnd: 400 naming holdoutEnd", async () => {
    const res = await call(`/api/workspaces/${ws.id}/clv`, { ...json({ holdoutEnd: "1998-06-30" }), token: ws.token });
    expect(res.status).toBe(400);
    expect((await res.json<ErrorJson>()).error.details?.[0].column).toBe("holdoutEnd");
  });

  it("no transactions: 422 no_transactions", async () => {
    const other = await createWorkspace("Empty");
    const res = await call(`/api/workspaces/${other.id}/clv`, { ...json({}), token: other.token });
    expect(res.status).toBe(422);
    expect((await res.json<ErrorJson>()).error.code).toBe("no_transactions");
  });

  it("one purchase each: 422 no_repeat_buyers", async () => {
    const other = await createWorkspace("One-off");
    await upload(other, "kind=transactions&name=t", "customer_id,date,amount\na,2024-01-01,10\nb,2024-01-02,12\nc,2024-02-01,9\n");
    const res = await call(`/api/workspaces/${other.id}/clv`, { ...json({}), token: other.token });
    expect(res.status).toBe(422);
    expect((await res.json<ErrorJson>()).error.code).toBe("no_repeat_buyers");
  });
});
