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
 * Samples a workerd isolate's memory through its inspector (Chrome DevTools protocol, Runtime.getHeapUsage: the V8
 * heap in use plus the ArrayBuffer backing stores, i.e. typed arrays) every `everyMs`, and keeps the largest sum.
 * The inspector answers when the isolate gets to it (in practice at the start and end of a long call), so a peak
 * between samples can be missed; and V8's figures count garbage not yet collected, which a heap limit would have
 * collected first. Neither bound is tight: read it beside the process RSS rise (which also counts the simulators).
 * `ws` is resolved through miniflare, which depends on it.
 * @example const s = await isolateMemory(9230); s.start(); await work(); const { peakMb } = await s.stop();
 */
export async function isolateMemory(inspectorPort, everyMs = 10) {
  const { createRequire } = await import("node:module");
  const req = createRequire(createRequire(import.meta.url).resolve("miniflare"));
  const WebSocket = req("ws");
  const targets = await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json();
  const target = targets.find((t) => t.webSocketDebuggerUrl && !/loopback|proxy/i.test(t.title ?? "")) ?? targets[0];
  const sock = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((res, rej) => (sock.once("open", res), sock.once("error", rej)));
  let id = 0;
  const waiting = new Map();
  sock.on("message", (data) => {
    const m = JSON.parse(String(data));
    waiting.get(m.id)?.(m.result ?? {});
    waiting.delete(m.id);
  });
  const usage = () =>
    new Promise((res) => {
      waiting.set(++id, res);
      sock.send(JSON.stringify({ id, method: "Runtime.getHeapUsage" }));
    });
  const mb = (u) => ((u.usedSize ?? 0) + (u.backingStorageSize ?? 0)) / 2 ** 20;
  let peak = 0,
    samples = 0,
    running = false,
    loop = null;
  const base = mb(await usage());
  return {
    target: target.title,
    baseMb: base,
    start() {
      running = true;
      loop = (async () => {
        while (running) {
          const u = await usage();
          samples++;
          peak = Math.max(peak, mb(u));
          await new Promise((r) => setTimeout(r, everyMs));
        }
      })();
    },
    async stop() {
      running = false;
      await loop;
      peak = Math.max(peak, mb(await usage()));
      sock.close();
      return { peakMb: peak, baseMb: base, samples };
    },
  };
}
