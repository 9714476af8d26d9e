import { describe, expect, it } from "vitest";
import { call, createWorkspace } from "./helpers";
import { seedDataset } from "./linking-seed";

describe("GET .../clv/sbg: retention from tenure and renewals", () => {
  it("a book built from Fader & Hardie's 'regular' cohort gives alpha 0.704, beta 1.182 (F&H 2007)", async () => {
    // Survivors 1000, 631, 468, 382, 326, 289, 262, 241 (F&H 2007 Table 1): churned at year t → tenure 12t months,
    // the 241 still active after 7 years → tenure 90 months. Promoters are every other account (to exercise the split).
    const survivors = [1000, 631, 468, 382, 326, 289, 262, 241];
    const ids: string[] = [],
      tenure: number[] = [],
      renewed: number[] = [],
      rid: string[] = [],
      nps: number[] = [];
    let k = 0;
    const add = (months: number, r: number) => {
      const id = `a${k++}`;
      ids.push(id);
      tenure.push(months);
      renewed.push(r);
      rid.push(id);
      nps.push(k % 2 ? 10 : 3);
    };
    for (let t = 1; t < survivors.length; t++) for (let i = 0; i < survivors[t - 1] - survivors[t]; i++) add(12 * t, 0);
    for (let i = 0; i < 241; i++) add(90, 1);
    const ws = await createWorkspace("Cohort");
    await seedDataset(ws.id, "accounts", {
      account_id: ids,
      arr: new Float64Array(ids.length).fill(1000),
      renewed: Float64Array.from(renewed),
      tenure_months: Float64Array.from(tenure),
    });
    await seedDataset(ws.id, "responses", { account_id: rid, nps: Float64Array.from(nps) });
    const res = await call(`/api/workspaces/${ws.id}/clv/sbg?annualDiscountRate=0.1`, { token: ws.token });
    expect(res.status).toBe(200);
    const r = await res.json<{ groups: { group: string; alpha: number; beta: number; derlNewCustomer: number; accounts: number }[] }>();
    const all = r.groups.find((g) => g.group === "all")!;
    expect(all.alpha).toBeCloseTo(0.704, 3);
    expect(all.beta).toBeCloseTo(1.182, 3);
    // DERL by its definition (Fader & Hardie 2010): Σ_{t≥1} S(t) / (1+d)^(t−1), S(t) = Π_{k<t} (β+k)/(α+β+k), summed here.
    let S = 1,
      derl = 0;
    for (let t = 1; t < 5000; t++) {
      S *= (all.beta + t - 1) / (all.alpha + all.beta + t - 1);
      derl += S / 1.1 ** (t - 1);
    }
    expect(all.derlNewCustomer).toBeCloseTo(derl, 8);
    expect(r.groups.map((g) => g.group)).toEqual(["all", "promoter", "detractor"]);
    const pro = r.groups.find((g) => g.group === "promoter")!;
    const det = r.groups.find((g) => g.group === "detractor")!;
    expect(pro.accounts + det.accounts).toBe(all.accounts);
  });
});
