import { describe, expect, it } from "vitest";
import { call, createWorkspace, tokenFor, upload } from "./helpers";

/**
 * POST .../scenarios keeps a model's book (design rows on the joined accounts) and the answers counted on it in the
 * isolate (worker/linking/scenario-cache.ts). These tests check that a warm cache answers exactly what the data says
 * after a new upload or a deletion, and that the role check and the workspace scoping still apply.
 *
 * Expected money is computed here with plain loops from the rows written below and the model's own
 * coefficients (the scenario formula of docs/methods.md#scenario-money, as in linking-models.test.ts):
 * gain = Σ_i Σ_{t=1..H} arr_i (p'_i^(t−1) − p_i^(t−1)) / (1 + r)^(t−1), p = σ(β0 + β1 nps), p' with nps + 1 capped at 10.
 */

const N = 60;
const npsOf = (i: number) => i % 11;
const segmentOf = (i: number) => (i % 3 === 0 ? "SMB" : "Enterprise");
// Renewal rises with NPS but is mixed at every level (no separation).
const renewedOf = (i: number) => ((i * 7) % 13 < 3 + npsOf(i) / 2 ? 1 : 0);

function accountsCsv(arr: (i: number) => number): string {
  const rows = ["account_id,arr,renewed,segment"];
  for (let i = 0; i < N; i++) rows.push(`A${i},${arr(i)},${renewedOf(i)},${segmentOf(i)}`);
  return rows.join("\n") + "\n";
}

function responsesCsv(nps: (i: number) => number): string {
  const rows = ["account_id,date,nps"];
  for (let i = 0; i < N; i++) rows.push(`A${i},2025-03-01,${nps(i)}`);
  return rows.join("\n") + "\n";
}

const arrA = (i: number) => 10_000 + 500 * i;
const arrB = (i: number) => 3 * (10_000 + 500 * i) + 7;

function expectedGain(beta: [number, number], arr: (i: number) => number, nps: (i: number) => number, only?: (i: number) => boolean) {
  let gain = 0;
  for (let i = 0; i < N; i++) {
    if (only && !only(i)) continue;
    const e = beta[0] + beta[1] * nps(i);
    const e2 = beta[0] + beta[1] * Math.min(10, nps(i) + 1);
    const p1 = 1 / (1 + Math.exp(-e)),
      p2 = 1 / (1 + Math.exp(-e2));
    for (let t = 1; t <= 3; t++) gain += (arr(i) * (p2 ** (t - 1) - p1 ** (t - 1))) / 1.05 ** (t - 1);
  }
  return gain;
}

type Ws = { id: string; token: string };
type Scenario = {
  revenueGain: number;
  accounts: number;
  changedRows: number;
  data: { datasets: { accounts: string; responses: string | null }; dataChangedSinceFit: boolean };
};

const post = (body: unknown, token: string) => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
  token,
});

async function fit(ws: Ws): Promise<{ id: string; beta: [number, number] }> {
  const res = await call(`/api/workspaces/${ws.id}/models`, post({ kind: "logistic", outcome: "renewed", predictors: ["nps"] }, ws.token));
  expect(res.status).toBe(201);
  const m = await res.json<{ id: string; coefficients: { term: string; estimate: number }[] }>();
  const est = (t: string) => m.coefficients.find((c) => c.term === t)!.estimate;
  return { id: m.id, beta: [est("Intercept"), est("nps")] };
}

const whatIf = (modelId: string, extra: Record<string, unknown> = {}) => ({
  modelId,
  change: { nps: 1 },
  horizonYears: 3,
  annualDiscountRate: 0.05,
  grossMargin: 0.8,
  investment: 100_000,
  draws: 0,
  ...extra,
});

async function scenario(ws: Ws, body: unknown, token = ws.token): Promise<Scenario> {
  const res = await call(`/api/workspaces/${ws.id}/scenarios`, post(body, token));
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json<Scenario>();
}

const idOf = async (res: Response) => {
  expect(res.status).toBe(201);
  return (await res.json<{ id: string }>()).id;
};

describe("what-if cache", () => {
  it("a warm cache follows a new accounts upload, a new responses upload and a deletion", async () => {
    const ws = await createWorkspace("scenario cache");
    const acc1 = await idOf(await upload(ws, "kind=accounts", accountsCsv(arrA)));
    await idOf(await upload(ws, "kind=responses", responsesCsv(npsOf)));
    const model = await fit(ws);
    const viewer = await tokenFor(ws, "viewer");

    const a = await scenario(ws, whatIf(model.id), viewer);
    expect(a.accounts).toBe(N);
    expect(a.revenueGain).toBeCloseTo(expectedGain(model.beta, arrA, npsOf), 6);
    expect(await scenario(ws, whatIf(model.id), viewer)).toEqual(a); // warm: same answer

    // New accounts (other ARRs): the same model on the new book.
    const acc2 = await idOf(await upload(ws, "kind=accounts", accountsCsv(arrB)));
    const b = await scenario(ws, whatIf(model.id), viewer);
    expect(b.data.datasets.accounts).toBe(acc2);
    expect(b.data.dataChangedSinceFit).toBe(true);
    expect(b.revenueGain).toBeCloseTo(expectedGain(model.beta, arrB, npsOf), 6);

    // New responses (every account one point lower, floored at 0): new per-account means.
    const lower = (i: number) => Math.max(0, npsOf(i) - 1);
    const resp2 = await idOf(await upload(ws, "kind=responses", responsesCsv(lower)));
    const c = await scenario(ws, whatIf(model.id), viewer);
    expect(c.data.datasets.responses).toBe(resp2);
    expect(c.revenueGain).toBeCloseTo(expectedGain(model.beta, arrB, lower), 6);

    // Deleting both newer datasets brings the first answer back, exactly.
    for (const id of [resp2, acc2]) {
      expect((await call(`/api/workspaces/${ws.id}/datasets/${id}`, { method: "DELETE", token: ws.token })).status).toBe(204);
    }
    const d = await scenario(ws, whatIf(model.id), viewer);
    expect(d.data.datasets.accounts).toBe(acc1);
    expect(d).toEqual(a);
  });

  it("segments are answered per segment; an unknown one is refused every time", async () => {
    const ws = await createWorkspace("scenario cache segments");
    await idOf(await upload(ws, "kind=accounts", accountsCsv(arrA)));
    await idOf(await upload(ws, "kind=responses", responsesCsv(npsOf)));
    const model = await fit(ws);
    const all = await scenario(ws, whatIf(model.id));
    const smb = await scenario(ws, whatIf(model.id, { segment: "SMB" }));
    const isSmb = (i: number) => segmentOf(i) === "SMB";
    expect(smb.changedRows).toBe(20); // i % 3 === 0 for i < 60
    expect(smb.revenueGain).toBeCloseTo(expectedGain(model.beta, arrA, npsOf, isSmb), 6);
    expect(all.revenueGain).toBeCloseTo(expectedGain(model.beta, arrA, npsOf), 6);
    for (let k = 0; k < 2; k++) {
      const res = await call(`/api/workspaces/${ws.id}/scenarios`, post(whatIf(model.id, { segment: "Nope" }), ws.token));
      expect(res.status).toBe(422);
      expect((await res.json<{ error: { code: string } }>()).error.code).toBe("unknown_segment");
    }
  });

  it("another workspace cannot reach a warm entry, and the token is checked on every request", async () => {
    const a = await createWorkspace("cache A");
    await idOf(await upload(a, "kind=accounts", accountsCsv(arrA)));
    await idOf(await upload(a, "kind=responses", responsesCsv(npsOf)));
    const ma = await fit(a);
    await scenario(a, whatIf(ma.id)); // warm

    const b = await createWorkspace("cache B");
    // B's token on A's workspace: 404 (never reveal A), before any data is read.
    expect((await call(`/api/workspaces/${a.id}/scenarios`, post(whatIf(ma.id), b.token))).status).toBe(404);
    // No token, or a made-up one: 401 even though the answer is warm.
    expect((await call(`/api/workspaces/${a.id}/scenarios`, post(whatIf(ma.id), "x".repeat(43)))).status).toBe(401);
    // B names A's model in its own workspace: 404 model, even with no data of its own yet.
    const res = await call(`/api/workspaces/${b.id}/scenarios`, post(whatIf(ma.id), b.token));
    expect(res.status).toBe(404);
    // B with its own data (other ARRs) and its own model gets its own answer.
    await idOf(await upload(b, "kind=accounts", accountsCsv(arrB)));
    await idOf(await upload(b, "kind=responses", responsesCsv(npsOf)));
    const mb = await fit(b);
    const sb = await scenario(b, whatIf(mb.id));
    expect(sb.revenueGain).toBeCloseTo(expectedGain(mb.beta, arrB, npsOf), 6);
    // A viewer of A can read what-ifs; saving one still needs an editor.
    const viewer = await tokenFor(a, "viewer");
    expect((await call(`/api/workspaces/${a.id}/scenarios`, post(whatIf(ma.id, { save: true, name: "x" }), viewer))).status).toBe(403);
  });
});
