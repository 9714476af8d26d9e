import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import app from "../../worker/index";
import { registerKernels } from "../../worker/wasm-kernels";
import { useKernels, wasmKernels } from "../../models/wasm/kernels";
import { createWorkspace, expectSameAnswer } from "./helpers";
import { syntheticBook } from "./linking-book";
import { seedDataset } from "./linking-seed";

/**
 * Inside workerd the worker registers models/wasm/kernels.wasm, imported as a compiled module (worker/wasm-kernels.ts):
 * POST .../models must run its passes through the kernels, and answer as the JavaScript loops do (the kernels
 * unregistered; those loops are checked against published values in test/models) to 1e-12 relative.
 */
let ws: { id: string; token: string };

async function fit(body: unknown, vars: Record<string, string> = {}) {
  const res = await app.request(
    `/api/workspaces/${ws.id}/models`,
    { method: "POST", headers: { Authorization: `Bearer ${ws.token}`, "Content-Type": "application/json" }, body: JSON.stringify(body) },
    { ...env, ...vars },
  );
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** Every field equal: strings, booleans and null exactly, numbers to 1e-12 relative (1e-14 absolute near 0). */
const expectSame = (a: unknown, b: unknown, path: string) => expectSameAnswer(a, b, path, 1e-12, 1e-14);

const without = (m: Record<string, unknown>) => {
  const { id: _id, createdAt: _t, ...rest } = m;
  return rest;
};

beforeAll(async () => {
  ws = await createWorkspace("Kernels");
  const book = syntheticBook(3000, 31);
  await seedDataset(ws.id, "accounts", book.accounts);
  await seedDataset(ws.id, "responses", book.responses);
});

describe("the worker's WebAssembly kernels", () => {
  it.each([
    ["logistic", { kind: "logistic", outcome: "renewed", predictors: ["nps", "csat", "segment"] }, {}],
    ["linear HC3", { kind: "linear", outcome: "log_arr", predictors: ["nps", "csat", "segment"], covariance: "HC3" }, {}],
    // The block-wise fits (models-blocks.test.ts) call the same passes per block.
    [
      "logistic over blocks",
      { kind: "logistic", outcome: "renewed", predictors: ["nps", "csat", "segment"] },
      { MODEL_BLOCK_CELLS: "1000" },
    ],
  ])("POST .../models %s runs through them and answers as the JavaScript loops", async (_name, body, vars) => {
    const k = wasmKernels();
    expect(k, "registered when worker/index.ts loads").not.toBeNull();
    const before = k!.passes;
    const wasm = await fit(body, vars);
    expect(wasm.status, JSON.stringify(wasm.json).slice(0, 300)).toBe(201);
    expect(k!.passes).toBeGreaterThan(before);
    useKernels(null);
    try {
      const js = await fit(body, vars);
      expect(js.status).toBe(201);
      expectSame(without(js.json), without(wasm.json), String(body.kind));
    } finally {
      registerKernels();
    }
  });
});
