// `npm run bench`: models/ against its peers on identical generated data, in one invocation.
// Prints `BENCH <name> ours=<s> peer=<s> ratio=<peer/ours> peerWall=<s> ratioWall=<x> maxRelDiff=<x>` per workload:
// both sides timed alike (one warm-up, best of three, in one process); `ours`/`peer` are CPU seconds with one thread
// each, `peerWall` the peer's best wall time with its default BLAS threads and `ratioWall` = peerWall / our best wall.
// A memory-bandwidth probe first prints the floor of each fit (bytes it must read / bandwidth).
// Peers: statsmodels Logit and OLS (HC3), and a scipy L-BFGS BG/NBD (bench/peers/*.py), run with
// Debian's /usr/bin/python3 (installed here with apt-get when missing). Not part of `npm test`.
// Options: BENCH_N (rows / customers, default 1000000), BENCH_ONLY (comma list: logit,ols,bgnbd,holdout),
// BENCH_KERNELS=js (run OLS and logit on their JavaScript loops instead of the WebAssembly SIMD kernels the worker uses).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { makeRandom } from "../scripts/synthetic-book.mjs";
import { gamma, importTs } from "./lib.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const PY = "/usr/bin/python3";
const N = Number(process.env.BENCH_N ?? 1_000_000);
const ONLY = new Set((process.env.BENCH_ONLY ?? "logit,ols,bgnbd,holdout").split(","));
const P = 8;

function ensurePython() {
  try {
    execFileSync(PY, ["-c", "import statsmodels, scipy, pandas"], { stdio: "ignore" });
  } catch {
    console.log("installing python3-statsmodels python3-scipy python3-pandas with apt-get ...");
    execFileSync("apt-get", ["update"], { stdio: "inherit" });
    execFileSync("apt-get", ["install", "-y", "python3-statsmodels", "python3-scipy", "python3-pandas"], { stdio: "inherit" });
  }
}

/** models/ bundled once with esbuild so Node runs the same TypeScript the worker does. */
const loadModels = (dir) =>
  importTs(
    `export { fitLogit } from "./models/regression/logistic"; export { fitOls } from "./models/regression/ols"; export { fitBgnbd } from "./models/clv/bgnbd"; export { holdoutTest } from "./models/clv/holdout-test"; export { bgnbdModel } from "./models/clv/transactions-clv"; export { useKernels } from "./models/wasm/kernels";`,
    dir,
    "models.mjs",
  );

/** Seeded uniforms (mulberry32 of scripts/synthetic-book.mjs), Box–Muller normals and gammas: every run benches the same data. */
function rng(seed) {
  const u = makeRandom(seed).uniform;
  const norm = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  return { u, norm, gamma: (k) => gamma(u, k) };
}

function design(n, seed) {
  const g = rng(seed);
  const X = new Float64Array(n * P);
  for (let i = 0; i < n; i++) {
    const o = i * P;
    X[o] = 1;
    const z = g.norm();
    for (let j = 1; j < P; j++) X[o + j] = 0.5 * z + g.norm() * (j % 3 === 0 ? 2 : 1) + (j === 7 ? 3 : 0); // correlated, mixed scales
  }
  return { X, g };
}

function genLogit(n) {
  const { X, g } = design(n, 11);
  const beta = [-0.5, 0.4, -0.25, 0.1, 0.3, -0.35, 0.2, 0.05];
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let eta = 0;
    for (let j = 0; j < P; j++) eta += X[i * P + j] * beta[j];
    y[i] = g.u() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
  }
  return { X, y };
}

function genOls(n) {
  const { X, g } = design(n, 22);
  const beta = [2, 0.4, -0.25, 0.1, 0.3, -0.35, 0.2, 0.05];
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let mu = 0;
    for (let j = 0; j < P; j++) mu += X[i * P + j] * beta[j];
    y[i] = mu + g.norm() * (0.5 + Math.abs(X[i * P + 1])); // heteroskedastic: HC3 matters
  }
  return { X, y };
}

/** Customers simulated from the BG/NBD process itself (r 0.25, α 30 days, a 0.8, b 2.5), whole days, T 1..365. */
function genBgnbd(n) {
  const g = rng(33);
  const x = new Float64Array(n),
    tx = new Float64Array(n),
    T = new Float64Array(n);
  const r = 0.25,
    alpha = 30,
    a = 0.8,
    b = 2.5;
  for (let i = 0; i < n; i++) {
    const Ti = 1 + Math.floor(g.u() * 365);
    const lambda = g.gamma(r) / alpha;
    const ga = g.gamma(a),
      gb = g.gamma(b);
    const p = ga / (ga + gb);
    let t = 0,
      count = 0,
      last = 0;
    for (;;) {
      t += -Math.log(1 - g.u()) / lambda;
      if (t > Ti) break;
      const day = Math.floor(t);
      if (day > last || count === 0) {
        count++;
        last = day;
      }
      if (g.u() < p) break; // drops out after this purchase
    }
    x[i] = count;
    tx[i] = count > 0 ? last : 0;
    T[i] = Ti;
  }
  return { x, tx, T };
}

/**
 * A calibration/holdout book from the BG/NBD process (r 0.25, α 30 days, a 0.8, b 2.5): first purchase on a day of
 * [0, 364), calibration end day 364, holdout to day 546 (26 weeks); distinct purchase days as lifetimes counts them.
 */
function genHoldout(n) {
  const g = rng(34);
  const CAL = 364,
    END = 546;
  const x = new Float64Array(n),
    tx = new Float64Array(n),
    T = new Float64Array(n),
    firstDay = new Float64Array(n),
    actual = new Float64Array(n);
  const repeatsByDay = new Map();
  for (let i = 0; i < n; i++) {
    const first = Math.floor(g.u() * 364);
    const lambda = g.gamma(0.25) / 30;
    const ga = g.gamma(0.8),
      gb = g.gamma(2.5);
    const p = ga / (ga + gb);
    let t = first,
      last = first,
      cal = 0,
      hold = 0,
      lastCal = first;
    // P(alive) is 1 until the first repeat purchase (FHL 2005: dropout only after a repeat transaction).
    for (;;) {
      t += -Math.log(1 - g.u()) / lambda;
      const day = Math.floor(t);
      if (day > END) break;
      if (day > last) {
        last = day;
        repeatsByDay.set(day, (repeatsByDay.get(day) ?? 0) + 1);
        if (day <= CAL) {
          cal++;
          lastCal = day;
        } else hold++;
      }
      if (g.u() < p) break;
    }
    x[i] = cal;
    tx[i] = lastCal - first;
    T[i] = CAL - first;
    firstDay[i] = first;
    actual[i] = hold;
  }
  return { frequency: x, recency: tx, T, firstDay, actual, repeatsByDay, calibrationEnd: CAL, holdoutEnd: END };
}

function save(dir, name, arr) {
  writeFileSync(path.join(dir, name), Buffer.from(arr.buffer, arr.byteOffset, arr.byteLength));
}

const THREAD_VARS = ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"];

/**
 * Runs a peer script twice (each times one warm-up and the best of three, bench/peers/timing.py): with one BLAS
 * thread for the CPU figure, and with the library's default threads (the thread variables removed) for the wall
 * figure. Returns the single-thread run's output with `wall` replaced by the default-threads wall time.
 */
function peer(script, args) {
  const run = (env) =>
    JSON.parse(
      execFileSync(PY, [path.join(root, "bench/peers", script), ...args], { cwd: path.join(root, "bench/peers"), maxBuffer: 1 << 24, env })
        .toString()
        .trim()
        .split("\n")
        .pop(),
    );
  const one = run({ ...process.env, ...Object.fromEntries(THREAD_VARS.map((v) => [v, "1"])) });
  const defaults = { ...process.env };
  for (const v of THREAD_VARS) delete defaults[v];
  const many = run(defaults);
  return { ...one, wallOneThread: one.wall, wall: many.wall };
}

/**
 * Best of `runs` after one warm-up (V8 compiles the hot loops on the first call). `seconds` is the CPU time of
 * this single-threaded process, like the peers' time.process_time() with one BLAS thread: on a shared machine
 * wall time mostly measures the neighbours. Wall time is reported beside it.
 */
function timeIt(fn, runs = 3) {
  let result = fn();
  let best = Infinity;
  let wall = Infinity;
  for (let k = 0; k < runs; k++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    result = fn();
    const c = process.cpuUsage(c0);
    wall = Math.min(wall, (performance.now() - t0) / 1000);
    best = Math.min(best, (c.user + c.system) / 1e6);
  }
  return { result, seconds: best, wall };
}

function maxRelDiff(ours, theirs) {
  let m = 0;
  for (let i = 0; i < theirs.length; i++) m = Math.max(m, Math.abs(ours[i] - theirs[i]) / Math.max(Math.abs(theirs[i]), 1e-300));
  return m;
}

/** The BENCH line; `floor` (s) is the bandwidth floor of the fit's passes, printed in a comment beside it. */
function line(name, ours, pr, diff, floor) {
  console.log(
    `# ${name}: wall ours=${ours.wall.toFixed(4)} peer(1 thread)=${pr.wallOneThread.toFixed(4)} peer(default threads)=${pr.wall.toFixed(4)}; ` +
      `floor ${floor.seconds.toFixed(4)} s (${floor.what}), ours = ${(ours.seconds / floor.seconds).toFixed(1)}× the floor`,
  );
  console.log(
    `BENCH ${name} ours=${ours.seconds.toFixed(4)} peer=${pr.seconds.toFixed(4)} ratio=${(pr.seconds / ours.seconds).toFixed(2)} ` +
      `peerWall=${pr.wall.toFixed(4)} ratioWall=${(pr.wall / ours.wall).toFixed(2)} maxRelDiff=${diff.toExponential(2)}`,
  );
}

/**
 * Read bandwidth of one core from memory: the best of five sums over a 256 MB Float64Array (far beyond the caches),
 * four independent accumulators so the adds are not the limit. Bytes per second.
 */
function bandwidth() {
  const a = new Float64Array(32 << 20).fill(1);
  const sum = (v) => {
    let s0 = 0,
      s1 = 0,
      s2 = 0,
      s3 = 0;
    for (let i = 0; i < v.length; i += 4) {
      s0 += v[i];
      s1 += v[i + 1];
      s2 += v[i + 2];
      s3 += v[i + 3];
    }
    return s0 + s1 + s2 + s3;
  };
  sum(a);
  let best = Infinity;
  for (let k = 0; k < 5; k++) {
    const t0 = performance.now();
    if (sum(a) !== a.length) throw new Error("bandwidth probe");
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return a.byteLength / best;
}

/** The floor of a fit: `passes` reads of `bytes`, at the probed bandwidth. */
const floorOf = (bytes, passes, bw, what) => ({
  seconds: (bytes * passes) / bw,
  what: `${what}: ${passes} × ${(bytes / 1e6).toFixed(0)} MB`,
});

/** A fixed amount of dependent arithmetic: on an idle 3 GHz core about 0.12 s; more means the CPU is shared. */
function calibrate() {
  const a = new Float64Array(256).map((_, i) => 1 + i * 1e-3);
  let s = 0;
  const c0 = process.cpuUsage();
  for (let r = 0; r < 350_000; r++) {
    let w = 0;
    for (let i = 0; i < 256; i++) w += a[i] * a[i];
    s += w;
  }
  const c = process.cpuUsage(c0);
  return { seconds: (c.user + c.system) / 1e6, s };
}

ensurePython();
const cal = calibrate();
const BW = bandwidth();
console.log(`# memory read bandwidth (one core, 256 MB sum, best of 5): ${(BW / 1e9).toFixed(2)} GB/s`);
console.log(
  `# calibration: 90M dependent multiply-adds took ${cal.seconds.toFixed(3)} s of CPU (a reference for comparing runs: more means a busier CPU); load average ${(await import("node:os")).loadavg()[0].toFixed(1)}`,
);
const dir = mkdtempSync(path.join(tmpdir(), "cx-bench-"));
try {
  const m = await loadModels(dir);
  // The worker registers the kernels it imports (worker/wasm-kernels.ts); Node compiles the same file.
  const kernels = process.env.BENCH_KERNELS === "js" ? "JavaScript loops" : "WebAssembly SIMD kernels (models/wasm/kernels.wasm)";
  if (process.env.BENCH_KERNELS !== "js")
    m.useKernels(new WebAssembly.Instance(new WebAssembly.Module(readFileSync(path.join(root, "models/wasm/kernels.wasm")))).exports);
  console.log(`# OLS and logit passes: ${kernels}`);
  const terms = ["Intercept", ...Array.from({ length: P - 1 }, (_, j) => `x${j + 1}`)];
  if (ONLY.has("logit")) {
    const { X, y } = genLogit(N);
    save(dir, "logit_X.f64", X);
    save(dir, "logit_y.f64", y);
    const ours = timeIt(() => m.fitLogit(X, y, N, P, terms, terms, "y"));
    const pr = peer("logit_statsmodels.py", [dir, String(N), String(P)]);
    const est = ours.result.coefficients.map((c) => c.estimate);
    const se = ours.result.coefficients.map((c) => c.stdError);
    // Each Newton step reads X and y once; the iterations are those of our fit.
    const passes = ours.result.fit.iterations + 1;
    line(
      `logit_${N}x${P}_with_se`,
      ours,
      pr,
      Math.max(maxRelDiff(est, pr.params), maxRelDiff(se, pr.bse)),
      floorOf(X.byteLength + y.byteLength, passes, BW, `X and y once per likelihood pass, ${passes} passes`),
    );
  }
  if (ONLY.has("ols")) {
    const { X, y } = genOls(N);
    save(dir, "ols_X.f64", X);
    save(dir, "ols_y.f64", y);
    const ours = timeIt(() => m.fitOls(X, y, N, P, terms, "HC3"));
    const pr = peer("ols_statsmodels.py", [dir, String(N), String(P)]);
    const est = ours.result.coefficients.map((c) => c.estimate);
    const se = ours.result.coefficients.map((c) => c.stdError);
    // The fit reads X and y twice: the QR (or Gram) pass, then the residual/leverage pass of HC3.
    line(
      `ols_hc3_${N}x${P}`,
      ours,
      pr,
      Math.max(maxRelDiff(est, pr.params), maxRelDiff(se, pr.bse)),
      floorOf(X.byteLength + y.byteLength, 2, BW, "X and y: factor pass + HC3 pass"),
    );
  }
  if (ONLY.has("bgnbd")) {
    const { x, tx, T } = genBgnbd(N);
    save(dir, "bg_x.f64", x);
    save(dir, "bg_tx.f64", tx);
    save(dir, "bg_T.f64", T);
    const ours = timeIt(() => m.fitBgnbd({ frequency: x, recency: tx, T }));
    const pr = peer("bgnbd_scipy.py", [dir, String(N)]);
    const o = ours.result;
    console.log(
      `# bgnbd: ${o.nPatterns} distinct patterns; ours r ${o.r.toFixed(5)} alpha ${o.alpha.toFixed(4)} a ${o.a.toFixed(5)} b ${o.b.toFixed(5)} LL ${o.logLik.toFixed(3)}; peer LL ${pr.ll.toFixed(3)} converged ${pr.converged}`,
    );
    // The three summary columns read once to collapse the customers into patterns; the fit then works on the patterns.
    line(
      `bgnbd_${N}_customers`,
      ours,
      pr,
      maxRelDiff([o.r, o.alpha, o.a, o.b], pr.params),
      floorOf(x.byteLength + tx.byteLength + T.byteLength, 1, BW, "frequency, recency, T once"),
    );
  }
  if (ONLY.has("holdout")) {
    // The holdout test of POST .../clv with holdoutEnd (models/clv/holdout-test.ts) after the calibration fit: by-frequency
    // means and the weekly cumulative curve over 78 weeks. No peer runs this whole computation; ours alone (CPU seconds).
    const inp = genHoldout(N);
    const fit = m.fitBgnbd(inp);
    const ours = timeIt(() => m.holdoutTest(m.bgnbdModel(fit), inp), 1);
    const s = ours.result.summary;
    console.log(
      `# holdout: ${N} customers, predicted ${s.predictedTotal.toFixed(0)} vs actual ${s.actualTotal} holdout repeat purchases (${s.totalPercentError.toFixed(2)}%), weekly MAPE ${s.weeklyMape.toFixed(2)}%`,
    );
    console.log(`BENCH holdout_${N}_customers ours=${ours.seconds.toFixed(4)} wall=${ours.wall.toFixed(4)} (no peer)`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
