import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import app from "../../worker/index";
import { createWorkspace, expectSameAnswer } from "./helpers";
import { syntheticBook } from "./linking-book";
import { seedDataset } from "./linking-seed";

/**
 * POST .../models above MODEL_BLOCK_CELLS builds and fits the design in row blocks (models/regression/fit-blocks.ts,
 * the translation and the holdout too). The worker is called with a tiny MODEL_BLOCK_CELLS (same D1 / R2, as in
 * reliability-limits.test.ts), so a 3,000-account book goes through 12 blocks of 256 rows, and the response must
 * equal the in-memory one (default threshold) on every field but the id and the time. The in-memory path is checked
 * against published values in test/models and against a known truth in linking-models.test.ts.
 */
let ws: { id: string; token: string };

async function fit(body: unknown, vars: Record<string, string> = {}) {
  const res = await app.request(
    `/api/workspaces/${ws.id}/models`,
    { method: "POST", headers: { Authorization: `Bearer ${ws.token}`, "Content-Type": "application/json" }, body: JSON.stringify(body) },
    { ...env, ...vars },
  );
  const json = (await res.json()) as Record<string, unknown>;
  return { status: res.status, blockRows: res.headers.get("x-model-block-rows"), json };
}

/** Every field equal: strings, booleans and null exactly, numbers to 1e-9 relative (1e-12 absolute near 0). */
const expectSame = (a: unknown, b: unknown, path: string) => expectSameAnswer(a, b, path, 1e-9, 1e-12);

const without = (m: Record<string, unknown>) => {
  const { id: _id, createdAt: _t, ...rest } = m;
  return rest;
};

beforeAll(async () => {
  ws = await createWorkspace("Blocks");
  const book = syntheticBook(3000, 23);
  const a = book.accounts;
  // Some accounts miss a value, so that excluded rows and the book's own filter (ARR) are exercised too.
  a.renewed[5] = NaN;
  a.arr[7] = NaN;
  a.segment[9] = null as unknown as string;
  const region = a.account_id.map((_, i) => ["North", "South", "West"][i % 3]);
  // A column equal to 3 × renewed: it separates the outcome perfectly (constructed here).
  const flag = Float64Array.from(a.renewed, (v) => 3 * v);
  await seedDataset(ws.id, "accounts", { ...a, region, flag });
  await seedDataset(ws.id, "responses", book.responses);
});

describe("models over blocks (MODEL_BLOCK_CELLS) answer as the in-memory fit", () => {
  const tiny = { MODEL_BLOCK_CELLS: "1000" };

  it("logistic renewed ~ nps + csat + segment + region, with translation and holdout", async () => {
    const body = { kind: "logistic", outcome: "renewed", predictors: ["nps", "csat", "segment", "region"] };
    const mem = await fit(body);
    const blk = await fit(body, tiny);
    expect(mem.status, JSON.stringify(mem.json).slice(0, 300)).toBe(201);
    expect(blk.status, JSON.stringify(blk.json).slice(0, 300)).toBe(201);
    expect(mem.blockRows).toBeNull();
    expect(blk.blockRows).toBe("256"); // 1000 cells / 6 terms < 256 rows: the 256-row floor
    expect(blk.json.nObs).toBe(2998); // 3,000 accounts less renewed[5] and segment[9] missing (set above)
    expect((blk.json.translation as unknown[]).length).toBe(2);
    expectSame(without(mem.json), without(blk.json), "logistic");
  });

  it("linear log_arr ~ nps + csat + segment with HC3", async () => {
    const body = { kind: "linear", outcome: "log_arr", predictors: ["nps", "csat", "segment"], covariance: "HC3" };
    const mem = await fit(body);
    const blk = await fit(body, tiny);
    expect([mem.status, blk.status]).toEqual([201, 201]);
    expect(blk.blockRows).toBe("256");
    expect(blk.json.covarianceType).toBe("HC3");
    expectSame(without(mem.json), without(blk.json), "linear");
  });

  it("GET .../models/:id/accounts (the design for the browser) answers 422 too_large above the threshold, 200 below", async () => {
    const made = await fit({ kind: "logistic", outcome: "renewed", predictors: ["nps", "csat"] });
    const get = (vars: Record<string, string>) =>
      app.request(
        `/api/workspaces/${ws.id}/models/${made.json.id}/accounts`,
        { headers: { Authorization: `Bearer ${ws.token}` } },
        { ...env, ...vars },
      );
    const ok = await get({});
    expect(ok.status).toBe(200);
    // The design counts one row per joined account (3,000 seeded above) times 3 terms: over 1,000 cells.
    const big = await get(tiny);
    expect(big.status).toBe(422);
    const err = ((await big.json()) as { error: { code: string; message: string } }).error;
    expect(err.code).toBe("too_large");
    expect(err.message).toMatch(/3,000 accounts × 3 terms/);
  });

  it("POST .../scenarios reads the book in blocks above the threshold: the same answer, draws and segment filter included", async () => {
    const made = await fit({ kind: "logistic", outcome: "renewed", predictors: ["nps", "csat", "segment"] });
    const run = async (vars: Record<string, string>, segment?: string) => {
      const res = await app.request(
        `/api/workspaces/${ws.id}/scenarios`,
        {
          method: "POST",
          headers: { Authorization: `Bearer ${ws.token}`, "Content-Type": "application/json" },
          body: JSON.stringify({
            modelId: made.json.id,
            change: { nps: 1.5 },
            draws: 200,
            seed: 7,
            save: false,
            horizonYears: 3,
            investment: 50_000,
            ...(segment ? { segment } : {}),
          }),
        },
        { ...env, ...vars },
      );
      return { status: res.status, json: (await res.json()) as Record<string, unknown> };
    };
    for (const segment of [undefined, "SMB"]) {
      const mem = await run({}, segment);
      const blk = await run(tiny, segment);
      expect([mem.status, blk.status]).toEqual([200, 200]);
      // Rows are added in the same order either way, so the answer is the same bit for bit.
      expect(blk.json).toEqual(mem.json);
      expect((mem.json.ci95 as { revenueGain: number[] }).revenueGain.length).toBe(2);
    }
    const unknown = await run(tiny, "Nope");
    expect(unknown.status).toBe(422);
    expect((unknown.json.error as { code: string }).code).toBe("unknown_segment");
  });

  it("GET .../export/accounts.csv streams the book block by block: the same file either way", async () => {
    const made = await fit({ kind: "logistic", outcome: "renewed", predictors: ["nps", "csat", "segment"] });
    const scen = await app.request(
      `/api/workspaces/${ws.id}/scenarios`,
      {
        method: "POST",
        headers: { Authorization: `Bearer ${ws.token}`, "Content-Type": "application/json" },
        body: JSON.stringify({ modelId: made.json.id, change: { nps: 1 }, segment: "SMB", draws: 0, save: true }),
      },
      env,
    );
    const scenarioId = ((await scen.json()) as { id: string }).id;
    const csv = async (vars: Record<string, string>) =>
      (
        await app.request(
          `/api/workspaces/${ws.id}/export/accounts.csv?scenario=${scenarioId}`,
          { headers: { Authorization: `Bearer ${ws.token}` } },
          { ...env, ...vars },
        )
      ).text();
    const whole = await csv({});
    const blocks = await csv(tiny); // 256-row blocks
    expect(blocks).toBe(whole);
    // One line per account with the predictors and ARR (the book of the 3,000 seeded accounts), plus the header.
    const lines = whole.trim().split("\r\n");
    expect(lines[0]).toBe("account_id,segment,arr,nps,csat,renewed,p,nps_scenario,changed,p_scenario");
    expect(lines.length - 1).toBeGreaterThan(2900);
  });

  it("perfect separation: the same 422 naming the predictor", async () => {
    const body = { kind: "logistic", outcome: "renewed", predictors: ["nps", "flag"] };
    const mem = await fit(body);
    const blk = await fit(body, tiny);
    expect([mem.status, blk.status]).toEqual([422, 422]);
    expect((blk.json.error as { code: string }).code).toBe("perfect_separation");
    expect((blk.json.error as { message: string }).message).toMatch(/flag/);
    expect(blk.json).toEqual(mem.json);
  });
});
