// `npm run bench:browser`: the what-if recompute of the web UI for a 100,000-account workspace, in headless
// Chromium, timed with performance.now per slider move (target ≤ 16 ms, one frame).
// What runs is what the UI runs on every input event: web/src/whatif-engine.ts pointEstimate (models/scenario.ts,
// draws 0) and the revenue chart's update (chart.js, animation off). The book is generated in the page (seeded).
// maxRelDiff: revenue gain against a naive loop of the API.md formula written here, over the same moves.
// Prints `BENCH whatif_100k ours=<median s> peer=n/a ratio=n/a maxRelDiff=<x> p95=<s> computeOnly=<median s> target=0.016`.
// Options: BENCH_WHATIF_N (accounts, default 100000), BENCH_WHATIF_MOVES (default 60).
import { build } from "esbuild";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const N = Number(process.env.BENCH_WHATIF_N ?? 100_000);
const MOVES = Number(process.env.BENCH_WHATIF_MOVES ?? 60);

const bundle = await build({
  stdin: {
    contents: `
      import { pointEstimate } from "./web/src/whatif-engine";
      import { renderRevenue, updateRevenue } from "./web/src/charts/revenue";
      window.__bench = { pointEstimate, renderRevenue, updateRevenue };`,
    resolveDir: root,
    loader: "ts",
  },
  bundle: true,
  format: "iife",
  target: "es2022",
  write: false,
  minify: true,
  logLevel: "error",
});

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.setContent(`<!doctype html><html><body><div style="position:relative;height:380px;width:900px"><canvas id="c"></canvas></div></body></html>`);
  await page.addScriptTag({ content: bundle.outputFiles[0].text });
  const r = await page.evaluate(({ N, MOVES }) => {
    const { pointEstimate, renderRevenue, updateRevenue } = window.__bench;
    // Seeded book: Intercept, nps (0-10), csat (1-5), log_arr, segment[T.Mid], segment[T.SMB].
    let a = 12345;
    const u = () => { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
    const terms = ["Intercept", "nps", "csat", "log_arr", "segment[T.Mid-Market]", "segment[T.SMB]"];
    const p = terms.length;
    const beta = [-2.5, 0.35, 0.2, 0.05, -0.1, -0.3];
    const cov = terms.map((_, i) => terms.map((__, j) => (i === j ? 0.001 : 0)));
    const X = new Float64Array(N * p);
    const arr = new Float64Array(N);
    const segment = new Array(N);
    for (let i = 0; i < N; i++) {
      const s = Math.floor(u() * 3);
      arr[i] = Math.round(5000 + u() * 80000);
      X.set([1, Math.round(u() * 10), 1 + Math.round(u() * 4), Math.log(arr[i]), s === 1 ? 1 : 0, s === 2 ? 1 : 0], i * p);
      segment[i] = ["Enterprise", "Mid-Market", "SMB"][s];
    }
    const book = { terms, beta, cov, X, arr, segment, masks: new Map() };
    const params = (nps) => ({ nps, csat: 0, segment: "", investment: 1e6, horizonYears: 3, grossMargin: 0.8, annualDiscountRate: 0.1 });
    // Naive reference (API.md formula), for maxRelDiff.
    const naive = (dNps) => {
      let g = 0;
      for (let i = 0; i < N; i++) {
        let eta = 0;
        for (let k = 0; k < p; k++) eta += X[i * p + k] * beta[k];
        const x = X[i * p + 1];
        const eta2 = eta + (Math.min(10, Math.max(0, x + dNps)) - x) * beta[1];
        const p1 = 1 / (1 + Math.exp(-eta)), p2 = 1 / (1 + Math.exp(-eta2));
        for (let t = 1; t <= 3; t++) g += (arr[i] * (p2 ** (t - 1) - p1 ** (t - 1))) / 1.1 ** (t - 1);
      }
      return g;
    };
    const first = pointEstimate(book, params(0.1));
    const chart = renderRevenue(document.getElementById("c"), { baseline: first.baseline.revenueByYear, scenario: first.scenario.revenueByYear, lo: null, hi: null });
    const total = [], compute = [];
    let maxRel = 0;
    for (let m = 0; m < MOVES + 5; m++) {
      const nps = Math.round((0.1 + (2.9 * m) / (MOVES + 4)) * 10) / 10; // the slider's 0.1 steps
      const t0 = performance.now();
      const res = pointEstimate(book, params(nps));
      const t1 = performance.now();
      updateRevenue(chart, { baseline: res.baseline.revenueByYear, scenario: res.scenario.revenueByYear, lo: null, hi: null });
      const t2 = performance.now();
      if (m >= 5) { total.push(t2 - t0); compute.push(t1 - t0); }
      if (m % 10 === 0) { const ref = naive(nps); maxRel = Math.max(maxRel, Math.abs(res.revenueGain - ref) / Math.abs(ref)); }
    }
    const q = (xs, f) => { const s = [...xs].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor(f * s.length))]; };
    return { median: q(total, 0.5), p95: q(total, 0.95), computeMedian: q(compute, 0.5), maxRel };
  }, { N, MOVES });
  if (errors.length) throw new Error(`page errors: ${errors.join("; ")}`);
  const s = (ms) => (ms / 1000).toFixed(6);
  console.log(`BENCH whatif_${Math.round(N / 1000)}k ours=${s(r.median)} peer=n/a ratio=n/a maxRelDiff=${r.maxRel.toExponential(2)} p95=${s(r.p95)} computeOnly=${s(r.computeMedian)} target=0.016`);
  if (r.median > 16) console.log(`# over the 16 ms target: median ${r.median.toFixed(2)} ms per slider move`);
} finally {
  await browser.close();
}
