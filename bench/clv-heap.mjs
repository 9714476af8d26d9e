// The memory of POST .../clv's own code, apart from the local D1/R2 simulators that share the workerd process:
// worker/data/transactions-rfm.ts (the block pass) and models/clv/transactions-clv.ts clvColumns (both fits, CLV of every
// customer), bundled with esbuild, run in Node on transactions of the BG/NBD process (as bench/scale.mjs, date order)
// written as CXB1 blocks to a temporary directory that stands in for R2 (one block read at a time).
//   node --expose-gc --max-old-space-size=32 bench/clv-heap.mjs [customers, default 1000000]
// prints one JSON line {transactions, customers, summarySeconds, clvSeconds, baseRssMB, peakExtraRssSummaryMB,
// peakExtraRssMB}; peak RSS over the baseline (VmHWM after clear_refs) bounds the route's memory from above (it also
// counts heap V8 has not returned yet). Running out of heap fails it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { makeRandom } from "../scripts/synthetic-book.mjs";
import { dateOrder, importTs, simulatePurchases } from "./lib.mjs";

const C = Number(process.argv[2] ?? 1_000_000);
const dir = mkdtempSync(path.join(os.tmpdir(), "cx-clv-heap-"));
try {
  const W = await importTs(
    `export { summariseTransactionBlocks } from "./worker/data/transactions-rfm"; export { encodeBlock, encodeText } from "./worker/data/blocks"; export { clvColumns } from "./models/clv/transactions-clv";`,
    dir,
    "clv.mjs",
  );
  // Transactions (r 0.5, α 12 days, a 0.8, b 6; last day 730) as bench/scale.mjs draws them, date order, written as blocks.
  const u = makeRandom(4242).uniform,
    END = 730,
    DAY0 = Date.UTC(2023, 0, 1) / 86_400_000;
  let { cust, day, n } = simulatePurchases(u, C, END);
  let order = dateOrder(day, n, END);
  let blockCount = 0;
  for (let s = 0; s < n; s += 65536) {
    const idx = order.subarray(s, Math.min(n, s + 65536));
    const { codes, dict } = W.encodeText(Array.from(idx, (i) => `C${cust[i]}`));
    writeFileSync(
      path.join(dir, `${blockCount++}.bin`),
      W.encodeBlock({
        rows: idx.length,
        firstRow: s,
        columns: [
          { name: "customer_id", storage: "text", codes, dict },
          { name: "date", storage: "date", values: Float64Array.from(idx, (i) => DAY0 + day[i]) },
          { name: "amount", storage: "num", values: Float64Array.from(idx, () => 5 + Math.floor(u() * 10000) / 100) },
        ],
      }),
    );
  }
  cust = day = order = null;
  const env = {
    FILES: {
      async get(key) {
        const b = readFileSync(path.join(dir, `${key.split("/").pop()}`));
        return { arrayBuffer: async () => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) };
      },
    },
  };
  const meta = { workspaceId: "w", id: "d", blockCount, rows: n };

  const kb = (key) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(readFileSync("/proc/self/status", "utf8"))[1]) / 1024;
  globalThis.gc?.();
  writeFileSync("/proc/self/clear_refs", "5");
  const base = kb("VmRSS");
  let t0 = performance.now();
  const s = await W.summariseTransactionBlocks(env, meta);
  const summarySeconds = (performance.now() - t0) / 1000;
  const peakSummary = kb("VmHWM") - base;
  t0 = performance.now();
  const c = W.clvColumns(s, { horizonMonths: 12, annualDiscountRate: 0.1, margin: 0.3 });
  const clvSeconds = (performance.now() - t0) / 1000;
  console.log(
    JSON.stringify({
      transactions: n,
      customers: s.customer.length,
      blocks: blockCount,
      summarySeconds,
      clvSeconds,
      r: c.bgnbd.r,
      alpha: c.bgnbd.alpha,
      baseRssMB: Math.round(base),
      peakExtraRssSummaryMB: Math.round(peakSummary),
      peakExtraRssMB: Math.round(kb("VmHWM") - base),
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
