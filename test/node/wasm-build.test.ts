/**
 * models/wasm/kernels.wasm is committed beside its source kernels.wat (the worker imports the binary; Workers cannot
 * compile WebAssembly at run time). Rebuilding the source with the pinned wabt must give the committed bytes, so the
 * two cannot drift apart.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script without type declarations
import { buildKernels } from "../../scripts/build-wasm.mjs";

describe("models/wasm/kernels.wasm", () => {
  it("is byte for byte what npm run build:wasm makes of kernels.wat", async () => {
    const built: Buffer = await buildKernels();
    const committed = readFileSync(new URL("../../models/wasm/kernels.wasm", import.meta.url));
    expect(built.length).toBe(committed.length);
    expect(Buffer.compare(built, committed)).toBe(0);
  });
});
