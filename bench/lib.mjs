// Pieces the benchmarks share: bundling TypeScript for Node, and the seeded generators of their data.
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = path.resolve(import.meta.dirname, "..");

/**
 * Bundles `contents` (TypeScript re-exports, paths from the repository root) with esbuild into `dir` and imports
 * it, so Node runs the same code as the worker.
 * @example const { fitBgnbd } = await importTs(`export { fitBgnbd } from "./models/clv/bgnbd";`, dir);
 */
export async function importTs(contents, dir, file = "bundle.mjs") {
  const out = path.join(dir, file);
  await build({
    stdin: { contents, resolveDir: root, loader: "ts" },
    bundle: true,
    format: "esm",
    platform: "node",
    outfile: out,
    logLevel: "error",
  });
  return import(pathToFileURL(out).href);
}

/** Marsaglia–Tsang gamma(shape, 1) from a uniform source (shape < 1 by the u^(1/shape) boost). */
export function gamma(u, shape) {
  if (shape < 1) return gamma(u, shape + 1) * Math.pow(u(), 1 / shape);
  const d = shape - 1 / 3,
    c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x, v;
    do {
      const z = Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
      x = z;
      v = 1 + c * z;
    } while (v <= 0);
    v = v * v * v;
    const w = u();
    if (w < 1 - 0.0331 * x ** 4 || Math.log(w) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/**
 * Purchase days of C customers from the BG/NBD process (r 0.5, α 12 days, a 0.8, b 6): first purchase over the first
 * year, Poisson purchases while alive, dropout after each repeat purchase with probability p ~ Beta(a, b) (FHL 2005),
 * nothing after day `end`. Draws from `u` in a fixed order, so a seed gives the same log.
 */
export function simulatePurchases(u, C, end) {
  let cap = Math.ceil(C * 11);
  let cust = new Int32Array(cap),
    day = new Int32Array(cap);
  let n = 0;
  const push = (c, d) => {
    if (n === cap) {
      cap *= 2;
      const c2 = new Int32Array(cap);
      c2.set(cust);
      cust = c2;
      const d2 = new Int32Array(cap);
      d2.set(day);
      day = d2;
    }
    cust[n] = c;
    day[n] = d;
    n++;
  };
  for (let c = 0; c < C; c++) {
    const lambda = gamma(u, 0.5) / 12;
    const ga = gamma(u, 0.8),
      gb = gamma(u, 6);
    const p = ga / (ga + gb);
    let t = Math.floor(u() * 365);
    push(c, t);
    for (;;) {
      t += -Math.log(1 - u()) / lambda;
      if (!(t <= end)) break;
      push(c, Math.floor(t));
      if (u() < p) break; // dropout after a repeat purchase (FHL 2005)
    }
  }
  return { cust, day, n };
}

/** The permutation that puts purchases in date order (a stable counting sort on days 0..end). */
export function dateOrder(day, n, end) {
  const counts = new Int32Array(end + 2);
  for (let i = 0; i < n; i++) counts[day[i] + 1]++;
  for (let d = 1; d < counts.length; d++) counts[d] += counts[d - 1];
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[counts[day[i]]++] = i;
  return order;
}

/**
 * V8 flags for workerd (scripts/durability-devserver.mjs startWorkerd `v8Flags`) that make V8 itself enforce a memory
 * cap of `capMb` on each isolate, ArrayBuffers included, and trace every garbage collection:
 * - the old generation is capped at capMb − 2 and each young semi-space at 1 MB (young generation ≤ 2 MB);
 * - ArrayBuffer backing stores (typed arrays) count in V8's global limit (--external-memory-accounted-in-global-limit),
 *   the global limit equals the old-generation cap (--maximum-global-heap-limit-factor=1), and going over it after a
 *   last-resort GC aborts workerd with "JavaScript heap out of memory" (--enforce-global-heap-limit);
 * - --trace-gc-nvp / --trace-gc-verbose print each GC's heap sizes and the ArrayBuffer bytes (gcTraceMemory reads them);
 *   ArrayBuffers are swept in the GC's pause (--no-concurrent-array-buffer-sweeping), so the bytes printed after a full
 *   GC are those still alive, not dead ones a background thread has yet to free.
 * Calibration (calibrateCap, 2026-12-05): with capMb 128, a worker holding up to 116 MB of ArrayBuffers completes, one
 * holding 120 MB or more is aborted, 118–119 MB either (GC timing): the cap trips a few MB below capMb (V8 gives up when
 * GCs near the limit free too little).
 */
export function capFlags(capMb) {
  return [
    `--max-old-space-size=${capMb - 2}`,
    "--max-semi-space-size=1",
    "--external-memory-accounted-in-global-limit",
    "--enforce-global-heap-limit",
    "--maximum-global-heap-limit-factor=1",
    "--no-concurrent-array-buffer-sweeping",
    "--trace-gc-nvp",
    "--trace-gc-verbose",
  ];
}

/**
 * Reads workerd's stdout under capFlags: per isolate (V8 prints its address on every line), each GC's heap objects at
 * its start (garbage not yet collected included) and after it, and the ArrayBuffer backing-store bytes V8 reports right
 * after it. `peak(from)` gives the largest sums over the GCs since event `from` (`mark()` returns the current count), per
 * isolate; the largest isolate is the worker's (Miniflare's R2/D1/queue simulators run as other isolates in the same
 * process). The sums are taken at GCs only; between them V8's cap (capFlags) is what bounds the memory.
 * @example const t = gcTraceMemory(); startWorkerd({ …, v8Flags: capFlags(128), onStdout: t.onLine }); const m = t.mark(); …; t.peak(m)
 */
export function gcTraceMemory() {
  const events = []; // { iso, heap, ab }
  const last = new Map(); // isolate → its last GC event (awaiting its backing-store line)
  let oom = null;
  const onLine = (line) => {
    const m = /^\[\d+:(0x[0-9a-f]+)[^\]]*\]\s+(?:[\d.]+ ms: )?(.*)$/.exec(line);
    if (/heap out of memory|V8 fatal error/i.test(line)) oom = line;
    if (!m) return;
    const [, iso, rest] = m;
    // workerd's V8 prints the nvp record as JSON ("GC: {…}"), older V8 (Node 20) as key=value pairs.
    let g = null;
    if (rest.startsWith("GC: {")) {
      try {
        g = JSON.parse(rest.slice(4));
      } catch {}
    } else if (rest.startsWith("pause=")) g = Object.fromEntries(rest.split(" ").map((kv) => kv.split("=")));
    const before = g?.start_object_size ?? g?.total_size_before;
    if (before !== undefined) {
      const e = { iso, heap: Number(before), heapAfter: Number(g.end_object_size ?? g.total_size_after), full: g.gc === "mc", ab: null };
      events.push(e);
      last.set(iso, e);
      return;
    }
    const b = /^Backing store memory:\s+(\d+) KB/.exec(rest);
    const e = last.get(iso);
    if (b && e && e.ab === null) e.ab = Number(b[1]) * 1024;
  };
  return {
    onLine,
    mark: () => events.length,
    get oom() {
      return oom;
    },
    /**
     * Per isolate since event index `from`, the largest first: `peakMb` the largest heap at a GC's start (garbage
     * included) + ArrayBuffers, `afterGcMb` the largest heap after a full (mark-compact) GC + ArrayBuffers: what the
     * isolate held alive (ArrayBuffers not yet swept count too).
     */
    peak(from = 0) {
      const by = new Map();
      for (let i = from; i < events.length; i++) {
        const e = events[i];
        const v = e.heap + (e.ab ?? 0);
        const p = by.get(e.iso) ?? {
          iso: e.iso,
          peakMb: 0,
          heapMb: 0,
          arrayBuffersMb: 0,
          afterGcMb: NaN,
          heapAfterMb: NaN,
          arrayBuffersAfterMb: NaN,
          gcs: 0,
        };
        p.gcs++;
        const after = e.heapAfter + (e.ab ?? 0);
        if (e.full && !(after / 2 ** 20 <= p.afterGcMb))
          Object.assign(p, { afterGcMb: after / 2 ** 20, heapAfterMb: e.heapAfter / 2 ** 20, arrayBuffersAfterMb: (e.ab ?? 0) / 2 ** 20 });
        if (v / 2 ** 20 > p.peakMb)
          Object.assign(p, { peakMb: v / 2 ** 20, heapMb: e.heap / 2 ** 20, arrayBuffersMb: (e.ab ?? 0) / 2 ** 20 });
        by.set(e.iso, p);
      }
      return [...by.values()].sort((a, b) => b.peakMb - a.peakMb);
    },
  };
}

/**
 * Checks that capFlags(capMb) really stops an isolate in this workerd: a probe worker holds `mb` MB of ArrayBuffers (1 MB
 * typed arrays, written to) while it makes 200 MB of short-lived ones, once per entry of `heldMb`, each in a fresh workerd.
 * @returns [{ heldMb, completed }] — expected: completed below the cap, aborted above it
 * @example await calibrateCap(128, [100, 136], dir, 8890) // => [{ heldMb: 100, completed: true }, { heldMb: 136, completed: false }]
 */
export async function calibrateCap(capMb, heldMb, dir, port) {
  const { startWorkerd } = await import("../scripts/durability-devserver.mjs");
  const { mkdirSync, writeFileSync } = await import("node:fs");
  mkdirSync(path.join(dir, "bundle"), { recursive: true });
  writeFileSync(
    path.join(dir, "bundle/index.js"),
    `export default { async fetch(req) {
      const mb = Number(new URL(req.url).searchParams.get("mb"));
      const held = [];
      for (let i = 0; i < mb; i++) held.push(new Uint8Array(1 << 20).fill(1));
      let t = 0;
      for (let i = 0; i < 200; i++) { const g = new Float64Array(1 << 17); g[5] = i; t += g[5]; }
      return new Response(String(held.length + t));
    } };`,
  );
  writeFileSync(
    path.join(dir, "wrangler.toml"),
    `compatibility_date = "2026-04-01"\ndatabase_id = "00000000-0000-4000-8000-000000000000"\nbucket_name = "probe"\n`,
  );
  const out = [];
  for (const mb of heldMb) {
    const trace = gcTraceMemory();
    const wd = await startWorkerd({ dir, persistTo: path.join(dir, "data"), port, v8Flags: capFlags(capMb), onStdout: trace.onLine });
    let completed = false;
    try {
      const res = await fetch(`http://127.0.0.1:${port}/?mb=${mb}`);
      completed = res.ok && (await res.text()).length > 0;
    } catch {
      completed = false;
    } finally {
      await wd.stop();
    }
    out.push({ heldMb: mb, completed });
  }
  return out;
}

/**
 * The what-if both load benches send (POST .../scenarios, not saved): +1 answer point on the NPS question for every
 * account, 3 years, 10% discount, 80% margin, $100,000.
 * @example whatifBody("m_1", 0)
 */
export function whatifBody(modelId, draws) {
  return JSON.stringify({
    name: "bench what-if",
    modelId,
    change: { nps: 1 },
    horizonYears: 3,
    annualDiscountRate: 0.1,
    grossMargin: 0.8,
    investment: 100000,
    save: false,
    draws,
    seed: 1,
  });
}
