import { describe, expect, it } from "vitest";
import { call, createWorkspace, type ErrorJson, upload } from "./helpers";

type M = {
  nps: { score: number | null; promoters: number; passives: number; detractors: number; n: number; ci95: [number, number] | null };
  csat: { score: number | null; n: number; ci95: [number, number] | null };
};
type MetricsJson = { overall: M; groups: ({ key: string } & M)[]; benchmarks: { npsSurveyType: string; note: string } };

const Z = 1.959963984540054; // scipy.stats.norm.ppf(0.975)
/** NPS interval by hand from the counts (docs/methods.md#nps): score ± z · 100 · √((p + d − (p − d)²)/n). */
const npsCi = (p: number, d: number, n: number): [number, number] => {
  const s = 100 * ((p - d) / n);
  const se = 100 * Math.sqrt((p / n + d / n - ((p - d) / n) ** 2) / n);
  return [s - Z * se, s + Z * se];
};
const near = (a: number | null | undefined, b: number) => expect(Math.abs((a as number) - b)).toBeLessThanOrEqual(1e-9);

/*
 * 12 responses: 6 relationship (spelled relationship / rNPS / Relationship / r), 5 transactional (transactional /
 * tNPS / T), 1 with a blank type (unspecified: no upload default). Counted by hand (NPS: promoter 9-10, passive 7-8,
 * detractor 0-6; CSAT positive = 4 or 5 on 1-5):
 *   relationship  NPS 10 9 8 6 3 10 → P 3, Pa 1, D 2, n 6 → +16.67;  CSAT 5 4 3 2 1 5 → 3 of 6 positive = 50%
 *   transactional NPS 4 7 9 2 5     → P 1, Pa 1, D 3, n 5 → −40;     CSAT 2 3 5 1 4   → 2 of 5 positive = 40%
 *   unspecified   NPS 9             → P 1;                           CSAT 5            → 1 of 1
 *   pooled (all 12)                 → P 5, Pa 2, D 5, n 12 → 0;      CSAT 6 of 12 positive = 50%
 * (the pooled NPS 0 is not the mean of the two types' NPS, −11.67: the overall figure is a pooled count).
 */
const MIXED =
  "account_id,date,nps,csat,touchpoint,Survey Type\n" +
  "A1,2025-01-10,10,5,,relationship\n" +
  "A2,2025-01-12,9,4,,rNPS\n" +
  "A3,2025-02-01,8,3,,Relationship\n" +
  "A4,2025-02-03,6,2,,relationship\n" +
  "A1,2025-04-01,3,1,,r\n" +
  "A2,2025-04-02,10,5,,relationship\n" +
  "A1,2025-01-15,4,2,support,transactional\n" +
  "A2,2025-02-15,7,3,support,tNPS\n" +
  "A3,2025-03-15,9,5,onboarding,T\n" +
  "A4,2025-03-16,2,1,support,transactional\n" +
  "A1,2025-05-01,5,4,onboarding,transactional\n" +
  "A3,2025-05-02,9,5,support,\n";

const get = async (ws: { id: string; token: string }, q: string) => {
  const res = await call(`/api/workspaces/${ws.id}/metrics?${q}`, { token: ws.token });
  expect(res.status).toBe(200);
  return (await res.json()) as MetricsJson;
};

describe("survey type: intake, metrics by survey type", () => {
  it("per-type NPS, CSAT and counts equal the hand count; the overall figure is the pooled count", async () => {
    const ws = await createWorkspace();
    const up = await upload(ws, "kind=responses", MIXED);
    expect(up.status).toBe(201);
    const d = (await up.json()) as { columns: { name: string; type: string; source: string }[]; options: Record<string, unknown> };
    expect(d.columns.find((c) => c.name === "survey_type")).toEqual({ name: "survey_type", type: "survey type", source: "Survey Type" });
    expect(d.options.surveyTypes).toEqual({ relationship: 6, transactional: 5, unspecified: 1 });

    const m = await get(ws, "by=surveyType");
    expect(m.groups.map((g) => g.key)).toEqual(["relationship", "transactional", "(none)"]);
    const [rel, tr, none] = m.groups;
    expect([rel.nps.promoters, rel.nps.passives, rel.nps.detractors, rel.nps.n]).toEqual([3, 1, 2, 6]);
    near(rel.nps.score, 100 / 6);
    near(rel.nps.ci95![0], npsCi(3, 2, 6)[0]);
    near(rel.nps.ci95![1], npsCi(3, 2, 6)[1]);
    expect(rel.csat.n).toBe(6);
    near(rel.csat.score, 50);
    expect([tr.nps.promoters, tr.nps.passives, tr.nps.detractors, tr.nps.n]).toEqual([1, 1, 3, 5]);
    near(tr.nps.score, -40);
    near(tr.nps.ci95![1], npsCi(1, 3, 5)[1]);
    near(tr.csat.score, 40);
    expect(none.nps.n).toBe(1);
    expect([m.overall.nps.promoters, m.overall.nps.passives, m.overall.nps.detractors, m.overall.nps.n]).toEqual([5, 2, 5, 12]);
    near(m.overall.nps.score, 0);
    near(m.overall.csat.score, 50);
    expect(m.overall.csat.n).toBe(12);
    expect(m.benchmarks.npsSurveyType).toBe("relationship");

    // The surveyType filter: from the rollup (touchpoint) and from the scan (segment needs the accounts join).
    const t = await get(ws, "by=touchpoint&surveyType=transactional");
    near(t.overall.nps.score, -40);
    // support: NPS 4 7 2 → P 0, D 2, n 3 → −66.67; onboarding: 9 5 → P 1, D 1 → 0 (the blank-type support row is left out).
    expect(t.groups.map((g) => [g.key, g.nps.n])).toEqual([
      ["onboarding", 2],
      ["support", 3],
    ]);
    near(t.groups[1].nps.score, -200 / 3);
    expect((await upload(ws, "kind=accounts", "account_id,arr,segment\nA1,10,SMB\nA2,20,SMB\nA3,30,Ent\nA4,40,Ent\n")).status).toBe(201);
    const s = await get(ws, "by=segment&surveyType=relationship");
    // relationship by segment: SMB = A1, A2 → NPS 10 9 3 10 (P 3, D 1, n 4 → +50); Ent = A3, A4 → 8 6 (D 1, n 2 → −50).
    expect(s.groups.map((g) => [g.key, g.nps.n])).toEqual([
      ["Ent", 2],
      ["SMB", 4],
    ]);
    near(s.groups[0].nps.score, -50);
    near(s.groups[1].nps.score, 50);
    near(s.overall.nps.score, 100 / 6);
  });

  it("a file without the column takes the upload's surveyType (shown in the dry run); blanks take it too, with a warning", async () => {
    const ws = await createWorkspace();
    const plain = "account_id,nps\nA1,10\nA2,3\nA3,8\n";
    const dry = await upload(ws, "kind=responses&dryRun=true&surveyType=transactional", plain);
    expect(dry.status).toBe(200);
    const p = (await dry.json()) as { options: Record<string, unknown>; columns: { name: string; source: string | null }[] };
    expect(p.options.surveyType).toBe("transactional");
    expect(p.options.surveyTypes).toEqual({ relationship: 0, transactional: 3, unspecified: 0 });
    expect(p.columns.find((c) => c.name === "survey_type")).toEqual({ name: "survey_type", type: "survey type", source: null });
    expect((await upload(ws, "kind=responses&surveyType=transactional", plain)).status).toBe(201);
    const m = await get(ws, "by=surveyType");
    expect(m.groups.map((g) => [g.key, g.nps.n])).toEqual([["transactional", 3]]);

    const withBlank = await upload(ws, "kind=responses&surveyType=relationship", "account_id,nps,type\nA1,10,tnps\nA2,3,\n");
    expect(withBlank.status).toBe(201);
    const w = (await withBlank.json()) as { warnings: string[]; options: Record<string, unknown> };
    expect(w.options.surveyTypes).toEqual({ relationship: 1, transactional: 1, unspecified: 0 });
    expect(w.warnings.some((x) => x.includes("1 blank cell(s) took the upload's survey type relationship"))).toBe(true);

    // Without a column or a default: unspecified, counted in the overall figures only.
    const ws2 = await createWorkspace();
    const old = await upload(ws2, "kind=responses", plain);
    expect(((await old.json()) as { options: Record<string, unknown> }).options.surveyTypes).toEqual({
      relationship: 0,
      transactional: 0,
      unspecified: 3,
    });
    const m2 = await get(ws2, "by=surveyType");
    expect(m2.groups.map((g) => [g.key, g.nps.n])).toEqual([["(none)", 3]]);
    expect(m2.overall.nps.n).toBe(3);
  });

  it("an unknown survey type is a 422 naming row and column; surveyType on another kind is a 400", async () => {
    const ws = await createWorkspace();
    const res = await upload(ws, "kind=responses", "account_id,nps,program\nA1,10,relationship\nA2,3,quarterly pulse\n");
    expect(res.status).toBe(422);
    const e = (await res.json()) as ErrorJson;
    expect(e.error.code).toBe("invalid_file");
    expect(e.error.details).toEqual([
      {
        row: 3,
        column: "survey_type",
        message: '"quarterly pulse" is not a survey type (use relationship or transactional; rNPS / tNPS are read too) (header "program")',
      },
    ]);
    const bad = await upload(ws, "kind=responses&surveyType=annual", "account_id,nps\nA1,10\n");
    expect(bad.status).toBe(400);
    const acc = await upload(ws, "kind=accounts&surveyType=relationship", "account_id,arr\nA1,10\n");
    expect(acc.status).toBe(400);
    expect(((await acc.json()) as ErrorJson).error.details[0].column).toBe("surveyType");
  });
});

type Model = { surveyType: string; nObs: number; coefficients: { term: string; estimate: number; stdError: number }[] };
const post = (ws: { id: string; token: string }, path: string, body: unknown) =>
  call(`/api/workspaces/${ws.id}/${path}`, {
    method: "POST",
    token: ws.token,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

/**
 * 120 accounts, renewal drawn from a logistic in the account's relationship NPS (a fixed LCG, only to spread values);
 * each account has one relationship response (touchpoint "annual survey") and two transactional ones (support,
 * onboarding) whose scores are unrelated to renewal.
 */
function mixedBook() {
  let x = 20261205;
  const u = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
  let accounts = "account_id,arr,renewed\n";
  const rel: string[] = [];
  const tr: string[] = [];
  for (let i = 0; i < 120; i++) {
    const nps = Math.floor(u() * 11);
    const renewed = u() < 1 / (1 + Math.exp(-(-2 + 0.45 * nps))) ? 1 : 0;
    accounts += `A${i},${1000 + 10 * i},${renewed}\n`;
    rel.push(`A${i},${nps},${1 + Math.floor(u() * 5)},annual survey,relationship`);
    for (const tp of ["support", "onboarding"]) tr.push(`A${i},${Math.floor(u() * 11)},${1 + Math.floor(u() * 5)},${tp},transactional`);
  }
  const head = "account_id,nps,csat,touchpoint,survey_type\n";
  // Interleaved as an export would be: each relationship row among the transactional ones.
  const mixed = rel.flatMap((r, i) => [tr[2 * i], r, tr[2 * i + 1]]);
  return {
    accounts,
    mixed: head + mixed.join("\n") + "\n",
    relOnly: head + rel.join("\n") + "\n",
    transactional: tr.length,
    relScores: rel.map((r) => Number(r.split(",")[1])),
  };
}

describe("survey type: models and drivers", () => {
  it("a model fitted with surveyType relationship equals the fit on a file of only the relationship responses (1e-9)", async () => {
    const b = mixedBook();
    const mixed = await createWorkspace();
    const only = await createWorkspace();
    for (const [ws, responses] of [
      [mixed, b.mixed],
      [only, b.relOnly],
    ] as const) {
      expect((await upload(ws, "kind=accounts", b.accounts)).status).toBe(201);
      expect((await upload(ws, "kind=responses", responses)).status).toBe(201);
    }
    const spec = { kind: "logistic", outcome: "renewed", predictors: ["nps", "csat"] };
    const fit = async (ws: typeof mixed, extra: object) => {
      const r = await post(ws, "models", { ...spec, ...extra });
      expect(r.status).toBe(201);
      return (await r.json()) as Model;
    };
    const a = await fit(mixed, { surveyType: "relationship" });
    const ref = await fit(only, {});
    expect(a.surveyType).toBe("relationship");
    expect(a.nObs).toBe(120);
    expect(ref.nObs).toBe(120);
    for (let k = 0; k < ref.coefficients.length; k++) {
      expect(a.coefficients[k].term).toBe(ref.coefficients[k].term);
      expect(Math.abs(a.coefficients[k].estimate - ref.coefficients[k].estimate)).toBeLessThanOrEqual(1e-9);
      expect(Math.abs(a.coefficients[k].stdError - ref.coefficients[k].stdError)).toBeLessThanOrEqual(1e-9);
    }
    // The default is relationship when the responses have some, and says so.
    const dflt = await fit(mixed, {});
    expect(dflt.surveyType).toBe("relationship");
    expect(dflt.coefficients.map((c) => c.estimate)).toEqual(a.coefficients.map((c) => c.estimate));
    // all pools the transactional answers into the account means: a different fit (this test can fail).
    const all = await fit(mixed, { surveyType: "all" });
    expect(all.surveyType).toBe("all");
    expect(Math.abs(all.coefficients[1].estimate - a.coefficients[1].estimate)).toBeGreaterThan(1e-3);
    // A file that does not say the survey type (as those stored before survey types): the default is all,
    // and the same responses give the same fit.
    expect(ref.surveyType).toBe("relationship"); // the relationship-only file says relationship
    const noType = await createWorkspace();
    expect((await upload(noType, "kind=accounts", b.accounts)).status).toBe(201);
    const untyped = b.relOnly.replace(/,survey_type\n/, "\n").replace(/,relationship\n/g, "\n");
    expect((await upload(noType, "kind=responses", untyped)).status).toBe(201);
    const n = await fit(noType, {});
    expect(n.surveyType).toBe("all");
    for (let k = 0; k < ref.coefficients.length; k++) {
      expect(Math.abs(n.coefficients[k].estimate - ref.coefficients[k].estimate)).toBeLessThanOrEqual(1e-9);
    }
  });

  it("drivers use transactional responses by default; surveyType all adds the relationship touchpoint", async () => {
    const b = mixedBook();
    const ws = await createWorkspace();
    expect((await upload(ws, "kind=accounts", b.accounts)).status).toBe(201);
    expect((await upload(ws, "kind=responses", b.mixed)).status).toBe(201);
    const r = await post(ws, "drivers", { metric: "nps" });
    expect(r.status).toBe(200);
    const d = (await r.json()) as { surveyType: string; touchpoints: { touchpoint: string }[]; totals: { responsesUsed: number } };
    expect(d.surveyType).toBe("transactional");
    expect(d.touchpoints.map((t) => t.touchpoint).sort()).toEqual(["onboarding", "support"]);
    expect(d.totals.responsesUsed).toBe(b.transactional); // 240 = 120 accounts × 2 transactional responses
    const all = (await (await post(ws, "drivers", { metric: "nps", surveyType: "all" })).json()) as typeof d;
    expect(all.surveyType).toBe("all");
    expect(all.touchpoints.map((t) => t.touchpoint).sort()).toEqual(["annual survey", "onboarding", "support"]);
    expect(all.totals.responsesUsed).toBe(360);
  });

  it("segments group accounts on their relationship answers by default, and say so", async () => {
    const b = mixedBook();
    const ws = await createWorkspace();
    expect((await upload(ws, "kind=accounts", b.accounts)).status).toBe(201);
    expect((await upload(ws, "kind=responses", b.mixed)).status).toBe(201);
    const r = await call(`/api/workspaces/${ws.id}/segments?by=nps&tiers=1`, { token: ws.token });
    expect(r.status).toBe(200);
    const d = (await r.json()) as { surveyType: string; byGroup: { group: string; accounts: number }[] };
    expect(d.surveyType).toBe("relationship");
    // Each account has one relationship answer, so its group is that answer's: counted here from the generated scores.
    const count = (f: (v: number) => boolean) => b.relScores.filter(f).length;
    expect(d.byGroup.map((g) => [g.group, g.accounts])).toEqual([
      ["promoter", count((v) => v >= 9)],
      ["passive", count((v) => v >= 7 && v < 9)],
      ["detractor", count((v) => v < 7)],
    ]);
  });
});

describe("survey type: chunked uploads", () => {
  it("take surveyType for responses (stored with the upload, applied by the parse job) and refuse it for accounts", async () => {
    const ws = await createWorkspace();
    const start = (body: object) =>
      call(`/api/workspaces/${ws.id}/uploads`, {
        method: "POST",
        token: ws.token,
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    expect((await start({ kind: "accounts", surveyType: "relationship", totalBytes: 10 })).status).toBe(400);
    const bytes = new TextEncoder().encode("account_id,nps\nA1,9\nA2,4\n");
    const s = await start({ kind: "responses", surveyType: "transactional", totalBytes: bytes.byteLength, contentType: "text/csv" });
    expect(s.status).toBe(201);
    const id = ((await s.json()) as { uploadId: string }).uploadId;
    const put = await call(`/api/workspaces/${ws.id}/uploads/${id}/parts/1`, {
      method: "PUT",
      token: ws.token,
      headers: { "content-type": "application/octet-stream", "content-length": String(bytes.byteLength) },
      body: bytes,
    });
    expect(put.status).toBe(200);
    const done = await call(`/api/workspaces/${ws.id}/uploads/${id}/complete`, { method: "POST", token: ws.token });
    expect(done.status).toBe(202);
    const datasetId = ((await done.json()) as { datasetId: string }).datasetId;
    let meta: { status: string; options: Record<string, unknown> } | null = null;
    for (let t = 0; t < 200; t++) {
      meta = (await (await call(`/api/workspaces/${ws.id}/datasets/${datasetId}`, { token: ws.token })).json()) as typeof meta;
      if (meta!.status !== "processing") break;
      await new Promise((res) => setTimeout(res, 100));
    }
    expect(meta!.status).toBe("ready");
    expect(meta!.options.surveyType).toBe("transactional");
    expect(meta!.options.surveyTypes).toEqual({ relationship: 0, transactional: 2, unspecified: 0 });
  });
});
