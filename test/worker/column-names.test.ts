import { beforeAll, describe, expect, it } from "vitest";
import { call, createWorkspace, type ErrorJson } from "./helpers";
import { seedDataset } from "./linking-seed";

// Names of Object.prototype are not columns: a model or driver naming one gets 422 unknown_column (they used to
// answer 500 "col.filter is not a function", or a meaningless 200), and a real column that happens to be called
// "constructor" is still found.

const json = (body: unknown) => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const PROTO = ["constructor", "__proto__", "toString", "hasOwnProperty"];

describe("user-named columns are own properties", () => {
  let ws: { id: string; token: string };
  beforeAll(async () => {
    ws = await createWorkspace("proto-names");
    const n = 60;
    const ids = Array.from({ length: n }, (_, i) => `a${i}`);
    await seedDataset(ws.id, "accounts", {
      account_id: ids,
      arr: Float64Array.from({ length: n }, (_, i) => 1000 + 37 * i),
      renewed: Float64Array.from({ length: n }, (_, i) => ((i * 7) % 3 === 0 ? 0 : 1)),
    });
    await seedDataset(ws.id, "responses", {
      account_id: ids,
      touchpoint: ids.map((_, i) => (i % 2 ? "support" : "billing")),
      nps: Float64Array.from({ length: n }, (_, i) => i % 11),
      csat: Float64Array.from({ length: n }, (_, i) => 1 + (i % 5)),
    });
  });

  for (const name of PROTO) {
    it(`POST .../models with "${name}" as predictor or outcome: 422 unknown_column`, async () => {
      for (const body of [
        { kind: "logistic", outcome: "renewed", predictors: ["nps", name] },
        { kind: "linear", outcome: name, predictors: ["nps"] },
      ]) {
        const res = await call(`/api/workspaces/${ws.id}/models`, { ...json(body), token: ws.token });
        expect(res.status, JSON.stringify(body)).toBe(422);
        const err = (await res.json()) as ErrorJson;
        expect(err.error.code).toBe("unknown_column");
        expect(err.error.details[0].column).toBe(name);
      }
    });

    it(`POST .../drivers with outcome "${name}": 422 unknown_column`, async () => {
      const res = await call(`/api/workspaces/${ws.id}/drivers`, { ...json({ metric: "csat", outcome: name }), token: ws.token });
      expect(res.status).toBe(422);
      expect(((await res.json()) as ErrorJson).error.code).toBe("unknown_column");
    });
  }

  it("a real column named constructor is a column", async () => {
    const other = await createWorkspace("proto-real");
    const n = 60;
    const ids = Array.from({ length: n }, (_, i) => `a${i}`);
    await seedDataset(other.id, "accounts", {
      account_id: ids,
      arr: Float64Array.from({ length: n }, (_, i) => 1000 + 37 * i),
      renewed: Float64Array.from({ length: n }, (_, i) => ((i * 7) % 3 === 0 ? 0 : 1)),
      constructor: Float64Array.from({ length: n }, (_, i) => (i * 13) % 17),
    });
    const res = await call(`/api/workspaces/${other.id}/models`, {
      ...json({ kind: "linear", outcome: "arr", predictors: ["constructor"] }),
      token: other.token,
    });
    expect(res.status, await res.clone().text()).toBe(201);
  });
});
