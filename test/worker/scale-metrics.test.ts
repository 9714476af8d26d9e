import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { loadJoinedAccounts } from "../../worker/data/join";
import { call, createWorkspace, upload } from "./helpers";

/**
 * Metrics from the rollup stored at ingest, and the join by blocks, over 150,000
 * responses (3 blocks). Expected values are tallied here, row by row, while the rows are generated:
 * counts and sums, and the textbook NPS interval (docs/methods.md#nps: var(NPS/100) = (p + d − (p − d)²)/n).
 */

const Z = 1.959963984540054; // scipy.stats.norm.ppf(0.975)
const N = 150_000;
const TPS = ["onboarding", "support", "billing", "renewal"];

function rows() {
  const out: { acct: string; day: string; month: string; nps: number; csat: number; ces: number; tp: string | null }[] = [];
  for (let i = 0; i < N; i++) {
    const m = 1 + (i % 12);
    const d = 1 + ((i * 13) % 28);
    out.push({
      acct: i % 10 === 0 ? `ORPHAN${i}` : `A${i % 3000}`,
      month: `2025-${String(m).padStart(2, "0")}`,
      day: `2025-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`,
      nps: (i * 7) % 11,
      csat: 1 + ((i * 3) % 5),
      ces: 1 + ((i * 5) % 7),
      tp: i % 5 === 4 ? null : TPS[i % 4],
    });
  }
  return out;
}

type Nps = { promoters: number; passives: number; detractors: number; n: number; score: number; ci95: [number, number] };
const tally = (scores: number[]) => {
  const p = scores.filter((s) => s >= 9).length,
    d = scores.filter((s) => s <= 6).length,
    n = scores.length;
  const score = (100 * (p - d)) / n;
  const se = 100 * Math.sqrt((p / n + d / n - ((p - d) / n) ** 2) / n);
  return { promoters: p, passives: n - p - d, detractors: d, n, score, lo: score - Z * se, hi: score + Z * se };
};
const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(b)));
function same(got: Nps, want: ReturnType<typeof tally>) {
  expect([got.promoters, got.passives, got.detractors, got.n]).toEqual([want.promoters, want.passives, want.detractors, want.n]);
  close(got.score, want.score);
  close(got.ci95[0], want.lo);
  close(got.ci95[1], want.hi);
}

describe("metrics and join over blocks", () => {
  const data = rows();
  const csv = [
    "account_id,date,nps,csat,ces,touchpoint",
    ...data.map((r) => `${r.acct},${r.day},${r.nps},${r.csat},${r.ces},${r.tp ?? ""}`),
  ].join("\n");
  let ws: { id: string; token: string };

  it("stores a rollup at ingest, and GET metrics by month / touchpoint / from-to equals the row-by-row tally", async () => {
    ws = await createWorkspace("rollup");
    const res = await upload(ws, "kind=responses", csv);
    const { id } = (await res.json()) as { id: string };
    expect(res.status).toBe(201);
    expect(await env.FILES.head(`agg/${ws.id}/${id}.json`)).not.toBeNull();
    const get = async (q: string) =>
      (await (await call(`/api/workspaces/${ws.id}/metrics${q}`, { token: ws.token })).json()) as {
        overall: { nps: Nps; csat: { n: number; mean: number }; ces: { n: number; mean: number } };
        groups: { key: string; nps: Nps }[];
      };
    const all = await get("");
    same(all.overall.nps, tally(data.map((r) => r.nps)));
    close(all.overall.csat.mean, data.reduce((s, r) => s + r.csat, 0) / N);
    close(all.overall.ces.mean, data.reduce((s, r) => s + r.ces, 0) / N);
    const byMonth = await get("?by=month");
    expect(byMonth.groups.map((g) => g.key)).toEqual(Array.from({ length: 12 }, (_, m) => `2025-${String(m + 1).padStart(2, "0")}`));
    for (const g of byMonth.groups) same(g.nps, tally(data.filter((r) => r.month === g.key).map((r) => r.nps)));
    const byTp = await get("?by=touchpoint");
    expect(byTp.groups.map((g) => g.key)).toEqual(["billing", "onboarding", "renewal", "support", "(none)"]);
    for (const g of byTp.groups) same(g.nps, tally(data.filter((r) => (r.tp ?? "(none)") === g.key).map((r) => r.nps)));
    // Served from the rollup alone: with the column blocks gone (never done to a real dataset), the answers stand.
    const blocks = await env.FILES.list({ prefix: `cols/${ws.id}/${id}/` });
    await env.FILES.delete(blocks.objects.map((o) => o.key));
    const window = await get("?from=2025-03-10&to=2025-05-20&by=quarter");
    const inWindow = data.filter((r) => r.day >= "2025-03-10" && r.day <= "2025-05-20");
    same(window.overall.nps, tally(inWindow.map((r) => r.nps)));
    for (const g of window.groups) {
      const q = (r: (typeof data)[number]) => `2025-Q${Math.floor((Number(r.month.slice(5)) - 1) / 3) + 1}`;
      same(g.nps, tally(inWindow.filter((r) => q(r) === g.key).map((r) => r.nps)));
    }
  });

  it("joins 3,000 accounts with the 150,000 responses from the per-account rollup and from the blocks: means, counts and the report equal a row loop", async () => {
    expect((await upload(ws, "kind=responses", csv)).status).toBe(201); // whole again (the first one lost its blocks)
    const acc = ["account_id,arr,renewed", ...Array.from({ length: 3000 }, (_, i) => `A${i},${1000 + i},${i % 2}`)].join("\n");
    expect((await upload(ws, "kind=accounts", acc)).status).toBe(201);
    const j = await loadJoinedAccounts(env, ws.id);
    const sum = new Float64Array(3000),
      cnt = new Float64Array(3000);
    let orphans = 0;
    for (const r of data) {
      if (r.acct.startsWith("ORPHAN")) {
        orphans++;
        continue;
      }
      const k = Number(r.acct.slice(1));
      sum[k] += r.nps;
      cnt[k]++;
    }
    for (let k = 0; k < 3000; k++) {
      expect(j.numeric.responses[k]).toBe(cnt[k]);
      expect(j.numeric.nps[k]).toBe(sum[k] / cnt[k]);
    }
    // The same join read from the blocks (the per-account rollup removed): identical.
    const respId = j.datasets.responses!;
    expect(await env.FILES.head(`acct/${ws.id}/${respId}.bin`)).not.toBeNull();
    await env.FILES.delete(`acct/${ws.id}/${respId}.bin`);
    const fromBlocks = await loadJoinedAccounts(env, ws.id);
    for (const k of ["nps", "csat", "ces", "responses"]) expect(Array.from(fromBlocks.numeric[k])).toEqual(Array.from(j.numeric[k]));
    expect(fromBlocks.report).toEqual(j.report);
    const matched = cnt.filter((c) => c > 0).length; // 2,700: accounts A0, A10, … only get the orphan rows' turns
    expect(j.report).toEqual({
      accounts: 3000,
      responses: N,
      matchedAccounts: matched,
      orphanResponses: orphans,
      accountsWithoutResponses: 3000 - matched,
    });
  });
});
