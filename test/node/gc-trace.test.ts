/**
 * bench/lib.mjs gcTraceMemory reads V8's own GC trace (--trace-gc-nvp, --trace-gc-verbose): the figure `npm run
 * bench:scale` prints as the isolate's memory. Checked against a known allocation: a child V8 (this Node) holds 48 MiB
 * of typed arrays across full GCs, so the largest heap + ArrayBuffers held after a full GC must count those 48 MiB
 * (plus Node's own few MiB), and after they are dropped a later window must not.
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
// @ts-expect-error bench/lib.mjs is plain JavaScript without types
import { gcTraceMemory } from "../../bench/lib.mjs";

const CHILD = `
const held = [];
for (let i = 0; i < 48; i++) held.push(new Uint8Array(1 << 20).fill(1));
gc();
console.log("MARK");
held.length = 0;
gc();
gc();
`;

describe("gcTraceMemory", () => {
  it("finds the ArrayBuffers a V8 isolate holds across a full GC, and not after they are dropped", () => {
    const out = execFileSync(
      process.execPath,
      ["--expose-gc", "--no-concurrent-array-buffer-sweeping", "--trace-gc-nvp", "--trace-gc-verbose", "-e", CHILD],
      {
        encoding: "utf8",
        maxBuffer: 1 << 26,
      },
    );
    const trace = gcTraceMemory();
    let mark = 0;
    for (const line of out.split("\n")) {
      if (line === "MARK") mark = trace.mark();
      else trace.onLine(line);
    }
    const [held] = trace.peak(0);
    expect(held.arrayBuffersAfterMb).toBeGreaterThanOrEqual(48);
    expect(held.afterGcMb).toBeGreaterThanOrEqual(48);
    expect(held.afterGcMb).toBeLessThan(48 + 32);
    const [after] = trace.peak(mark);
    expect(after.arrayBuffersAfterMb).toBeLessThan(8);
  });
});
