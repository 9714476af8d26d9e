import Papa from "papaparse";
import { beforeAll, describe, expect, it } from "vitest";
// The IBM Telco sample (PROVENANCE.md "telco"), bundled into the test by Vite's ?raw import.
import telcoCsv from "../../../shared/datasets/telco/telco_cx.csv?raw";
import { call, createWorkspace, upload, type ErrorJson } from "./helpers";

const json = (body: unknown) => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("Telco: satisfaction separates churn (PROVENANCE.md known quirk)", () => {
  let ws: { id: string; token: string };
  beforeAll(async () => {
    const rows = Papa.parse<Record<string, string>>(telcoCsv, { header: true, skipEmptyLines: true }).data;
    expect(rows).toHaveLength(7043); // PROVENANCE.md: 7,043 rows
    const acc = ["customer_id,arr,renewed,segment,tenure_months"];
    const resp = ["account_id,csat"];
    for (const r of rows) {
      acc.push(
        [r.customer_id, (12 * Number(r.monthly_charge)).toFixed(2), 1 - Number(r.churn_value), r.contract, r.tenure_months].join(","),
      );
      resp.push(`${r.customer_id},${r.satisfaction_score}`);
    }
    ws = await createWorkspace("Telco");
    const a = await upload(ws, "kind=accounts&name=telco-accounts", acc.join("\n"));
    expect(a.status, await a.clone().text()).toBe(201);
    const b = await upload(ws, "kind=responses&name=telco-csat", resp.join("\n"));
    expect(b.status, await b.clone().text()).toBe(201);
  });

  it("with satisfaction: 422 perfect_separation naming csat", async () => {
    const res = await call(`/api/workspaces/${ws.id}/models`, {
      ...json({ kind: "logistic", outcome: "renewed", predictors: ["csat", "segment", "tenure_months"] }),
      token: ws.token,
    });
    expect(res.status).toBe(422);
    const e = await res.json<ErrorJson>();
    expect(e.error.code).toBe("perfect_separation");
    expect(e.error.message).toMatch(/csat/);
    expect(e.error.details.map((d) => d.column)).toContain("csat");
  });

  it("without satisfaction it fits, on all 7,043 accounts", async () => {
    const res = await call(`/api/workspaces/${ws.id}/models`, {
      ...json({ kind: "logistic", outcome: "renewed", predictors: ["segment", "tenure_months", "log_arr"] }),
      token: ws.token,
    });
    expect(res.status).toBe(201);
    const m = await res.json<{ nObs: number; terms: string[]; validation: { auc: number } }>();
    expect(m.nObs).toBe(7043);
    // Reference level = alphabetically first contract ("Month-to-Month"), patsy style.
    expect(m.terms).toEqual(["Intercept", "tenure_months", "log_arr", "segment[T.One Year]", "segment[T.Two Year]"]);
    expect(m.validation.auc).toBeGreaterThan(0.7);
  });
});
