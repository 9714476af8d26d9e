import { describe, expect, it } from "vitest";
import { call, createWorkspace, upload } from "./helpers";

type Diff = {
  current: number | null;
  previous: number | null;
  difference: number | null;
  ci95: [number, number] | null;
  verdict: string | null;
  statement: string;
};
type MetricsJson = {
  overall: { nps: { n: number; score: number | null }; csat: { n: number; score: number | null } };
  comparison?: { current: { from: string; to: string }; previous: { from: string; to: string }; nps: Diff; csat: Diff; ces: Diff };
};

describe("compare periods and filters on every card", () => {
  // Q1 2025: A1 (SMB, EU) 10, 9; A2 (Ent, US) 3. Q2 2025: A1 10; A2 10, 9, 2; A3 (SMB, US) 8.
  const ACCOUNTS = "account_id,arr,segment,region\nA1,1000,SMB,EU\nA2,5000,Enterprise,US\nA3,800,SMB,US\n";
  const RESPONSES = [
    "account_id,date,nps,csat",
    "A1,2025-01-10,10,5",
    "A1,2025-02-10,9,4",
    "A2,2025-03-10,3,2",
    "A1,2025-04-10,10,5",
    "A2,2025-05-10,10,5",
    "A2,2025-05-11,9,4",
    "A2,2025-06-10,2,1",
    "A3,2025-06-20,8,3",
  ].join("\n");

  it("compare=previous: the quarter before, with NPS / CSAT differences (counts by hand) and a statement", async () => {
    const ws = await createWorkspace();
    expect((await upload(ws, "kind=accounts", ACCOUNTS)).status).toBe(201);
    expect((await upload(ws, "kind=responses", RESPONSES)).status).toBe(201);
    const res = await call(`/api/workspaces/${ws.id}/metrics?from=2025-04-01&to=2025-06-30&compare=previous`, { token: ws.token });
    expect(res.status).toBe(200);
    const m = await res.json<MetricsJson>();
    // Q2: 3 promoters, 1 passive, 1 detractor of 5 → NPS 40; the quarter before, 2025-01-01..2025-03-31 (2 P, 1 D of 3) → 33.33.
    expect(m.comparison!.previous).toEqual({ from: "2025-01-01", to: "2025-03-31" });
    expect(m.comparison!.nps.current).toBeCloseTo(40, 10);
    expect(m.comparison!.nps.previous).toBeCloseTo(100 / 3, 10);
    expect(m.comparison!.nps.difference).toBeCloseTo(40 - 100 / 3, 10);
    expect(m.comparison!.nps.verdict).toBe("within noise");
    expect(m.comparison!.nps.statement).toMatch(/within noise/);
    // CSAT top two boxes: Q2 3 of 5 = 60%; Q1 2 of 3 = 66.7%.
    expect(m.comparison!.csat.difference).toBeCloseTo(60 - 200 / 3, 10);
    expect(m.comparison!.ces.difference).toBeNull();
    const days = await (
      await call(`/api/workspaces/${ws.id}/metrics?from=2025-05-11&to=2025-05-20&compare=previous`, { token: ws.token })
    ).json<MetricsJson>();
    expect(days.comparison!.previous).toEqual({ from: "2025-05-01", to: "2025-05-10" });
    const noRange = await call(`/api/workspaces/${ws.id}/metrics?compare=previous`, { token: ws.token });
    expect(noRange.status).toBe(400);
  });

  it("segment and region filters keep the responses of those accounts only", async () => {
    const ws = await createWorkspace();
    await upload(ws, "kind=accounts", ACCOUNTS);
    await upload(ws, "kind=responses", RESPONSES);
    const smb = await (await call(`/api/workspaces/${ws.id}/metrics?segment=SMB`, { token: ws.token })).json<MetricsJson>();
    expect(smb.overall.nps.n).toBe(4); // A1 ×3, A3 ×1
    const us = await (await call(`/api/workspaces/${ws.id}/metrics?region=US&by=month`, { token: ws.token })).json<MetricsJson>();
    expect(us.overall.nps.n).toBe(5); // A2 ×4, A3 ×1
    const both = await (await call(`/api/workspaces/${ws.id}/metrics?region=US&segment=SMB`, { token: ws.token })).json<MetricsJson>();
    expect(both.overall.nps.n).toBe(1);
  });
});
