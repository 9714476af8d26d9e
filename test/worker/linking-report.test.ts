import { beforeAll, describe, expect, it } from "vitest";
import { makeRng } from "../../models/numeric/rng";
import { csvCell } from "../../worker/render/csv";
import { call, createWorkspace, tokenFor } from "./helpers";
import { seedDataset } from "./linking-seed";

const json = (body: unknown) => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

/** A small book whose segment names are hostile text: formula starters and HTML. */
function hostileBook(n: number) {
  const rng = makeRng(3);
  const segs = ["=cmd|' /C calc'!A0", "@SUM(1+1)", "<script>alert(1)</script>", "+plain", "-minus", "Normal, with comma"];
  const ids: string[] = [],
    seg: string[] = [],
    arr = new Float64Array(n),
    renewed = new Float64Array(n),
    rid: string[] = [],
    nps: number[] = [];
  for (let i = 0; i < n; i++) {
    ids.push(`a${i}`);
    seg.push(segs[i % segs.length]);
    arr[i] = 1000 + 100 * i;
    const score = Math.floor(rng.uniform() * 11);
    rid.push(`a${i}`);
    nps.push(score);
    renewed[i] = rng.uniform() < 1 / (1 + Math.exp(-(-2 + 0.4 * score))) ? 1 : 0;
  }
  return { accounts: { account_id: ids, arr, renewed, segment: seg }, responses: { account_id: rid, nps: Float64Array.from(nps) } };
}

describe("report and accounts export", () => {
  let ws: { id: string; token: string };
  let viewer: string;
  let scenarioId: string;
  beforeAll(async () => {
    ws = await createWorkspace("Report <b>&</b> Co");
    viewer = await tokenFor(ws, "viewer");
    const b = hostileBook(600);
    await seedDataset(ws.id, "accounts", b.accounts);
    await seedDataset(ws.id, "responses", b.responses);
    const m = await (
      await call(`/api/workspaces/${ws.id}/models`, { ...json({ kind: "logistic", predictors: ["nps"] }), token: ws.token })
    ).json<{ id: string }>();
    const s = await call(`/api/workspaces/${ws.id}/scenarios`, {
      ...json({
        name: "<img src=x onerror=alert(1)> lift",
        modelId: m.id,
        change: { nps: 1 },
        segment: "<script>alert(1)</script>",
        grossMargin: 0.8,
        investment: 1000,
        draws: 100,
        save: true,
      }),
      token: ws.token,
    });
    expect(s.status).toBe(201);
    scenarioId = (await s.json<{ id: string }>()).id;
  });

  it("the report is one HTML page with print CSS, an SVG chart, and all user text escaped", async () => {
    const res = await call(`/api/workspaces/${ws.id}/report?scenario=${scenarioId}`, { token: viewer });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toContain("@media print");
    expect(html).toContain("<svg");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt; lift");
    expect(html).not.toContain("<img src=x");
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).toContain("Report &lt;b&gt;&amp;&lt;/b&gt; Co");
    expect(html).toMatch(/Revenue gain/);
  });

  it("the report of an unknown scenario is 404; without a scenario 400", async () => {
    expect((await call(`/api/workspaces/${ws.id}/report?scenario=s_nope`, { token: viewer })).status).toBe(404);
    expect((await call(`/api/workspaces/${ws.id}/report`, { token: viewer })).status).toBe(400);
  });

  it("accounts.csv: features, p, p_scenario; formula-like cells neutralised", async () => {
    const res = await call(`/api/workspaces/${ws.id}/export/accounts.csv?scenario=${scenarioId}`, { token: viewer });
    expect(res.status).toBe(200);
    const text = await res.text();
    const lines = text.trim().split("\r\n");
    expect(lines[0]).toBe("account_id,segment,arr,nps,renewed,p,nps_scenario,changed,p_scenario");
    expect(lines).toHaveLength(601);
    expect(text).toContain(",'=cmd|' /C calc'!A0,");
    expect(text).toContain(",'@SUM(1+1),");
    expect(text).toContain(",'+plain,");
    expect(text).toContain(",'-minus,");
    expect(text).toContain(`,"Normal, with comma",`);
    // No cell of the file starts with a formula character.
    for (const line of lines.slice(1)) {
      const seg = line.split(",")[1];
      expect(seg).not.toMatch(/^[=+\-@]/);
    }
    // Only the chosen segment changes.
    const changed = lines
      .slice(1)
      .filter((l) => l.includes("<script>"))
      .every((l) => l.split(",").at(-2) === "1");
    expect(changed).toBe(true);
  });

  it("accounts.csv of a model with segment as a predictor lists segment once", async () => {
    const m = await (
      await call(`/api/workspaces/${ws.id}/models`, { ...json({ kind: "logistic", predictors: ["nps", "segment"] }), token: ws.token })
    ).json<{ id: string }>();
    const res = await call(`/api/workspaces/${ws.id}/export/accounts.csv?model=${m.id}`, { token: viewer });
    expect((await res.text()).split("\r\n")[0]).toBe("account_id,segment,arr,nps,renewed,p");
  });

  it("csvCell neutralises formula starters and quotes as RFC 4180", () => {
    expect(csvCell("=1+1")).toBe("'=1+1");
    expect(csvCell('a"b')).toBe('"a""b"');
    expect(csvCell(-3)).toBe("-3");
    expect(csvCell(NaN)).toBe("");
  });
});
