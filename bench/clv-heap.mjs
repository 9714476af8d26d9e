// The memory of POST .../clv's own code, apart from the local D1/R2 simulators that share the workerd process:
// worker/data/transactions-rfm.ts (the block pass) and models/clv-transactions.ts clvColumns (both fits, CLV of every
// customer), bundled with esbuild, run in Node on transactions of the BG/NBD process (as bench/scale.mjs, date order)
// written as CXB1 blocks to a temporary directory that stands in for R2 (one block read at a time).
//   node --expose-gc --max-old-space-size=32 bench/clv-heap.mjs [customers, default 1000000]
// prints one JSON line {transactions, customers, summarySeconds, clvSeconds, baseRssMB, peakExtraRssSummaryMB,
// peakExtraRssMB}; peak RSS over the baseline (VmHWM after clear_refs) bounds the route's memory from above (it also
// counts heap V8 has not returned yet). Running out of heap fails it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";

const C = Number(process.argv[2] ?? 1_000_000);
const root = path.resolve(import.meta.dirname, "..");
const dir = mkdtempSync(path.join(os.tmpdir(), "cx-clv-heap-"));
try {
  const out = path.join(dir, "clv.mjs");
  await build({
    stdin: {
      contents: `export { summariseTransactionBlocks } from "./worker/data/transactions-rfm"; export { encodeBlock, encodeText } from "./worker/data/blocks"; export { clvColumns } from "./models/clv-transactions";`,
      resolveDir: root,
      loader: "ts",
    },
    bundle: true, format: "esm", platform: "node", outfile: out, logLevel: "error",
  });
  const W = await import(pathToFileURL(out).href);

  /** mulberry32 and Marsaglia–Tsang gamma, as bench/scale.mjs. */
  const rng = (seed) => {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  };
  const gamma = (u, shape) => {
    if (shape < 1) return gamma(u, shape + 1) * Math.pow(u(), 1 / shape);
    const d = shape - 1 / 3, c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x, v;
      do {
        x = Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const w = u();
      if (w < 1 - 0.0331 * x ** 4 || Math.log(w) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  };

  // Transactions (r 0.5, α 12 days, a 0.8, b 6; last day 730), date order by a counting sort, written as blocks.
  const u = rng(4242), END = 730, DAY0 = Date.UTC(2023, 0, 1) / 86_400_000;
  let cap = C * 12, cust = new Int32Array(cap), day = new Int32Array(cap), n = 0;
  for (let c = 0; c < C; c++) {
    const lambda = gamma(u, 0.5) / 12, ga = gamma(u, 0.8), gb = gamma(u, 6), p = ga / (ga + gb);
    let t = Math.floor(u() * 365);
    cust[n] = c; day[n++] = t;
    for (;;) {
      t += -Math.log(1 - u()) / lambda;
      if (!(t <= END) || n === cap) break;
      cust[n] = c; day[n++] = Math.floor(t);
      if (u() < p) break;
    }
  }
  const counts = new Int32Array(END + 2);
  for (let i = 0; i < n; i++) counts[day[i] + 1]++;
  for (let d = 1; d < counts.length; d++) counts[d] += counts[d - 1];
  let order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[counts[day[i]]++] = i;
  let blockCount = 0;
  for (let s = 0; s < n; s += 65536) {
    const idx = order.subarray(s, Math.min(n, s + 65536));
    const { codes, dict } = W.encodeText(Array.from(idx, (i) => `C${cust[i]}`));
    writeFileSync(path.join(dir, `${blockCount++}.bin`), W.encodeBlock({
      rows: idx.length, firstRow: s, columns: [
        { name: "customer_id", storage: "text", codes, dict },
        { name: "date", storage: "date", values: Float64Array.from(idx, (i) => DAY0 + day[i]) },
        { name: "amount", storage: "num", values: Float64Array.from(idx, () => 5 + Math.floor(u() * 10000) / 100) },
      ],
    }));
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
  console.log(JSON.stringify({
    transactions: n, customers: s.customer.length, blocks: blockCount, summarySeconds, clvSeconds, r: c.bgnbd.r, alpha: c.bgnbd.alpha,
    baseRssMB: Math.round(base), peakExtraRssSummaryMB: Math.round(peakSummary), peakExtraRssMB: Math.round(kb("VmHWM") - base),
  }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
