import { beforeAll, describe, expect, it } from "vitest";
import { call, createWorkspace, type ErrorJson } from "./helpers";
import { seedDataset } from "./linking-seed";
import { syntheticBook } from "./linking-book";

const json = (body: unknown) => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const code = async (res: Response) => (await res.json<ErrorJson>()).error.code;

describe("linking routes on awkward input: a clear 4xx, never a 500", () => {
  let ws: { id: string; token: string };
  beforeAll(async () => {
    ws = await createWorkspace("Edges");
    const b = syntheticBook(400, 5);
    await seedDataset(ws.id, "accounts", { ...b.accounts, log_extra: new Float64Array(400).fill(1) });
    await seedDataset(ws.id, "responses", b.responses);
  });
  const post = (path: string, body: unknown) => call(`/api/workspaces/${ws.id}${path}`, { ...json(body), token: ws.token });

  it("no accounts dataset: 422 no_accounts", async () => {
    const other = await createWorkspace("Empty");
    const res = await call(`/api/workspaces/${other.id}/models`, {
      ...json({ kind: "logistic", predictors: ["nps"] }),
      token: other.token,
    });
    expect(res.status).toBe(422);
    expect(await code(res)).toBe("no_accounts");
  });

  it("accounts without responses: CX predictors leave no rows (422 too_few_rows)", async () => {
    const other = await createWorkspace("Silent");
    await seedDataset(other.id, "accounts", {
      account_id: ["a", "b", "c"],
      arr: new Float64Array([1, 2, 3]),
      renewed: new Float64Array([1, 0, 1]),
    });
    const res = await call(`/api/workspaces/${other.id}/models`, {
      ...json({ kind: "logistic", predictors: ["nps"] }),
      token: other.token,
    });
    expect(res.status).toBe(422);
    expect(await code(res)).toBe("too_few_rows");
  });

  it("malformed requests: 400 with the field named", async () => {
    const r1 = await post("/models", { kind: "logistic", predictors: [] });
    expect(r1.status).toBe(400);
    expect((await r1.json<ErrorJson>()).error.details[0].column).toBe("predictors");
    expect((await post("/models", { kind: "probit", predictors: ["nps"] })).status).toBe(400);
    expect(await code(await post("/models", { kind: "logistic", predictors: ["nps", "nps"] }))).toBe("duplicate_predictors");
    expect((await post("/scenarios", { change: { nps: 1 } })).status).toBe(400); // no modelId
    // accounts.csv with neither model nor scenario is no longer malformed: it exports the joined accounts
    // (test/worker/export-accounts-joined.test.ts).
    expect((await call(`/api/workspaces/${ws.id}/export/accounts.csv?model=${"x".repeat(101)}`, { token: ws.token })).status).toBe(400);
  });

  it("an id-like text column as a predictor: 422 too_many_levels, not a giant design", async () => {
    const res = await post("/models", { kind: "logistic", predictors: ["nps", "account_id"] });
    expect(res.status).toBe(422);
    const e = await res.json<ErrorJson>();
    expect(e.error.code).toBe("too_many_levels");
    expect(e.error.details[0].column).toBe("account_id");
  });

  it("no_variance and collinear predictors pass through as named 422s", async () => {
    const r1 = await post("/models", { kind: "logistic", predictors: ["nps", "log_extra"] });
    expect(r1.status).toBe(422);
    expect(["no_variance", "collinear_predictors"]).toContain(await code(r1));
  });

  it("a linear model on log_arr: holdout R² and a % of ARR translation; scenarios refuse it", async () => {
    const res = await post("/models", { kind: "linear", outcome: "log_arr", predictors: ["nps", "csat", "segment"], covariance: "HC3" });
    expect(res.status).toBe(201);
    const m = await res.json<{
      id: string;
      validation: { holdoutRSquared: number | null };
      translation: { predictor: string; outcomeChange: number; revenue: number }[];
    }>();
    expect(typeof m.validation.holdoutRSquared).toBe("number");
    expect(m.translation.map((t) => t.predictor)).toEqual(["nps", "csat"]);
    const s = await post("/scenarios", { modelId: m.id, change: { nps: 1 } });
    expect(s.status).toBe(422);
    expect(await code(s)).toBe("scenario_needs_logistic");
  });

  it("scenario limits and defaults: too many draws is 422 (limits answer 413 or 422), no investment gives roi null", async () => {
    const m = await (await post("/models", { kind: "logistic", predictors: ["nps"] })).json<{ id: string }>();
    expect((await post("/scenarios", { modelId: m.id, change: { nps: 1 }, draws: 10_001 })).status).toBe(422);
    const s = await (
      await post("/scenarios", { modelId: m.id, change: { nps: 1 }, draws: 0 })
    ).json<{ roi: number | null; ci95: unknown; paybackYears: number }>();
    expect(s.roi).toBeNull();
    expect(s.ci95).toBeNull();
    expect(s.paybackYears).toBe(0);
    expect((await post("/scenarios", { modelId: "m_nope", change: { nps: 1 } })).status).toBe(404);
  });

  it("drivers without touchpoints: 422 no_touchpoints", async () => {
    const res = await post("/drivers", {});
    expect(res.status).toBe(422);
    expect(await code(res)).toBe("no_touchpoints");
  });
});
