import { beforeAll, describe, expect, it } from "vitest";
import { makeRng } from "../../models/numeric/rng";
import { call, createWorkspace, type ErrorJson } from "./helpers";
import { seedDataset } from "./linking-seed";

const json = (body: unknown) => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const TPS = ["billing", "onboarding", "support"];

/** Accounts answering CSAT (1-5) at three touchpoints; renewal driven by support (strongly) and onboarding (weakly), not billing. */
function journeyBook(n: number) {
  const rng = makeRng(99);
  const ids: string[] = [],
    arr = new Float64Array(n),
    renewed = new Float64Array(n);
  const rid: string[] = [],
    tp: string[] = [],
    csat: number[] = [],
    nps: number[] = [];
  const perTp: Record<string, Float64Array> = Object.fromEntries(TPS.map((t) => [t, new Float64Array(n)]));
  for (let i = 0; i < n; i++) {
    ids.push(`c${i}`);
    arr[i] = 2000 + Math.round(rng.uniform() * 20000);
    for (const t of TPS) {
      const v = 1 + rng.int(5);
      perTp[t][i] = v;
      rid.push(`c${i}`);
      tp.push(t);
      csat.push(v);
      nps.push(rng.int(11));
    }
    const eta = -2.5 + 0.8 * perTp.support[i] + 0.25 * perTp.onboarding[i];
    renewed[i] = rng.uniform() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
  }
  return {
    accounts: { account_id: ids, arr, renewed },
    responses: { account_id: rid, touchpoint: tp, csat: Float64Array.from(csat), nps: Float64Array.from(nps) },
    perTp,
    arr,
  };
}

type Tp = {
  touchpoint: string;
  accounts: number;
  meanScore: number;
  importance: number;
  arrAtRisk: number;
  atRiskAccounts: number;
  priority: number;
  rank: number;
};

describe("drivers and segments", () => {
  let ws: { id: string; token: string };
  const b = journeyBook(1500);
  beforeAll(async () => {
    ws = await createWorkspace("Journey");
    await seedDataset(ws.id, "accounts", b.accounts);
    await seedDataset(ws.id, "responses", b.responses);
  });

  it("drivers by relative weights: support ranks first, ARR at risk counted independently", async () => {
    const res = await call(`/api/workspaces/${ws.id}/drivers`, { ...json({ metric: "csat" }), token: ws.token });
    expect(res.status).toBe(200);
    const d = await res.json<{ method: string; touchpoints: Tp[]; howComputed: Record<string, string> }>();
    expect(d.method).toBe("relative-weights");
    const by = Object.fromEntries(d.touchpoints.map((t) => [t.touchpoint, t]));
    expect(by.support.importance).toBeGreaterThan(by.onboarding.importance);
    expect(by.onboarding.importance).toBeGreaterThan(by.billing.importance);
    expect(by.support.rank).toBe(1);
    // Independent: ARR of accounts with CSAT < 3 (1-2 on 1-5) at support.
    let risk = 0,
      cnt = 0,
      mean = 0;
    for (let i = 0; i < 1500; i++) {
      mean += b.perTp.support[i];
      if (b.perTp.support[i] < 3) {
        risk += b.arr[i];
        cnt++;
      }
    }
    expect(by.support.arrAtRisk).toBe(risk);
    expect(by.support.atRiskAccounts).toBe(cnt);
    expect(by.support.meanScore).toBeCloseTo(mean / 1500, 12);
    expect(by.support.priority).toBeCloseTo(by.support.importance * risk, 6);
    for (const k of ["meanScore", "importance", "arrAtRisk", "priority"]) expect(d.howComputed[k]).toBeTruthy();
  });

  it("drivers by per-touchpoint coefficient rank support first too", async () => {
    const d = await (
      await call(`/api/workspaces/${ws.id}/drivers`, { ...json({ metric: "csat", method: "coefficient" }), token: ws.token })
    ).json<{ method: string; touchpoints: Tp[] }>();
    expect(d.method).toBe("coefficient");
    expect(d.touchpoints[0].touchpoint).toBe("support");
  });

  it("segments add up to the matched total and revenue shares to 1", async () => {
    for (const value of ["arr", "clv"]) {
      const res = await call(`/api/workspaces/${ws.id}/segments?value=${value}&tiers=3`, { token: ws.token });
      expect(res.status).toBe(200);
      const s = await res.json<{
        cells: { accounts: number; revenueShare: number; revenue: number; meanClv: number | null }[];
        totals: { accounts: number; revenue: number; unmatched: number };
        gap: { renewalRateDiff: { estimate: number; ci95: [number, number] } | null };
      }>();
      expect(s.totals.accounts).toBe(1500);
      expect(s.cells.reduce((t, c) => t + c.accounts, 0)).toBe(s.totals.accounts);
      expect(s.cells.reduce((t, c) => t + c.revenueShare, 0)).toBeCloseTo(1, 12);
      expect(s.totals.revenue).toBe(b.arr.reduce((t, v) => t + v, 0));
      expect(s.gap.renewalRateDiff).not.toBeNull();
    }
  });

  it("segments without responses: 422 no_responses", async () => {
    const other = await createWorkspace("No responses");
    await seedDataset(other.id, "accounts", { account_id: ["a", "b"], arr: new Float64Array([1, 2]) });
    const res = await call(`/api/workspaces/${other.id}/segments`, { token: other.token });
    expect(res.status).toBe(422);
    expect((await res.json<ErrorJson>()).error.code).toBe("no_responses");
  });
});
