import { beforeAll, describe, expect, it } from "vitest";
import { syntheticBook } from "../../scripts/synthetic-book.mjs";
import { call, createWorkspace, upload } from "./helpers";

/**
 * Levers in business units on the demo book (scripts/synthetic-book.mjs, 2,000 accounts, seed 42). Every expected
 * value is computed here, independently of models/: the NPS of the responses by counting promoters and
 * detractors of the raw rows, the shifted NPS by moving each raw answer, and the revenue gain by a logistic
 * written out in this file on account means computed from the raw rows with the model's coefficients.
 */
const book = syntheticBook({ accounts: 2000, seed: 42 });
const json = (body: unknown) => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

type Scenario = {
  scores: { nps?: { before: number; after: number }; csat?: { before: number; after: number } };
  levers: { shift: { nps?: number; csat?: number }; meanAnswerChange: { nps?: number; csat?: number }; explained: string[] };
  warnings: { code: string; message: string }[];
  revenueGain: number;
  scenario: { renewalRate: number };
};

/** NPS of raw answers, each moved by s (⌊s⌋ for all, one more point for a share s − ⌊s⌋), capped at 0-10. */
function npsShifted(answers: number[], s: number): number {
  const k = Math.floor(s);
  const r = s - k;
  const cls = (v: number) => (Math.min(10, Math.max(0, v)) >= 9 ? 1 : Math.min(10, Math.max(0, v)) <= 6 ? -1 : 0);
  let acc = 0;
  for (const a of answers) acc += (1 - r) * cls(a + k) + r * cls(a + k + 1);
  return (100 * acc) / answers.length;
}

describe("scenario levers in business units (demo book)", () => {
  let ws: { id: string; token: string };
  let model: {
    id: string;
    coefficients: { term: string; estimate: number }[];
    translation: {
      predictor: string;
      sentence: string;
      renewalPp: number;
      perScorePoint?: { answerPoints: number; renewalPp: number; sentence: string };
    }[];
  };
  beforeAll(async () => {
    ws = await createWorkspace("levers");
    expect((await upload(ws, "kind=accounts", book.accountsCsv)).status).toBe(201);
    expect((await upload(ws, "kind=responses", book.responsesCsv)).status).toBe(201);
    const res = await call(`/api/workspaces/${ws.id}/models`, {
      ...json({ kind: "logistic", outcome: "renewed", predictors: ["nps", "csat", "log_arr", "segment"] }),
      token: ws.token,
    });
    expect(res.status).toBe(201);
    model = await res.json();
  });

  it("+10 NPS score points: NPS 9.5 → 19.5, the equivalent per-answer shift, and the revenue gain of that shift", async () => {
    const res = await call(`/api/workspaces/${ws.id}/scenarios`, {
      ...json({
        modelId: model.id,
        change: { npsScore: 10 },
        horizonYears: 3,
        annualDiscountRate: 0,
        grossMargin: 0.8,
        investment: 500000,
        draws: 0,
      }),
      token: ws.token,
    });
    expect(res.status).toBe(200);
    const s = await res.json<Scenario>();
    // Independent: the responses of accounts in the book (every account with responses has nps, csat, arr, segment).
    const accIds = new Set(book.accounts.map((a) => a.account_id));
    const answers = book.responses.filter((r) => accIds.has(r.account_id)).map((r) => r.nps);
    const before = npsShifted(answers, 0);
    expect(before).toBeCloseTo(9.537, 3);
    expect(s.scores.nps!.before).toBeCloseTo(before, 9);
    expect(Math.abs(s.scores.nps!.after - 19.5)).toBeLessThan(0.5);
    const shift = s.levers.shift.nps!;
    expect(shift).toBeGreaterThan(0.1);
    expect(shift).toBeLessThan(1);
    // The shift the server applied reproduces the target NPS on the raw answers.
    expect(npsShifted(answers, shift)).toBeCloseTo(before + 10, 4);
    expect(s.levers.explained.join(" ")).toMatch(/NPS \+10\.0 score points: every 0-10 answer moves \+0\.\d\d points/);

    // Revenue gain from the coefficients on account means, shifted by `shift` capped at 10 (3 years, no discount).
    const b = Object.fromEntries(model.coefficients.map((c) => [c.term, c.estimate]));
    const sums = new Map<string, { n: number; nps: number; csat: number }>();
    for (const r of book.responses) {
      const t = sums.get(r.account_id) ?? { n: 0, nps: 0, csat: 0 };
      t.n++;
      t.nps += r.nps;
      t.csat += r.csat;
      sums.set(r.account_id, t);
    }
    let gain = 0;
    for (const a of book.accounts) {
      const t = sums.get(a.account_id);
      if (!t) continue;
      const mn = t.nps / t.n;
      const eta = (x: number) =>
        b.Intercept + b.nps * x + b.csat * (t.csat / t.n) + b.log_arr * Math.log(a.arr) + (b[`segment[T.${a.segment}]`] ?? 0);
      const p = 1 / (1 + Math.exp(-eta(mn)));
      const p2 = 1 / (1 + Math.exp(-eta(Math.max(mn, Math.min(10, mn + shift)))));
      gain += a.arr * (p2 - p + p2 * p2 - p * p);
    }
    expect(s.revenueGain).toBeCloseTo(gain, 4);
  });

  it("the model's translation gives the value per answer point and per NPS score point, each naming its unit", async () => {
    const t = model.translation.find((x) => x.predictor === "nps")!;
    expect(t.sentence).toMatch(/^Each \+1 NPS answer point \(on the 0-10 scale of each answer\)/);
    const accIds = new Set(book.accounts.map((a) => a.account_id));
    const answers = book.responses.filter((r) => accIds.has(r.account_id)).map((r) => r.nps);
    // The step is the shift of every raw answer that adds exactly 1 NPS score point (counted here).
    expect(npsShifted(answers, t.perScorePoint!.answerPoints)).toBeCloseTo(npsShifted(answers, 0) + 1, 6);
    expect(t.perScorePoint!.sentence).toMatch(/^Each \+1 NPS score point \(on −100\.\.100; about \+0\.0\d\d points on every answer\)/);
    // A score point is a small fraction of an answer point (about 1/30 on this book).
    expect(t.perScorePoint!.renewalPp / t.renewalPp).toBeGreaterThan(0.01);
    expect(t.perScorePoint!.renewalPp / t.renewalPp).toBeLessThan(0.1);
  });

  it("shares of detractors to passives: the NPS after is counted from the raw answers; per-answer mean shift stated", async () => {
    const res = await call(`/api/workspaces/${ws.id}/scenarios`, {
      ...json({ modelId: model.id, change: { detractorsToPassives: 0.2 }, draws: 0 }),
      token: ws.token,
    });
    expect(res.status).toBe(200);
    const s = await res.json<Scenario>();
    const accIds = new Set(book.accounts.map((a) => a.account_id));
    const answers = book.responses.filter((r) => accIds.has(r.account_id)).map((r) => r.nps);
    const det = answers.filter((a) => a <= 6);
    const pro = answers.filter((a) => a >= 9).length;
    expect(s.scores.nps!.after).toBeCloseTo((100 * (pro - 0.8 * det.length)) / answers.length, 9);
    expect(s.levers.meanAnswerChange.nps).toBeCloseTo((0.2 * det.reduce((acc, a) => acc + (7 - a), 0)) / answers.length, 9);
    expect(s.revenueGain).toBeGreaterThan(0);
  });

  it("CSAT in pp of satisfied answers; a change past the spread between segments and quarters is flagged", async () => {
    const res = await call(`/api/workspaces/${ws.id}/scenarios`, {
      ...json({ modelId: model.id, change: { csatPp: 4, npsScore: 60 }, draws: 0 }),
      token: ws.token,
    });
    expect(res.status).toBe(200);
    const s = await res.json<Scenario>();
    const accIds = new Set(book.accounts.map((a) => a.account_id));
    const cs = book.responses.filter((r) => accIds.has(r.account_id)).map((r) => r.csat);
    const sat = (100 * cs.filter((c) => c >= 4).length) / cs.length;
    expect(s.scores.csat!.before).toBeCloseTo(sat, 9);
    expect(s.scores.csat!.after).toBeCloseTo(sat + 4, 6);
    // +60 NPS points is far past any segment's or quarter's gap on this book (segments differ by a few points).
    expect(s.warnings.map((w) => w.code)).toContain("nps_beyond_observed");
    expect(s.warnings.find((w) => w.code === "nps_beyond_observed")!.message).toMatch(/larger than any difference seen in your data/);
    expect(s.warnings.map((w) => w.code)).not.toContain("csat_beyond_observed");
  });

  it("two NPS levers at once, a share over 1 and an unreachable score are 422s naming the change", async () => {
    const bad = [{ nps: 1, npsScore: 5 }, { detractorsToPassives: 1.5 }, { npsScore: 150 }];
    for (const change of bad) {
      const res = await call(`/api/workspaces/${ws.id}/scenarios`, { ...json({ modelId: model.id, change, draws: 0 }), token: ws.token });
      expect(res.status).toBe(422);
    }
  });

  it("a saved npsScore scenario exports the accounts it changed: mean p_scenario is the scenario's renewal rate", async () => {
    const res = await call(`/api/workspaces/${ws.id}/scenarios`, {
      ...json({ modelId: model.id, change: { npsScore: 10, csatPp: 2 }, draws: 0, save: true }),
      token: ws.token,
    });
    expect(res.status).toBe(201);
    const s = await res.json<Scenario & { id: string }>();
    const csv = await (await call(`/api/workspaces/${ws.id}/export/accounts.csv?scenario=${s.id}`, { token: ws.token })).text();
    const lines = csv.trim().split(/\r?\n/);
    const head = lines[0].split(",");
    expect(head).toContain("nps_scenario");
    const col = head.indexOf("p_scenario");
    const ps = lines.slice(1).map((l) => Number(l.split(",")[col]));
    expect(ps.reduce((a, b) => a + b, 0) / ps.length).toBeCloseTo(s.scenario.renewalRate, 10);
  });
});
