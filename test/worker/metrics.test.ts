import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, createWorkspace, upload } from "./helpers";

type Interval = [number, number] | null;
type M = {
  nps: { score: number | null; promoters: number; passives: number; detractors: number; n: number; ci95: Interval };
  csat: { score: number | null; mean: number | null; n: number; ci95: Interval };
  ces: { mean: number | null; n: number; ci95: Interval };
};
type MetricsJson = {
  overall: M;
  groups: ({ key: string } & M)[];
  benchmarks: { npsIndustryAverages: Record<string, number>; csatBand: string | null };
};

/*
 * Independent computation, written here apart from models/survey/metrics.ts and worker/metrics:
 * plain loops over the rows and the textbook formulas (NPS variance as in docs/methods.md#nps,
 * Wilson 1927, Student t with quantiles from a 40-digit mpmath root of the t CDF).
 */
const Z = 1.959963984540054; // scipy.stats.norm.ppf(0.975)
const T975: Record<number, number> = { 9: 2.2621571627982055, 19: 2.0930240544083098, 39: 2.0226909200367611, 69999: 1.9599978751892464 };

function expectedNps(scores: number[]) {
  const n = scores.length;
  const p = scores.filter((s) => s >= 9).length / n;
  const d = scores.filter((s) => s <= 6).length / n;
  const score = 100 * (p - d);
  const se = 100 * Math.sqrt((p + d - (p - d) ** 2) / n);
  return { score, lo: score - Z * se, hi: score + Z * se };
}
function expectedCsat(scores: number[], scale: number) {
  const n = scores.length;
  const k = scores.filter((s) => s >= scale - 1).length;
  const ph = k / n;
  const denom = 1 + (Z * Z) / n;
  const centre = (ph + (Z * Z) / (2 * n)) / denom;
  const half = (Z / denom) * Math.sqrt((ph * (1 - ph)) / n + (Z * Z) / (4 * n * n));
  return { score: 100 * ph, mean: scores.reduce((a, b) => a + b, 0) / n, lo: 100 * (centre - half), hi: 100 * (centre + half) };
}
function expectedCes(scores: number[]) {
  const n = scores.length;
  const mean = scores.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const half = T975[n - 1] * (sd / Math.sqrt(n));
  return { mean, lo: mean - half, hi: mean + half };
}
const near = (a: number | null | undefined, b: number) => {
  expect(a).not.toBeNull();
  expect(Math.abs((a as number) - b)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(b)));
};

/** 40 responses, deterministic: scores cycle, 4 touchpoints, 2024-01 .. 2024-10 (4 per month). */
function book() {
  const tps = ["onboarding", "support", "billing", "renewal"];
  const rows = Array.from({ length: 40 }, (_, i) => ({
    account: `A${i % 8}`,
    date: `2024-${String(1 + Math.floor(i / 4)).padStart(2, "0")}-${String(1 + (i % 4) * 7).padStart(2, "0")}`,
    nps: (i * 7) % 11,
    csat: 1 + ((i * 3) % 5),
    ces: 1 + ((i * 5) % 7),
    tp: tps[i % 4],
  }));
  const accounts =
    "account_id,arr,segment\n" +
    Array.from({ length: 8 }, (_, k) => `A${k},${1000 * (k + 1)},${k < 4 ? "SMB" : "Enterprise"}`).join("\n") +
    "\n";
  const responses =
    "account_id,date,nps,csat,ces,touchpoint\n" +
    rows.map((r) => `${r.account},${r.date},${r.nps},${r.csat},${r.ces},${r.tp}`).join("\n") +
    "\n";
  return { rows, accounts, responses };
}

describe("metrics against an independent computation (to 1e-9)", () => {
  it("overall, by touchpoint, by quarter, by segment, with from/to, plus benchmarks and the join report", async () => {
    const ws = await createWorkspace();
    const b = book();
    expect((await upload(ws, "kind=accounts", b.accounts)).status).toBe(201);
    expect((await upload(ws, "kind=responses", b.responses + "ORPHAN,2024-05-05,10,5,1,support\n")).status).toBe(201);
    const all = [...b.rows, { account: "ORPHAN", date: "2024-05-05", nps: 10, csat: 5, ces: 1, tp: "support" }];

    const wsJson = (await (await call(`/api/workspaces/${ws.id}`, { token: ws.token })).json()) as { join: Record<string, number> };
    // By hand: 8 accounts, 41 responses, all 8 accounts answered, 1 orphan.
    expect(wsJson.join).toEqual({ accounts: 8, responses: 41, matchedAccounts: 8, orphanResponses: 1, accountsWithoutResponses: 0 });

    const res = await call(`/api/workspaces/${ws.id}/metrics?by=touchpoint`, { token: ws.token });
    expect(res.status).toBe(200);
    const m = (await res.json()) as MetricsJson;
    const check = (got: M, rows: typeof all) => {
      const nps = expectedNps(rows.map((r) => r.nps));
      near(got.nps.score, nps.score);
      near(got.nps.ci95![0], nps.lo);
      near(got.nps.ci95![1], nps.hi);
      expect(got.nps.n).toBe(rows.length);
      const csat = expectedCsat(
        rows.map((r) => r.csat),
        5,
      );
      near(got.csat.score, csat.score);
      near(got.csat.mean, csat.mean);
      near(got.csat.ci95![0], csat.lo);
      near(got.csat.ci95![1], csat.hi);
      const cesScores = rows.map((r) => r.ces);
      if (T975[rows.length - 1]) {
        const ces = expectedCes(cesScores);
        near(got.ces.mean, ces.mean);
        near(got.ces.ci95![0], ces.lo);
        near(got.ces.ci95![1], ces.hi);
      } else near(got.ces.mean, cesScores.reduce((a, c) => a + c, 0) / cesScores.length);
    };
    check(m.overall, all);
    expect(m.groups.map((g) => g.key)).toEqual(["billing", "onboarding", "renewal", "support"]);
    for (const g of m.groups)
      check(
        g,
        all.filter((r) => r.tp === g.key),
      );
    expect(m.benchmarks.npsIndustryAverages.software).toBe(34); // docs/methods.md#benchmarks

    const q = (await (await call(`/api/workspaces/${ws.id}/metrics?by=quarter`, { token: ws.token })).json()) as MetricsJson;
    expect(q.groups.map((g) => g.key)).toEqual(["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"]);
    const quarterOf = (d: string) => `2024-Q${Math.floor((Number(d.slice(5, 7)) - 1) / 3) + 1}`;
    for (const g of q.groups)
      check(
        g,
        all.filter((r) => quarterOf(r.date) === g.key),
      );

    const s = (await (await call(`/api/workspaces/${ws.id}/metrics?by=segment`, { token: ws.token })).json()) as MetricsJson;
    expect(s.groups.map((g) => g.key)).toEqual(["Enterprise", "SMB", "(none)"]);
    const seg = (a: string) => (a === "ORPHAN" ? "(none)" : Number(a.slice(1)) < 4 ? "SMB" : "Enterprise");
    for (const g of s.groups)
      check(
        g,
        all.filter((r) => seg(r.account) === g.key),
      );

    const f = (await (
      await call(`/api/workspaces/${ws.id}/metrics?by=month&from=2024-03-01&to=2024-05-31`, { token: ws.token })
    ).json()) as MetricsJson;
    const inRange = all.filter((r) => r.date >= "2024-03-01" && r.date <= "2024-05-31");
    expect(inRange.length).toBe(13);
    check(f.overall, inRange);
    expect(f.groups.map((g) => [g.key, g.nps.n])).toEqual([
      ["2024-03", 4],
      ["2024-04", 4],
      ["2024-05", 5],
    ]);

    expect((await call(`/api/workspaces/${ws.id}/metrics?by=week`, { token: ws.token })).status).toBe(400);
    expect((await call(`/api/workspaces/${ws.id}/metrics?from=2024-02-30`, { token: ws.token })).status).toBe(400);
  });

  it("combines blocks: 70,000 responses over two blocks match the one-pass computation", async () => {
    const ws = await createWorkspace();
    const n = 70000;
    const nps: number[] = [],
      csat: number[] = [],
      ces: number[] = [];
    let text = "account_id,nps,csat,ces\n";
    let x = 12345;
    for (let i = 0; i < n; i++) {
      x = (x * 1103515245 + 12345) % 2147483648; // a fixed LCG, only to spread the scores
      const a = x % 11,
        b = 1 + (x % 10),
        c = 1 + (x % 7);
      nps.push(a);
      csat.push(b);
      ces.push(c);
      text += `A${i % 500},${a},${b},${c}\n`;
    }
    const up = await upload(ws, "kind=responses&csatScale=10", text);
    expect(up.status).toBe(201);
    const blocks = await env.FILES.list({ prefix: `cols/${ws.id}/` });
    expect(blocks.objects.length).toBe(2); // 65,536 + 4,464 rows
    const m = (await (await call(`/api/workspaces/${ws.id}/metrics`, { token: ws.token })).json()) as MetricsJson;
    const e1 = expectedNps(nps);
    near(m.overall.nps.score, e1.score);
    near(m.overall.nps.ci95![0], e1.lo);
    const e2 = expectedCsat(csat, 10);
    near(m.overall.csat.score, e2.score);
    near(m.overall.csat.ci95![1], e2.hi);
    const e3 = expectedCes(ces);
    near(m.overall.ces.mean, e3.mean);
    near(m.overall.ces.ci95![0], e3.lo);
    near(m.overall.ces.ci95![1], e3.hi);
    expect(m.groups).toEqual([]);
  });

  it("answers an empty workspace with nulls, never NaN", async () => {
    const ws = await createWorkspace();
    const m = (await (await call(`/api/workspaces/${ws.id}/metrics?by=month`, { token: ws.token })).json()) as MetricsJson;
    expect(m.overall.nps).toEqual({ score: null, promoters: 0, passives: 0, detractors: 0, n: 0, ci95: null });
    expect(m.overall.csat.score).toBeNull();
    expect(m.benchmarks.csatBand).toBeNull();
  });
});
