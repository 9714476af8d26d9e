import Papa from "papaparse";
import { beforeAll, describe, expect, it } from "vitest";
import { call, createWorkspace, tokenFor, upload, type ErrorJson } from "./helpers";

const json = (method: string, body: unknown) => ({ method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

// A small book: 240 accounts, renewal dates spread over 2025, NPS answers; renewal more likely with higher NPS
// (a fixed LCG, so the file is the same on every run).
function book() {
  let s = 12345;
  const rnd = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const acc = ["account_id,arr,renewed,segment,region,renewal_date"];
  const resp = ["account_id,date,nps,csat,touchpoint"];
  for (let i = 0; i < 240; i++) {
    const id = `A${String(i).padStart(3, "0")}`;
    const nps = Math.floor(rnd() * 11);
    const renewed = rnd() < 1 / (1 + Math.exp(-(-2 + 0.5 * nps))) ? 1 : 0;
    const day = new Date(Date.UTC(2025, 0, 1) + Math.floor(rnd() * 365) * 86400000).toISOString().slice(0, 10);
    acc.push(`${id},${1000 + 100 * (i % 50)},${renewed},${i % 2 ? "SMB" : "Enterprise"},${i % 3 ? "EU" : "=cmd|' /C calc'!A0"},${day}`);
    resp.push(
      `${id},2024-11-${String(1 + (i % 28)).padStart(2, "0")},${nps},${1 + (nps >> 1) > 5 ? 5 : 1 + (nps >> 1)},${i % 2 ? "Support" : "Onboarding"}`,
    );
  }
  return { accounts: acc.join("\n"), responses: resp.join("\n") };
}

describe("renewals ahead, scenario workflow and exports", () => {
  let ws: { id: string; token: string };
  let modelId = "";
  const { accounts, responses } = book();
  beforeAll(async () => {
    ws = await createWorkspace("Workflow");
    expect((await upload(ws, "kind=accounts", accounts)).status).toBe(201);
    expect((await upload(ws, "kind=responses", responses)).status).toBe(201);
  });

  it("without a model: renewals in the window listed without p, with a warning naming what to do", async () => {
    const r = await (
      await call(`/api/workspaces/${ws.id}/renewals?withinDays=90&asOf=2025-03-01`, { token: ws.token })
    ).json<{
      accounts: { accountId: string; pRenew: number | null }[];
      warnings: string[];
    }>();
    const rows = Papa.parse<Record<string, string>>(accounts, { header: true }).data;
    const inWindow = rows.filter((x) => x.renewal_date >= "2025-03-01" && x.renewal_date <= "2025-05-30");
    expect(r.accounts.map((a) => a.accountId).sort()).toEqual(inWindow.map((x) => x.account_id).sort());
    expect(r.accounts.every((a) => a.pRenew === null)).toBe(true);
    expect(r.warnings[0]).toMatch(/fit one/);
  });

  it("with the newest logistic model: pRenew = logistic(β0 + β1·nps) and arrAtRisk = arr·(1 − p); CSV the same, cells neutralised", async () => {
    const fit = await call(`/api/workspaces/${ws.id}/models`, {
      ...json("POST", { kind: "logistic", outcome: "renewed", predictors: ["nps"] }),
      token: ws.token,
    });
    expect(fit.status, await fit.clone().text()).toBe(201);
    const model = await fit.json<{ id: string; coefficients: { term: string; estimate: number }[] }>();
    modelId = model.id;
    const b = Object.fromEntries(model.coefficients.map((c) => [c.term, c.estimate]));
    const r = await (
      await call(`/api/workspaces/${ws.id}/renewals?withinDays=30&asOf=2025-06-01`, { token: ws.token })
    ).json<{
      model: { id: string };
      accounts: { accountId: string; arr: number; nps: number; pRenew: number; arrAtRisk: number; renewalDate: string }[];
    }>();
    expect(r.model.id).toBe(modelId);
    expect(r.accounts.length).toBeGreaterThan(5);
    for (const a of r.accounts) {
      expect(a.renewalDate >= "2025-06-01" && a.renewalDate <= "2025-07-01").toBe(true);
      const p = 1 / (1 + Math.exp(-(b.Intercept + b.nps * a.nps)));
      expect(a.pRenew).toBeCloseTo(p, 12);
      expect(a.arrAtRisk).toBeCloseTo(a.arr * (1 - p), 8);
    }
    const csv = await (
      await call(`/api/workspaces/${ws.id}/export/renewals.csv?withinDays=30&asOf=2025-06-01`, { token: ws.token })
    ).text();
    const parsed = Papa.parse<Record<string, string>>(csv.trim(), { header: true }).data;
    expect(parsed.map((x) => x.account_id)).toEqual(r.accounts.map((a) => a.accountId));
    expect(Number(parsed[0].p_renew)).toBeCloseTo(r.accounts[0].pRenew, 12);
    expect(csv).not.toMatch(/,=cmd/);
    expect(csv).toMatch(/,'=cmd/);
  });

  it("scenarios: PATCH renames and notes, DELETE (editor only) removes; scenarios.csv follows", async () => {
    const save = (name: string, nps: number) =>
      call(`/api/workspaces/${ws.id}/scenarios`, {
        ...json("POST", { name, modelId, change: { nps }, draws: 200, save: true }),
        token: ws.token,
      });
    const a = await (await save("Plus five", 5)).json<{ id: string }>();
    const b = await (await save("Plus ten", 10)).json<{ id: string }>();
    const patched = await call(`/api/workspaces/${ws.id}/scenarios/${a.id}`, {
      ...json("PATCH", { name: "Support programme", note: '=HYPERLINK("x") from the Q3 review' }),
      token: ws.token,
    });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ id: a.id, name: "Support programme", note: '=HYPERLINK("x") from the Q3 review' });
    const got = await (await call(`/api/workspaces/${ws.id}/scenarios/${a.id}`, { token: ws.token })).json<{ name: string }>();
    expect(got.name).toBe("Support programme");
    const viewer = await tokenFor(ws, "viewer");
    expect((await call(`/api/workspaces/${ws.id}/scenarios/${b.id}`, { method: "DELETE", token: viewer })).status).toBe(403);
    expect((await call(`/api/workspaces/${ws.id}/scenarios/${a.id}`, { ...json("PATCH", { name: "x" }), token: viewer })).status).toBe(403);
    const csv = await (await call(`/api/workspaces/${ws.id}/export/scenarios.csv`, { token: ws.token })).text();
    const rows = Papa.parse<Record<string, string>>(csv.trim(), { header: true }).data;
    expect(rows.map((x) => x.name).sort()).toEqual(["Plus ten", "Support programme"]);
    expect(rows.find((x) => x.name === "Support programme")!.note).toBe('\'=HYPERLINK("x") from the Q3 review');
    expect((await call(`/api/workspaces/${ws.id}/scenarios/${b.id}`, { method: "DELETE", token: ws.token })).status).toBe(204);
    expect((await call(`/api/workspaces/${ws.id}/scenarios/${b.id}`, { token: ws.token })).status).toBe(404);
    const list = await (await call(`/api/workspaces/${ws.id}/scenarios`, { token: ws.token })).json<{ scenarios: { id: string }[] }>();
    expect(list.scenarios.map((s) => s.id)).toEqual([a.id]);
    const empty = await call(`/api/workspaces/${ws.id}/scenarios/${a.id}`, { ...json("PATCH", {}), token: ws.token });
    expect(empty.status).toBe(400);
  });

  it("drivers.csv and segments.csv hold the JSON routes' rows", async () => {
    const d = await (
      await call(`/api/workspaces/${ws.id}/drivers`, { ...json("POST", {}), token: ws.token })
    ).json<{ touchpoints: { touchpoint: string; arrAtRisk: number }[] }>();
    const csv = await call(`/api/workspaces/${ws.id}/export/drivers.csv`, { token: ws.token });
    expect(csv.status, await csv.clone().text()).toBe(200);
    expect(csv.headers.get("content-type")).toMatch(/text\/csv/);
    const rows = Papa.parse<Record<string, string>>((await csv.text()).trim(), { header: true }).data;
    expect(rows.map((r) => [r.touchpoint, Number(r.arr_at_risk)])).toEqual(d.touchpoints.map((t) => [t.touchpoint, t.arrAtRisk]));
    const seg = await (
      await call(`/api/workspaces/${ws.id}/segments?tiers=2`, { token: ws.token })
    ).json<{ cells: { group: string; accounts: number }[] }>();
    const segCsv = await (await call(`/api/workspaces/${ws.id}/export/segments.csv?tiers=2`, { token: ws.token })).text();
    const segRows = Papa.parse<Record<string, string>>(segCsv.trim(), { header: true }).data;
    expect(segRows.map((r) => [r.satisfaction_group, Number(r.accounts)])).toEqual(seg.cells.map((c) => [c.group, c.accounts]));
    const bad = await call(`/api/workspaces/${ws.id}/export/segments.csv?tiers=99`, { token: ws.token });
    expect(bad.status).toBe(400);
    expect((await bad.json<ErrorJson>()).error.code).toBeTruthy();
  });

  it("renewals need renewal_date: 422 naming it", async () => {
    const w2 = await createWorkspace();
    await upload(w2, "kind=accounts", "account_id,arr\nA,1\nB,2\n");
    const r = await call(`/api/workspaces/${w2.id}/renewals`, { token: w2.token });
    expect(r.status).toBe(422);
    expect((await r.json<ErrorJson>()).error.details[0].column).toBe("renewal_date");
  });
});
