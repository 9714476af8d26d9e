// The streaming intake's own memory, apart from the local D1/R2 simulators that share the workerd process:
// worker/intake/stream.ts + worker/data/dataset-writer.ts (bundled with esbuild) run in Node under
// `--max-old-space-size=<limit>` (with the metrics and per-account rollups built as at ingest) on a generated responses CSV sent as a stream of 64 KB chunks, with an R2
// stand-in that encodes and then drops every object. Run by bench/scale.mjs:
//   node --max-old-space-size=128 bench/ingest-heap.mjs <rows> [distinct accounts, default 200000]
// prints one JSON line {rows, seconds, peakHeapMB, peakRssMB, blocks, rawBytes}. Running out of heap fails it.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { importTs } from "./lib.mjs";

const rows = Number(process.argv[2] ?? 1_000_000);
/** Distinct account ids in the file (the per-account rollup keeps one entry each, up to 200,000). */
const accounts = Number(process.argv[3] ?? 200_000);
const dir = mkdtempSync(path.join(os.tmpdir(), "cx-heap-"));
const { ingestStream, DatasetWriter, RollupBuilder, AccountRollupBuilder } = await importTs(
  `export { ingestStream } from "./worker/intake/stream"; export { DatasetWriter } from "./worker/data/dataset-writer"; export { RollupBuilder } from "./worker/metrics/rollup"; export { AccountRollupBuilder } from "./worker/data/account-rollup";`,
  dir,
  "intake.mjs",
);
rmSync(dir, { recursive: true, force: true });

/** R2 stand-in: reads what is put (as R2 would), keeps only sizes. */
let blocks = 0;
let rawBytes = 0;
const FILES = {
  async put(key, body) {
    if (key.startsWith("cols/")) blocks++;
    if (key.startsWith("raw/")) rawBytes += body.byteLength;
    return { size: body.byteLength };
  },
  async createMultipartUpload() {
    return {
      async uploadPart(n, bytes) {
        rawBytes += bytes.byteLength;
        return { partNumber: n, etag: String(n) };
      },
      async complete() {},
      async abort() {},
    };
  },
  async delete() {},
  async get() {
    return null;
  },
};
const env = { FILES, DB: null };

const enc = new TextEncoder();
let i = 0;
const stream = new ReadableStream({
  pull(c) {
    if (i === 0) {
      c.enqueue(enc.encode("account_id,date,nps,csat,ces,touchpoint\n"));
    }
    let s = "";
    while (s.length < 65536 && i < rows) {
      s += `A${(i * 7919) % accounts},2025-${String(1 + (i % 12)).padStart(2, "0")}-${String(1 + (i % 28)).padStart(2, "0")},${i % 11},${1 + (i % 5)},${1 + (i % 7)},${["onboarding", "support", "billing", "renewal"][i & 3]}\n`;
      i++;
    }
    if (s) c.enqueue(enc.encode(s));
    if (i >= rows) c.close();
  },
});

let peakHeap = 0,
  peakRss = 0;
const sample = () => {
  const m = process.memoryUsage();
  peakHeap = Math.max(peakHeap, m.heapUsed + m.external); // external includes ArrayBuffers
  peakRss = Math.max(peakRss, m.rss);
};
const timer = setInterval(sample, 5);
const writer = new DatasetWriter(env, "w", "d", "text/csv");
const rollup = new RollupBuilder(5);
const perAccount = new AccountRollupBuilder();
const t0 = performance.now();
const result = await ingestStream(stream, {
  kind: "responses",
  mapping: {},
  csatScale: 5,
  limits: { maxRows: 1e9, maxColumns: 500, maxCellChars: 10000 },
  maxBytes: Infinity,
  writer,
  reopen: async () => {
    throw new Error("not expected");
  },
  onBlock: (b) => (rollup.add(b), perAccount.add(b)),
  onProgress: async () => {
    sample();
    await new Promise((r) => setImmediate(r));
  },
});
await writer.settle(0);
const accountBytes = perAccount.toBytes()?.byteLength ?? 0;
const seconds = (performance.now() - t0) / 1000;
clearInterval(timer);
sample();
console.log(
  JSON.stringify({
    rows: result.rows,
    accounts,
    accountBytes,
    seconds,
    peakHeapMB: peakHeap / 2 ** 20,
    peakRssMB: peakRss / 2 ** 20,
    blocks,
    rawBytes,
  }),
);
