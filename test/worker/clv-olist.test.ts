import { beforeAll, describe, expect, it } from "vitest";
// Olist orders with review scores (PROVENANCE.md "olist"), bundled by Vite's ?raw import.
import olist from "../../../shared/datasets/olist/olist_orders_cx.csv?raw";
import { call, createWorkspace, upload } from "./helpers";

const json = (body: unknown) => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("CLV by CSAT on Olist (orders and their review scores, linked by customer_unique_id)", () => {
  let ws: { id: string; token: string };
  beforeAll(async () => {
    const text = olist.trim().split("\n");
    const head = text[0].split(",");
    const col = (name: string) => head.indexOf(name);
    const rows = text.slice(1).map((l) => l.split(","));
    const id = (r: string[]) => r[col("customer_unique_id")];
    const tx = [
      "customer_id,date,amount",
      ...rows.map((r) => `${id(r)},${r[col("order_purchase_timestamp")].slice(0, 10)},${r[col("payment_value")]}`),
    ];
    const resp = ["account_id,csat", ...rows.map((r) => `${id(r)},${r[col("review_score")]}`)];
    ws = await createWorkspace("Olist");
    expect((await upload(ws, "kind=transactions&name=tx", tx.join("\n"))).status).toBe(201);
    expect((await upload(ws, "kind=responses&name=r&csatScale=5", resp.join("\n"))).status).toBe(201);
  });
  it("answers with both groups (8,016 customers in all, PROVENANCE.md) and names the groups that are too small", async () => {
    const t0 = Date.now();
    const res = await call(`/api/workspaces/${ws.id}/clv`, { ...json({ bySatisfaction: "csat", limit: 0 }), token: ws.token });
    expect(res.status, await res.clone().text()).toBe(200);
    const r = await res.json<{ groups: { group: string; customers: number }[]; warnings: { code: string; message: string }[] }>();
    // Well within a request's time: the Pareto/NBD comparison is skipped with 59 repeat buyers in all.
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(r.warnings.some((w) => w.code === "pareto_nbd_skipped")).toBe(true);
    expect(r.groups.map((g) => g.group)).toEqual(["satisfied", "not satisfied"]);
    expect(r.groups.reduce((t, g) => t + g.customers, 0)).toBe(8016);
    expect(r.warnings.some((w) => w.code === "group_too_small")).toBe(true);
  });
});
