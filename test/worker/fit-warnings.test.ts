import Papa from "papaparse";
import { beforeAll, describe, expect, it } from "vitest";
// Public data (PROVENANCE.md "olist", "telco"), bundled by Vite's ?raw import.
import olistCsv from "../../../shared/datasets/olist/olist_orders_cx.csv?raw";
import telcoCsv from "../../../shared/datasets/telco/telco_cx.csv?raw";
import { call, createWorkspace, upload } from "./helpers";

const json = (body: unknown) => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
type Warning = { code: string; message: string };

describe("Olist: a CLV fit the data cannot carry answers with named warnings", () => {
  const orders = Papa.parse<Record<string, string>>(olistCsv, { header: true, skipEmptyLines: true }).data;
  // Independent count: distinct purchase days per customer_unique_id (lifetimes' frequency = days after the first);
  // every customer counts, those first seen on the last day (T = 0) too, as the CLV route values them (docs/api.md).
  const days = new Map<string, Set<string>>();
  for (const o of orders) {
    const d = o.order_purchase_timestamp.slice(0, 10);
    if (!days.has(o.customer_unique_id)) days.set(o.customer_unique_id, new Set());
    days.get(o.customer_unique_id)!.add(d);
  }
  const kept = [...days.values()];
  const repeat = kept.filter((s) => s.size > 1).length;

  let body: { customersTotal: number; repeatBuyers: number; gammaGamma: { p: number }; warnings: Warning[] };
  beforeAll(async () => {
    const ws = await createWorkspace("olist");
    const tx = [
      "customer_id,date,amount",
      ...orders.map((o) => `${o.customer_unique_id},${o.order_purchase_timestamp.slice(0, 10)},${o.payment_value}`),
    ];
    const up = await upload(ws, "kind=transactions", tx.join("\n"));
    expect(up.status, await up.clone().text()).toBe(201);
    const res = await call(`/api/workspaces/${ws.id}/clv`, { ...json({ horizonMonths: 12, limit: 10 }), token: ws.token });
    expect(res.status, await res.clone().text()).toBe(200);
    body = await res.json();
  });

  it("counts customers and repeat buyers as counted here, and warns of few repeat buyers", () => {
    expect(body.customersTotal).toBe(kept.length);
    expect(body.repeatBuyers).toBe(repeat);
    const w = body.warnings.find((x) => x.code === "few_repeat_buyers");
    expect(w?.message).toContain(`Only ${repeat} of ${kept.length.toLocaleString("en-US")} customers`);
  });

  it("explains P(alive) of one-time buyers and flags parameters at the edge of plausibility", () => {
    expect(body.warnings.find((x) => x.code === "p_alive_one_time_buyers")?.message).toContain(
      `${(kept.length - repeat).toLocaleString("en-US")} customers bought only once`,
    );
    // With so few repeat buyers the spend model's p runs off (the issue saw p in the millions).
    if (body.gammaGamma.p > 1e4) expect(body.warnings.map((x) => x.code)).toContain("implausible_spend_parameters");
    expect(body.warnings.length).toBeGreaterThanOrEqual(2);
  });
});

describe("Telco: separated segments are flagged, not shown as a point interval", () => {
  it("satisfied renew 100% and dissatisfied 0%: the gap's interval is null with renewal_gap_interval_collapsed", async () => {
    const rows = Papa.parse<Record<string, string>>(telcoCsv, { header: true, skipEmptyLines: true }).data;
    // Independent: the rates by CSAT band counted from the file (satisfied ≥ 4, dissatisfied < 3 on 1-5).
    const rate = (keep: (s: number) => boolean) => {
      const g = rows.filter((r) => keep(Number(r.satisfaction_score)));
      return g.filter((r) => r.churn_value === "0").length / g.length;
    };
    expect(rate((s) => s >= 4)).toBe(1);
    expect(rate((s) => s < 3)).toBe(0);
    const acc = [
      "customer_id,arr,churned",
      ...rows.map((r) => `${r.customer_id},${(12 * Number(r.monthly_charge)).toFixed(2)},${r.churn_value}`),
    ];
    const resp = ["account_id,csat", ...rows.map((r) => `${r.customer_id},${r.satisfaction_score}`)];
    const ws = await createWorkspace("telco-seg");
    expect((await upload(ws, "kind=accounts", acc.join("\n"))).status).toBe(201);
    expect((await upload(ws, "kind=responses", resp.join("\n"))).status).toBe(201);
    const res = await call(`/api/workspaces/${ws.id}/segments?by=csat`, { token: ws.token });
    expect(res.status).toBe(200);
    const s = await res.json<{ gap: { renewalRateDiff: { estimate: number; ci95: unknown } }; warnings: Warning[] }>();
    expect(s.gap.renewalRateDiff.estimate).toBe(1);
    expect(s.gap.renewalRateDiff.ci95).toBeNull();
    expect(s.warnings.map((w) => w.code)).toEqual(["renewal_gap_interval_collapsed"]);
  });
});
