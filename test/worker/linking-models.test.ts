import { describe, expect, it, beforeAll } from "vitest";
import { runScenario } from "../../models/scenario/scenario";
import { call, createWorkspace, tokenFor, type ErrorJson } from "./helpers";
import { seedDataset } from "./linking-seed";
import { syntheticBook, TRUTH } from "./linking-book";

type Coef = { term: string; estimate: number; ci95: [number, number] };
type Model = {
  id: string;
  nObs: number;
  excluded: number;
  terms: string[];
  coefficients: Coef[];
  translation: { predictor: string; renewalPp: number; revenue: number; revenueCi95: [number, number]; sentence: string }[];
  validation: { auc: number; calibration: { n: number }[]; nTest: number };
};

const json = (body: unknown) => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("models and scenarios on a synthetic book with a known logistic truth", () => {
  let ws: { id: string; token: string };
  let editor: string, viewer: string;
  let model: Model;
  const book = syntheticBook(3000, 17);

  beforeAll(async () => {
    ws = await createWorkspace("Linking");
    editor = await tokenFor(ws, "editor");
    viewer = await tokenFor(ws, "viewer");
    await seedDataset(ws.id, "accounts", book.accounts);
    await seedDataset(ws.id, "responses", book.responses);
    const res = await call(`/api/workspaces/${ws.id}/models`, {
      ...json({ kind: "logistic", outcome: "renewed", predictors: ["nps", "csat", "segment"] }),
      token: editor,
    });
    expect(res.status).toBe(201);
    model = await res.json();
  });

  it("the fitted 95% intervals cover the known truth", () => {
    expect(model.nObs).toBe(3000);
    expect(model.terms).toEqual(["Intercept", "nps", "csat", "segment[T.SMB]"]);
    for (const c of model.coefficients) {
      const truth = TRUTH[c.term as keyof typeof TRUTH];
      expect(c.ci95[0], c.term).toBeLessThan(truth);
      expect(c.ci95[1], c.term).toBeGreaterThan(truth);
    }
  });

  it("translation and holdout validation come with the model", () => {
    const t = model.translation.find((x) => x.predictor === "nps")!;
    expect(t.renewalPp).toBeGreaterThan(0);
    expect(t.revenueCi95[0]).toBeLessThan(t.revenue);
    expect(t.sentence).toMatch(/NPS/);
    expect(model.validation.nTest).toBe(600); // 20% of 3000
    expect(model.validation.auc).toBeGreaterThan(0.6);
    expect(model.validation.calibration.reduce((s, b) => s + b.n, 0)).toBe(600);
  });

  it("roles: viewers read, editors fit; another workspace's id is 404", async () => {
    const r1 = await call(`/api/workspaces/${ws.id}/models`, { ...json({ kind: "logistic", predictors: ["nps"] }), token: viewer });
    expect(r1.status).toBe(403);
    const r2 = await call(`/api/workspaces/${ws.id}/models/${model.id}`, { token: viewer });
    expect(r2.status).toBe(200);
    const list = await (await call(`/api/workspaces/${ws.id}/models`, { token: viewer })).json<{ models: { id: string }[] }>();
    expect(list.models.map((m) => m.id)).toContain(model.id);
    const other = await createWorkspace("Other");
    const r3 = await call(`/api/workspaces/${other.id}/models/${model.id}`, { token: other.token });
    expect(r3.status).toBe(404);
  });

  it("named 422s pass through: unknown column, no_variance", async () => {
    const r1 = await call(`/api/workspaces/${ws.id}/models`, { ...json({ kind: "logistic", predictors: ["nope"] }), token: editor });
    expect(r1.status).toBe(422);
    expect((await r1.json<ErrorJson>()).error.details[0].column).toBe("nope");
  });

  it("scenario money equals an independent computation on the model's rows", async () => {
    const acc = await (
      await call(`/api/workspaces/${ws.id}/models/${model.id}/accounts`, { token: viewer })
    ).json<{
      terms: string[];
      beta: number[];
      X: number[];
      arr: number[];
      n: number;
    }>();
    expect(acc.n).toBe(3000);
    const res = await call(`/api/workspaces/${ws.id}/scenarios`, {
      ...json({
        modelId: model.id,
        change: { nps: 1.5 },
        horizonYears: 3,
        annualDiscountRate: 0.05,
        grossMargin: 0.8,
        investment: 500_000,
        draws: 200,
      }),
      token: viewer,
    });
    expect(res.status).toBe(200);
    const s = await res.json<{ id: null; revenueGain: number; roi: number; ci95: { revenueGain: [number, number] } }>();
    // The scenario formula (docs/methods.md#scenario-money) with plain loops: nps + 1.5 capped at 10;
    // Σ_i Σ_t arr (p'^(t-1) - p^(t-1)) / 1.05^(t-1).
    const p = acc.terms.length,
      j = acc.terms.indexOf("nps");
    let gain = 0;
    for (let i = 0; i < acc.n; i++) {
      let e = 0;
      for (let k = 0; k < p; k++) e += acc.X[i * p + k] * acc.beta[k];
      const x = acc.X[i * p + j];
      const e2 = e + (Math.min(10, x + 1.5) - x) * acc.beta[j];
      const p1 = 1 / (1 + Math.exp(-e)),
        p2 = 1 / (1 + Math.exp(-e2));
      for (let t = 1; t <= 3; t++) gain += (acc.arr[i] * (p2 ** (t - 1) - p1 ** (t - 1))) / 1.05 ** (t - 1);
    }
    expect(s.id).toBeNull();
    expect(s.revenueGain).toBeCloseTo(gain, 4);
    expect(s.roi).toBeCloseTo((0.8 * gain - 500_000) / 500_000, 8);
    expect(s.ci95.revenueGain[0]).toBeLessThan(s.revenueGain);
  });

  it("the browser's what-if (runScenario on GET .../models/:id/accounts) equals the server's point estimate", async () => {
    const acc = await (
      await call(`/api/workspaces/${ws.id}/models/${model.id}/accounts`, { token: viewer })
    ).json<{
      terms: string[];
      beta: number[];
      cov: number[][];
      X: number[];
      arr: number[];
      segment: (string | null)[];
      clip: Record<string, [number, number]>;
    }>();
    const req = {
      change: { csat: 0.5, nps: 1 },
      horizonYears: 4,
      annualDiscountRate: 0.1,
      grossMargin: 0.75,
      investment: 250_000,
      segment: "SMB",
    };
    const server = await (
      await call(`/api/workspaces/${ws.id}/scenarios`, { ...json({ modelId: model.id, ...req, draws: 0 }), token: viewer })
    ).json<{ revenueGain: number; paybackYears: number | null; scenario: { revenueByYear: number[] } }>();
    const local = runScenario({
      terms: acc.terms,
      beta: acc.beta,
      cov: acc.cov,
      X: Float64Array.from(acc.X),
      arr: Float64Array.from(acc.arr),
      change: req.change,
      clip: acc.clip,
      rowMask: Uint8Array.from(acc.segment, (s) => (s === "SMB" ? 1 : 0)),
      horizonYears: 4,
      annualDiscountRate: 0.1,
      grossMargin: 0.75,
      investment: 250_000,
      draws: 0,
    });
    expect(local.revenueGain).toBe(server.revenueGain);
    expect(local.paybackYears).toBe(server.paybackYears);
    expect(local.scenario.revenueByYear).toEqual(server.scenario.revenueByYear);
  });

  it("saving needs an editor; saved scenarios list, read back and combine into a programme", async () => {
    const body = {
      name: "NPS +2 SMB",
      modelId: model.id,
      change: { nps: 2 },
      segment: "SMB",
      grossMargin: 0.8,
      investment: 100_000,
      draws: 100,
      save: true,
    };
    expect((await call(`/api/workspaces/${ws.id}/scenarios`, { ...json(body), token: viewer })).status).toBe(403);
    const a = await call(`/api/workspaces/${ws.id}/scenarios`, { ...json(body), token: editor });
    expect(a.status).toBe(201);
    const sa = await a.json<{ id: string; marginGain: number; changedRows: number }>();
    expect(sa.changedRows).toBe(book.accounts.segment.filter((s) => s === "SMB").length);
    const b = await call(`/api/workspaces/${ws.id}/scenarios`, {
      ...json({ ...body, name: "CSAT +1", change: { csat: 1 }, segment: null }),
      token: editor,
    });
    const sb = await b.json<{ id: string; marginGain: number }>();
    const got = await (await call(`/api/workspaces/${ws.id}/scenarios/${sa.id}`, { token: viewer })).json<{ marginGain: number }>();
    expect(got.marginGain).toBe(sa.marginGain);
    const list = await (await call(`/api/workspaces/${ws.id}/scenarios`, { token: viewer })).json<{ scenarios: unknown[] }>();
    expect(list.scenarios.length).toBe(2);
    const prog = await (
      await call(`/api/workspaces/${ws.id}/programs`, { ...json({ scenarioIds: [sa.id, sb.id], overlap: 0.2 }), token: viewer })
    ).json<{ programme: { gain: number; investment: number; roi: number } }>();
    // docs/methods.md#programme-roi: programme gain = (1 − overlap) Σ gain, investment = Σ investment.
    expect(prog.programme.gain).toBeCloseTo(0.8 * (sa.marginGain + sb.marginGain), 6);
    expect(prog.programme.investment).toBe(200_000);
    expect(prog.programme.roi).toBeCloseTo((prog.programme.gain - 200_000) / 200_000, 10);
  });

  it("scenario errors: unknown change column, unknown segment", async () => {
    const r1 = await call(`/api/workspaces/${ws.id}/scenarios`, { ...json({ modelId: model.id, change: { ces: 1 } }), token: viewer });
    expect(r1.status).toBe(422);
    expect((await r1.json<ErrorJson>()).error.code).toBe("unknown_change");
    const r2 = await call(`/api/workspaces/${ws.id}/scenarios`, {
      ...json({ modelId: model.id, change: { nps: 1 }, segment: "Nope" }),
      token: viewer,
    });
    expect((await r2.json<ErrorJson>()).error.code).toBe("unknown_segment");
  });
});
