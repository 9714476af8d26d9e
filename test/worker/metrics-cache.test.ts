import { describe, expect, it } from "vitest";
import { call, createWorkspace, upload } from "./helpers";

/**
 * GET .../metrics answers are cached in the isolate by dataset id: a repeated query gives the same
 * answer, and a newer upload or a deleted dataset is seen at once. Expected NPS values are counted by
 * hand from the rows below (docs/methods.md#nps: NPS = %promoters (9–10) − %detractors (0–6)).
 */
type M = { overall: { nps: { score: number; n: number } }; datasetId: string | null; groups: { key: string }[] };
const get = async (ws: { id: string; token: string }, q = "") =>
  (await (await call(`/api/workspaces/${ws.id}/metrics${q}`, { token: ws.token })).json()) as M;

describe("metrics cache", () => {
  it("repeats, then follows a new upload and a deletion", async () => {
    const ws = await createWorkspace("cache");
    // 2 promoters, 1 passive, 1 detractor: NPS = (2 − 1)/4 = 25.
    const first = await upload(
      ws,
      "kind=responses",
      "account_id,date,nps\nA,2025-01-05,10\nB,2025-01-06,9\nC,2025-02-01,7\nD,2025-02-02,3\n",
    );
    expect(first.status).toBe(201);
    const a = await get(ws, "?by=month");
    expect(a.overall.nps).toMatchObject({ score: 25, n: 4 });
    expect(a.groups.map((g) => g.key)).toEqual(["2025-01", "2025-02"]);
    expect(await get(ws, "?by=month")).toEqual(a);
    // A newer dataset: 1 promoter, 2 detractors: NPS = (1 − 2)/3 × 100 = −33.33…
    const second = await upload(ws, "kind=responses", "account_id,date,nps\nA,2025-03-05,10\nB,2025-03-06,0\nC,2025-03-07,6\n");
    const id2 = ((await second.json()) as { id: string }).id;
    const b = await get(ws, "?by=month");
    expect(b.datasetId).toBe(id2);
    expect(b.overall.nps.n).toBe(3);
    expect(b.overall.nps.score).toBeCloseTo(-100 / 3, 10);
    expect(b.groups.map((g) => g.key)).toEqual(["2025-03"]);
    // Deleting it brings the first one back.
    expect((await call(`/api/workspaces/${ws.id}/datasets/${id2}`, { method: "DELETE", token: ws.token })).status).toBe(204);
    expect(await get(ws, "?by=month")).toEqual(a);
  });
});
