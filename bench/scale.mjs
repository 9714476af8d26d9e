// Scale bench (`npm run bench:scale`, not part of npm test). Generates its data itself (seeded),
// runs a frozen bundle of the worker under a local `wrangler dev` (127.0.0.1 only) and prints
//   BENCH <name> ours=<s> peer=<s|n/a> ratio=<peer/ours> maxRelDiff=<x|n/a> [extra fields]
// for:
//   ingest_responses_1M    1M survey rows (~40 MB CSV) streamed through POST .../datasets; rss = peak RSS of
//                          the workerd process during the upload (VmHWM, reset before); peer = pandas.read_csv
//   logit_100k_accounts    POST .../models (logistic, renewed ~ nps + csat + log_arr + segment) on 100k accounts
//                          joined from those responses; peer = pandas join + statsmodels Logit on the same files
//   bgnbd_1M_customers     BG/NBD on 1M customers summarised from 10M generated transactions (models/ in Node:
//                          the block summariser, pattern collapse and fit); peer = scipy L-BFGS on the same summary
//   metrics_p99_50conns    GET .../metrics under 50 autocannon connections for 10 s: ours = p99 in seconds, served by
//                          workerd alone (Miniflare's API) on the same state; wrangler dev's figure (through its
//                          reload proxy) is printed beside it
//   ingest_heap_5M         the intake alone (stream.ts + dataset-writer.ts) in Node under --max-old-space-size=128 on 5M
//                          rows: peak heap + external + ArrayBuffers, without the local D1/R2 simulators of workerd
//   end_to_end_5M          5M response rows through the chunked upload + queued parse job, then metrics and a fit, on
//                          workerd alone under V8's 128 MB cap: BENCH end_to_end_<rows>_workerd_peak_mb
//   clv_route_10M          ~10M generated transactions of 1M customers (BG/NBD process, date order) through the chunked
//                          upload + job, then POST .../clv timed (blocks from R2, summary, both fits, CLV of every
//                          customer) and GET .../export/clv.csv streamed, on workerd alone under V8's 128 MB cap:
//                          BENCH clv_1m_customers_workerd_peak_mb (the isolate's heap + ArrayBuffers after its GCs) and
//                          the smallest cap the call completes under
// Also: BENCH metrics_p99_ratio=<metrics p99 / health p99> metrics_handler_ms whatif_handler_ms (Server-Timing), a mixed
// 50-connection run repeated in rounds (the median round is reported, every round printed).
// Targets: ingest ≤ 10 s, logit ≤ 1 s, BG/NBD ≤ 2 s, metrics p99 ≤ 1.2 × health p99, handler ≤ 5 ms (metrics) and
// ≤ 50 ms (what-if at 100k accounts), isolate < 128 MB at 1M customers and 5M rows.
// Env: SCALE_ROWS (default 1000000), SCALE_ACCOUNTS (100000), SCALE_E2E_ROWS (5000000), SCALE_PORT (8799),
//      SCALE_CLV_CUSTOMERS (1000000; about 9.3 transactions each),
//      SCALE_ONLY (comma list of the names above, prefixes allowed),
//      BENCH_ONLY=latency (the latency part only), =clv (the CLV memory part alone: clv_route), =e2e (end_to_end alone),
//      =clv,e2e (both), SCALE_MIXED_SECONDS (20: each mixed latency round), SCALE_MIXED_ROUNDS (3: the median is reported),
//      SCALE_CAP_STEP (4: MB resolution of the smallest cap the CLV call completes under; 0 skips that search).
// Memory (clv_route, end_to_end): workerd alone (Miniflare, queue wired) with V8 enforcing a 128 MB cap on the isolate,
// ArrayBuffers included (bench/lib.mjs capFlags), and V8's GC trace read for the heap + ArrayBuffers after each GC
// (gcTraceMemory); the cap itself is checked first on a probe worker (calibrateCap).
import autocannon from "autocannon";
import { execFileSync } from "node:child_process";
import {
  closeSync,
  createReadStream,
  createWriteStream,
  mkdtempSync,
  openSync,
  readSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { migrate, root, snapshotWorker, startDev, startWorkerd, stopDev } from "../scripts/durability-devserver.mjs";
import { makeRandom } from "../scripts/synthetic-book.mjs";
import {
  calibrateCap,
  capFlags,
  dateOrder,
  gamma,
  gcTraceMemory,
  importTs,
  simulatePurchases,
  whatifBody as benchWhatifBody,
} from "./lib.mjs";

const ROWS = Number(process.env.SCALE_ROWS ?? 1_000_000);
const ACCOUNTS = Number(process.env.SCALE_ACCOUNTS ?? 100_000);
const E2E_ROWS = Number(process.env.SCALE_E2E_ROWS ?? 5_000_000);
const port = Number(process.env.SCALE_PORT ?? 8799);
const base = `http://127.0.0.1:${port}`;
const CLV_CUSTOMERS = Number(process.env.SCALE_CLV_CUSTOMERS ?? 1_000_000);
// Seconds of each mixed round (15 metrics, 20 what-if, 15 health connections) and how many rounds (the median one is reported).
const MIXED_S = Number(process.env.SCALE_MIXED_SECONDS ?? 20);
const MIXED_ROUNDS = Number(process.env.SCALE_MIXED_ROUNDS ?? 3);
// BENCH_ONLY=latency: the latency part alone (its data: ACCOUNTS accounts and ROWS responses; ~2.5 min), as SCALE_ONLY=metrics;
// BENCH_ONLY=clv / e2e: the memory parts alone (clv_route / end_to_end).
const ALIASES = { latency: "metrics", clv: "clv_route", e2e: "end_to_end" };
const ONLY = process.env.BENCH_ONLY
  ? process.env.BENCH_ONLY.split(",").map((o) => ALIASES[o] ?? o)
  : process.env.SCALE_ONLY
    ? process.env.SCALE_ONLY.split(",")
    : null;
const CAP_STEP = Number(process.env.SCALE_CAP_STEP ?? 4);
const want = (name) => !ONLY || ONLY.some((o) => name.startsWith(o));
const PY = "/usr/bin/python3";

/** Seeded uniforms (mulberry32 of scripts/synthetic-book.mjs): every run benches the same data. */
const rng = (seed) => makeRandom(seed).uniform;

/** Writes lines produced by `gen(write)` to a file through a buffered stream. */
async function writeFile(file, gen) {
  const out = createWriteStream(file);
  let buf = "";
  const write = async (s) => {
    buf += s;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise((r) => out.once("drain", r));
      buf = "";
    }
  };
  await gen(write);
  out.write(buf);
  await new Promise((r) => out.end(r));
}

/** 100k accounts with a satisfaction level each; renewal depends on it (logistic truth). */
async function genAccounts(file, level) {
  const r = rng(7);
  const segs = ["SMB", "Mid-Market", "Enterprise"];
  await writeFile(file, async (w) => {
    await w("account_id,arr,renewed,segment,region,tenure_months\n");
    for (let i = 0; i < ACCOUNTS; i++) {
      level[i] = Math.min(10, Math.max(0, 7 + 2.2 * (r() + r() + r() - 1.5) * 1.4));
      const arr = Math.round(Math.exp(9 + 1.2 * (r() + r() - 1)) * 10) / 10;
      const p = 1 / (1 + Math.exp(-(-2.5 + 0.4 * level[i] + 0.1 * (Math.log(arr) - 9))));
      await w(`A${i},${arr},${r() < p ? 1 : 0},${segs[i % 3]},R${i % 4},${Math.floor(r() * 72)}\n`);
    }
  });
}

/** Survey responses around each account's level: account_id,date,nps,csat,ces,touchpoint. */
async function genResponses(file, n, level, seed) {
  const r = rng(seed);
  const tps = ["onboarding", "support", "billing", "renewal"];
  await writeFile(file, async (w) => {
    await w("account_id,date,nps,csat,ces,touchpoint\n");
    for (let j = 0; j < n; j++) {
      const i = Math.floor(r() * ACCOUNTS);
      const nps = Math.min(10, Math.max(0, Math.round(level[i] + 3 * (r() - 0.5))));
      const csat = Math.min(5, Math.max(1, Math.round(1 + nps / 2.5)));
      const ces = 1 + Math.floor(r() * 7);
      const m = 1 + Math.floor(r() * 12);
      const d = 1 + Math.floor(r() * 28);
      await w(`A${i},2025-${m < 10 ? "0" : ""}${m}-${d < 10 ? "0" : ""}${d},${nps},${csat},${ces},${tps[j & 3]}\n`);
    }
  });
}

async function json(res, what) {
  const text = await res.text();
  if (!res.ok) throw new Error(`${what}: ${res.status} ${text.slice(0, 500)}`);
  return JSON.parse(text);
}

/** The workerd process(es) of the wrangler dev process group. */
function workerdPids(pgid) {
  const pids = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) !== pgid) continue; // field 5 (pgrp)
      if (readFileSync(`/proc/${d}/cmdline`, "utf8").includes("workerd")) pids.push(Number(d));
    } catch {}
  }
  return pids;
}

const statusKb = (pid, key) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? NaN);

/** Resets the peak RSS (VmHWM) of a process: writing 5 to clear_refs (Linux ≥ 4.0). */
function resetPeak(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

function line(name, ours, peer, diff, extra = "") {
  const p = peer === null ? "n/a" : peer.toFixed(4);
  const ratio = peer === null ? "n/a" : (peer / ours).toFixed(2);
  const d = diff === null ? "n/a" : diff.toExponential(2);
  console.log(`BENCH ${name} ours=${ours.toFixed(4)} peer=${p} ratio=${ratio} maxRelDiff=${d}${extra ? " " + extra : ""}`);
}

function python(script, args) {
  const out = execFileSync(PY, ["-c", script, ...args], { encoding: "utf8", maxBuffer: 1 << 26 });
  return JSON.parse(out.trim().split("\n").pop());
}

const PANDAS_READ = `
import sys, time, json
import pandas as pd
t = time.perf_counter()
df = pd.read_csv(sys.argv[1])
print(json.dumps({"seconds": time.perf_counter() - t, "rows": len(df), "nps_sum": float(df["nps"].sum())}))
`;

const PEER_LOGIT = `
import sys, time, json
import numpy as np, pandas as pd, statsmodels.api as sm
t = time.perf_counter()
acc = pd.read_csv(sys.argv[1]); resp = pd.read_csv(sys.argv[2])
means = resp.groupby("account_id")[["nps", "csat"]].mean()
df = acc.join(means, on="account_id")
df["log_arr"] = np.log(df["arr"].where(df["arr"] > 0))
df = df.dropna(subset=["renewed", "nps", "csat", "log_arr", "segment"])
X = pd.get_dummies(df[["nps", "csat", "log_arr", "segment"]], columns=["segment"], drop_first=True, dtype=float)
X = sm.add_constant(X)
t1 = time.perf_counter()
fit = sm.Logit(df["renewed"].astype(float), X).fit(disp=0)
t2 = time.perf_counter()
print(json.dumps({"seconds": t2 - t, "fitSeconds": t2 - t1, "n": int(len(df)), "params": {k: float(v) for k, v in fit.params.items()}}))
`;

/**
 * 1M customers' transactions from the BG/NBD process (r 0.5, α 12 days, a 0.8, b 6; first purchases over the first
 * year, observation end day 730), about 10M in all, put in date order by a counting sort; then, timed: the one-pass
 * summary over 65,536-row blocks (models/clv/rfm-blocks.ts), the pattern collapse and the fit (models/clv/bgnbd.ts).
 */
async function benchBgnbd(dir) {
  const { fitBgnbd, RfmAccumulator } = await importTs(
    `export { fitBgnbd } from "./models/clv/bgnbd"; export { RfmAccumulator } from "./models/clv/rfm-blocks";`,
    dir,
    "models-scale.mjs",
  );
  const C = 1_000_000,
    END = 730;
  const u = rng(99);
  let t0 = performance.now();
  const { cust, day, n } = simulatePurchases(u, C, END);
  // The log in date order, as an export would be.
  const order = dateOrder(day, n, END);
  const sc = new Int32Array(n),
    sd = new Float64Array(n),
    amount = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    sc[k] = cust[order[k]];
    sd[k] = day[order[k]];
  }
  for (let i = 0; i < n; i++) amount[i] = 5 + Math.floor(u() * 100);
  console.log(`# generated ${n} transactions of ${C} customers in date order in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  t0 = performance.now();
  const acc = new RfmAccumulator(END);
  for (let s = 0; s < n; s += 65536) {
    const e = Math.min(n, s + 65536);
    acc.add(sc.subarray(s, e), sd.subarray(s, e), amount.subarray(s, e));
  }
  const sum = acc.summary();
  const tSummary = (performance.now() - t0) / 1000;
  const keep = [];
  for (let i = 0; i < sum.T.length; i++) if (sum.T[i] > 0) keep.push(i);
  const pick = (a) => Float64Array.from(keep, (i) => a[i]);
  const data = { frequency: pick(sum.frequency), recency: pick(sum.recency), T: pick(sum.T) };
  const t1 = performance.now();
  const fit = fitBgnbd(data);
  const tFit = (performance.now() - t1) / 1000;
  const ours = tSummary + tFit;
  writeFileSync(path.join(dir, "bg_x.f64"), new Uint8Array(data.frequency.buffer));
  writeFileSync(path.join(dir, "bg_tx.f64"), new Uint8Array(data.recency.buffer));
  writeFileSync(path.join(dir, "bg_T.f64"), new Uint8Array(data.T.buffer));
  let peer = null,
    diff = null;
  try {
    const pr = JSON.parse(
      execFileSync(PY, [path.join(root, "bench/peers/bgnbd_scipy.py"), dir, String(keep.length)], {
        cwd: path.join(root, "bench/peers"),
        encoding: "utf8",
      })
        .trim()
        .split("\n")
        .pop(),
    );
    peer = pr.wall;
    diff = Math.max(...[fit.r, fit.alpha, fit.a, fit.b].map((v, i) => relDiff(v, pr.params[i])));
  } catch (e) {
    console.log(`# scipy peer failed: ${String(e).slice(0, 300)}`);
  }
  line(
    `bgnbd_${C}_customers_from_${n}_transactions`,
    ours,
    peer,
    diff,
    `summary=${tSummary.toFixed(3)}s fit=${tFit.toFixed(3)}s customers=${keep.length} r=${fit.r.toFixed(4)} alpha=${fit.alpha.toFixed(3)} a=${fit.a.toFixed(4)} b=${fit.b.toFixed(4)} target=2s (peer: scipy on the summary, wall)`,
  );
}

/**
 * customer_id,date,amount CSV of C customers from the BG/NBD process of benchBgnbd (r 0.5, α 12 days, a 0.8, b 6;
 * first purchases over the first year, last day 730), each customer with a typical spend; in date order (counting
 * sort). Returns the number of transactions.
 */
async function genTransactions(file, C) {
  const u = rng(4242),
    END = 730;
  const { cust, day, n } = simulatePurchases(u, C, END);
  const spend = Float64Array.from({ length: C }, () => 5 + (60 * gamma(u, 2)) / 2);
  const order = dateOrder(day, n, END);
  const iso = Array.from({ length: END + 1 }, (_, d) => new Date(Date.UTC(2023, 0, 1) + d * 86_400_000).toISOString().slice(0, 10));
  await writeFile(file, async (w) => {
    await w("customer_id,date,amount\n");
    for (let k = 0; k < n; k++) {
      const i = order[k];
      await w(`C${cust[i]},${iso[day[i]]},${(spend[cust[i]] * (0.5 + u())).toFixed(2)}\n`);
    }
  });
  return n;
}

const state = mkdtempSync(path.join(os.tmpdir(), "cx-scale-"));

/**
 * Runs `work(baseUrl, trace)` on the frozen bundle served by workerd alone (Miniflare; queue wired, so chunked uploads
 * are parsed by their job in the same isolate) under V8's memory cap of `capMb` (capFlags), reading the GC trace.
 * @returns { ok, value, trace } — ok false when V8 aborted workerd for going over the cap
 */
async function underCap(capMb, work) {
  const trace = gcTraceMemory();
  const wd = await startWorkerd({
    dir: path.join(state, "worker"),
    persistTo: path.join(state, "data"),
    port: port + 1,
    queues: true,
    v8Flags: capFlags(capMb),
    onStdout: trace.onLine,
  });
  try {
    return { ok: true, value: await work(`http://127.0.0.1:${port + 1}`, trace), trace };
  } catch (e) {
    await new Promise((r) => setTimeout(r, 500)); // the abort's message on stderr
    if (!trace.oom) throw e;
    return { ok: false, value: null, trace };
  } finally {
    await wd.stop();
  }
}

/** "peak after GC (heap + ArrayBuffers)" of the worker's isolate since trace event `from`, and its parts. */
function isolatePeak(trace, from = 0) {
  const [p] = trace.peak(from);
  return p ?? { peakMb: NaN, afterGcMb: NaN, heapAfterMb: NaN, arrayBuffersAfterMb: NaN, heapMb: NaN, arrayBuffersMb: NaN, gcs: 0 };
}
let server;
let exitCode = 0;
const relDiff = (a, b) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);

try {
  const level = new Float64Array(ACCOUNTS);
  const accFile = path.join(state, "accounts.csv");
  const respFile = path.join(state, "responses.csv");
  let t0 = Date.now();
  await genAccounts(accFile, level);
  if (want("ingest") || want("logit") || want("metrics")) await genResponses(respFile, ROWS, level, 11);
  console.log(`# generated ${ACCOUNTS} accounts and ${ROWS} responses in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  // BG/NBD runs models/ in this process (no server needed).
  if (want("bgnbd"))
    await benchBgnbd(state).catch((e) => {
      console.log(`# bgnbd bench failed: ${String(e).slice(0, 300)}`);
      exitCode = 1;
    });
  if (want("ingest_heap")) {
    // The intake's own memory (no simulators in the process): Node with a 128 MB old-space limit, 5M rows.
    const r = JSON.parse(
      execFileSync(process.execPath, ["--max-old-space-size=128", path.join(root, "bench/ingest-heap.mjs"), String(E2E_ROWS)], {
        encoding: "utf8",
      })
        .trim()
        .split("\n")
        .pop(),
    );
    line(
      `ingest_heap_${r.rows}`,
      r.seconds,
      null,
      null,
      `peakHeapMB=${r.peakHeapMB.toFixed(0)} (heap+external) accounts=${r.accounts} peakRssMB=${r.peakRssMB.toFixed(0)} blocks=${r.blocks} limit=--max-old-space-size=128 target=128MB`,
    );
  }
  if (ONLY && ONLY.every((o) => o.startsWith("bgnbd") || o.startsWith("ingest_heap"))) throw "done";
  const config = snapshotWorker(path.join(state, "worker"));
  migrate(path.join(state, "data"), config);
  server = await startDev({ port, persistTo: path.join(state, "data"), config, inspectorPort: port + 3 });
  let pids = workerdPids(server.child.pid);
  console.log(
    `# wrangler dev on ${base}, workerd pid(s) ${pids.join(",")}, baseline RSS ${pids.map((p) => (statusKb(p, "VmRSS") / 1024).toFixed(0)).join(",")} MB`,
  );
  const ws = await json(
    await fetch(`${base}/api/workspaces`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name: "Scale" }),
    }),
    "create workspace",
  );
  const auth = { Authorization: `Bearer ${ws.token}` };
  const uploadFile = async (file, kind) => {
    const size = statSync(file).size;
    return json(
      await fetch(`${base}/api/workspaces/${ws.id}/datasets?kind=${kind}&name=${kind}`, {
        method: "POST",
        headers: { ...auth, "Content-Type": "text/csv", "Content-Length": String(size) },
        body: Readable.toWeb(createReadStream(file, { highWaterMark: 1 << 20 })),
        duplex: "half",
      }),
      `upload ${kind}`,
    );
  };
  /** A file over the body limit through the chunked upload (start, parts, complete) and its queued parse job, polled to the end (on `at`). */
  const chunkedUpload = async (file, kind, name, at = base) => {
    const size = statSync(file).size;
    const start = performance.now();
    const up = await json(
      await fetch(`${at}/api/workspaces/${ws.id}/uploads`, {
        method: "POST",
        headers: { ...auth, "Content-Type": "application/json" },
        body: JSON.stringify({ kind, name, totalBytes: size, contentType: "text/csv" }),
      }),
      `start ${kind} upload`,
    );
    const fd = openSync(file, "r");
    for (let n = 1, off = 0; off < size; n++, off += up.partBytes) {
      const len = Math.min(up.partBytes, size - off);
      const part = Buffer.alloc(len);
      readSync(fd, part, 0, len, off);
      await json(
        await fetch(`${at}/api/workspaces/${ws.id}/uploads/${up.uploadId}/parts/${n}`, {
          method: "PUT",
          headers: { ...auth, "Content-Length": String(len) },
          body: part,
        }),
        `${kind} part ${n}`,
      );
    }
    closeSync(fd);
    const partsS = (performance.now() - start) / 1000;
    const tc = performance.now();
    const done = await json(
      await fetch(`${at}/api/workspaces/${ws.id}/uploads/${up.uploadId}/complete`, { method: "POST", headers: auth }),
      `complete ${kind}`,
    );
    const completeS = (performance.now() - tc) / 1000;
    let meta;
    for (let shown = Date.now(); ; await new Promise((r) => setTimeout(r, 250))) {
      meta = await json(await fetch(`${at}/api/workspaces/${ws.id}/datasets/${done.datasetId}`, { headers: auth }), "poll");
      if (meta.status !== "processing") break;
      if (Date.now() - shown > 5000) {
        shown = Date.now();
        console.log(`# job progress ${JSON.stringify(meta.progress)}`);
      }
    }
    return { meta, partsS, completeS };
  };
  await uploadFile(accFile, "accounts");

  if (want("ingest") || want("logit") || want("metrics")) {
    const reset = pids.map(resetPeak).every(Boolean);
    t0 = performance.now();
    const d = await uploadFile(respFile, "responses");
    const ours = (performance.now() - t0) / 1000;
    const peakMb = Math.max(...pids.map((p) => statusKb(p, "VmHWM"))) / 1024;
    const mb = statSync(respFile).size / 1e6;
    let peer = null;
    let diff = null;
    try {
      const pr = python(PANDAS_READ, [respFile]);
      peer = pr.seconds;
      diff = pr.rows === d.rows ? 0 : Math.abs(pr.rows - d.rows) / pr.rows;
    } catch (e) {
      console.log(`# pandas peer failed: ${String(e).slice(0, 200)}`);
    }
    line(
      `ingest_responses_${ROWS}`,
      ours,
      peer,
      diff,
      `rows=${d.rows} fileMB=${mb.toFixed(1)} rss=${peakMb.toFixed(0)}${reset ? "" : "(peak since start)"} target=10s`,
    );
  }

  if (want("logit")) {
    const body = JSON.stringify({ kind: "logistic", outcome: "renewed", predictors: ["nps", "csat", "log_arr", "segment"] });
    const fit = async () =>
      json(
        await fetch(`${base}/api/workspaces/${ws.id}/models`, {
          method: "POST",
          headers: { ...auth, "Content-Type": "application/json" },
          body,
        }),
        "fit",
      );
    t0 = performance.now();
    const first = await fit();
    const cold = (performance.now() - t0) / 1000;
    t0 = performance.now();
    const m = await fit();
    const warm = (performance.now() - t0) / 1000;
    let peer = null,
      diff = null;
    try {
      const pr = python(PEER_LOGIT, [accFile, respFile]);
      peer = pr.seconds;
      diff = 0;
      for (const c of m.coefficients) {
        const name = c.term === "Intercept" ? "const" : c.term.replace(/^segment\[T\.(.*)\]$/, "segment_$1");
        if (pr.params[name] !== undefined) diff = Math.max(diff, relDiff(c.estimate, pr.params[name]));
      }
      console.log(`# statsmodels: n=${pr.n} fit only ${pr.fitSeconds.toFixed(3)} s; ours nObs=${m.nObs}`);
    } catch (e) {
      console.log(`# statsmodels peer failed: ${String(e).slice(0, 300)}`);
    }
    line(
      `logit_${ACCOUNTS}_accounts_from_${ROWS}_responses`,
      cold,
      peer,
      diff,
      `warm=${warm.toFixed(3)} nObs=${first.nObs} target=1s (peer: read both CSVs, join, fit)`,
    );
  }

  if (want("metrics")) {
    const path_ = `/api/workspaces/${ws.id}/metrics?by=month`;
    const load = (url, connections, duration, headers = auth) =>
      new Promise((res, rej) => autocannon({ url, headers, connections, duration, timeout: 20 }, (e, r) => (e ? rej(e) : res(r))));
    // Under wrangler dev every request also crosses its reload proxy (a second workerd); reported beside.
    await json(await fetch(`${base}${path_}`, { headers: auth }), "metrics warm-up");
    const dev = await load(`${base}${path_}`, 50, 5);
    // The figure: the same bundle and state served by workerd alone (Miniflare's API), as on Cloudflare.
    await server.stop();
    const wd = await startWorkerd({ dir: path.join(state, "worker"), persistTo: path.join(state, "data"), port: port + 1 });
    try {
      const wbase = `http://127.0.0.1:${port + 1}`;
      const warm = await json(await fetch(`${wbase}${path_}`, { headers: auth }), "metrics warm-up (workerd)");
      const result = await load(`${wbase}${path_}`, 50, 10);
      // The floor of this machine: GET /api/health (one D1 query, no work) under the same load, right after.
      const floor = await load(`${wbase}/api/health`, 50, 10, {});
      const one = await load(`${wbase}${path_}`, 1, 5); // service time: one connection
      line(
        "metrics_p99_50conns",
        result.latency.p99 / 1000,
        null,
        null,
        `p50=${result.latency.p50}ms p99=${result.latency.p99}ms rps=${result.requests.average.toFixed(0)} non2xx=${result.non2xx} errors=${result.errors} ` +
          `responses=${warm.overall.nps.n} oneConnP50=${one.latency.p50}ms oneConnP99=${one.latency.p99}ms healthP99_50conns=${floor.latency.p99}ms ` +
          `healthRps=${floor.requests.average.toFixed(0)} wranglerDevP99=${dev.latency.p99}ms wranglerDevRps=${dev.requests.average.toFixed(0)}`,
      );
      // A what-if (POST .../scenarios, save false, no draws) on a logistic model of the accounts.
      const model = await json(
        await fetch(`${wbase}/api/workspaces/${ws.id}/models`, {
          method: "POST",
          headers: { ...auth, "Content-Type": "application/json" },
          body: JSON.stringify({ kind: "logistic", outcome: "renewed", predictors: ["nps", "csat", "log_arr", "segment"] }),
        }),
        "fit for the what-if",
      );
      const whatifBody = benchWhatifBody(model.id, 0);
      const whatif = { method: "POST", headers: { ...auth, "Content-Type": "application/json" }, body: whatifBody };
      // In-worker handler time (Server-Timing, worker/server-timing.ts), one request at a time: median and largest.
      const handler = async (url, init, count) => {
        const ms = [];
        for (let k = 0; k < count; k++) {
          const res = await fetch(url, init);
          await res.arrayBuffer();
          if (!res.ok) throw new Error(`${url}: ${res.status}`);
          const m = /handler;dur=([\d.]+)/.exec(res.headers.get("Server-Timing") ?? "");
          if (!m) throw new Error(`${url}: no Server-Timing header`);
          ms.push(Number(m[1]));
        }
        ms.sort((a, b) => a - b);
        return { median: ms[Math.floor(ms.length / 2)], max: ms[ms.length - 1] };
      };
      // The first what-if on this isolate reads and joins the book (cold); later ones reuse it (worker/linking/scenario-cache.ts).
      const hWhatifCold = await handler(`${wbase}/api/workspaces/${ws.id}/scenarios`, whatif, 1);
      const hMetrics = await handler(`${wbase}${path_}`, { headers: auth }, 50);
      const hWhatif = await handler(`${wbase}/api/workspaces/${ws.id}/scenarios`, whatif, 10);
      const hHealth = await handler(`${wbase}/api/health`, {}, 50);
      // Mixed: 15 connections of metrics reads, 20 of what-ifs and 15 of health at once, each route's latency beside
      // the health route's in the same run (metrics and health get as many connections, so their p99s rest on as many
      // requests). A p99 of a 20 s run rests on about 1% of its requests, so the run is repeated MIXED_ROUNDS times
      // and BENCH metrics_p99_ratio is the median round's metrics p99 / health p99 (every round is printed).
      const rounds = [];
      for (let round = 1; round <= MIXED_ROUNDS; round++) {
        const [mMetrics, mWhatif, mHealth] = await Promise.all([
          load(`${wbase}${path_}`, 15, MIXED_S),
          new Promise((res, rej) =>
            autocannon(
              { url: `${wbase}/api/workspaces/${ws.id}/scenarios`, ...whatif, connections: 20, duration: MIXED_S, timeout: 20 },
              (e, r) => (e ? rej(e) : res(r)),
            ),
          ),
          load(`${wbase}/api/health`, 15, MIXED_S, {}),
        ]);
        for (const [name, r] of [
          ["metrics", mMetrics],
          ["whatif", mWhatif],
          ["health", mHealth],
        ])
          console.log(
            `# mixed round ${round} of ${MIXED_ROUNDS}, 50 connections (15 metrics, 20 what-if, 15 health), ${name}: p50=${r.latency.p50}ms p99=${r.latency.p99}ms rps=${r.requests.average.toFixed(1)} non2xx=${r.non2xx} errors=${r.errors}`,
          );
        rounds.push({ mMetrics, mWhatif, mHealth, ratio: mMetrics.latency.p99 / mHealth.latency.p99 });
      }
      const ratios = rounds.map((r) => r.ratio.toFixed(2));
      const { mMetrics, mWhatif, mHealth } = [...rounds].sort((a, b) => a.ratio - b.ratio)[Math.floor(rounds.length / 2)];
      console.log(
        `# handler (Server-Timing, one connection, median/max ms): metrics ${hMetrics.median}/${hMetrics.max} at ${warm.overall.nps.n} responses, ` +
          `what-if ${hWhatif.median}/${hWhatif.max} at ${ACCOUNTS} accounts (first, cold: ${hWhatifCold.median}), health ${hHealth.median}/${hHealth.max}`,
      );
      // The ratios to the floor: each route's p99 over /api/health's p99 in the same mixed run (both queue behind the
      // same work); solo_: metrics alone at 50 connections over health alone at 50 connections, run one after the other.
      const ms = (r, q) => r.latency[q];
      const bad = rounds.reduce((s, r) => s + [r.mMetrics, r.mWhatif, r.mHealth].reduce((t, x) => t + x.non2xx + x.errors, 0), 0);
      console.log(
        `BENCH metrics_p99_ratio=${(ms(mMetrics, "p99") / ms(mHealth, "p99")).toFixed(2)} metrics_handler_ms=${hMetrics.median} whatif_handler_ms=${hWhatif.median} ` +
          `metrics_p99_ratio_rounds=${ratios.join(",")} whatif_p99_ratio=${(ms(mWhatif, "p99") / ms(mHealth, "p99")).toFixed(2)} ` +
          `metrics_p50_ms=${ms(mMetrics, "p50")} metrics_p99_ms=${ms(mMetrics, "p99")} whatif_p50_ms=${ms(mWhatif, "p50")} whatif_p99_ms=${ms(mWhatif, "p99")} ` +
          `health_p50_ms=${ms(mHealth, "p50")} health_p99_ms=${ms(mHealth, "p99")} whatif_cold_handler_ms=${hWhatifCold.median} non2xx_or_errors=${bad} ` +
          `solo_metrics_p99_ratio=${(result.latency.p99 / floor.latency.p99).toFixed(2)} responses=${warm.overall.nps.n} accounts=${ACCOUNTS} load1=${os.loadavg()[0].toFixed(2)} ` +
          `targets: metrics_p99_ratio<=1.2 metrics_handler_ms<=5 whatif_handler_ms<=50`,
      );
    } finally {
      await wd.stop();
    }
    server = await startDev({ port, persistTo: path.join(state, "data"), config, inspectorPort: port + 3 });
    pids = workerdPids(server.child.pid);
  }

  if (want("end_to_end")) {
    // 5M rows: over the body limit, so the chunked upload and its queued parse job.
    const file = path.join(state, "responses-5m.csv");
    t0 = Date.now();
    await genResponses(file, E2E_ROWS, level, 23);
    const size = statSync(file).size;
    console.log(`# generated ${E2E_ROWS} responses (${(size / 1e6).toFixed(0)} MB) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    // Upload to fit on workerd alone (queue wired) under V8's 128 MB cap of the isolate, ArrayBuffers included.
    await server?.stop();
    server = undefined;
    const run = await underCap(128, async (wbase, trace) => {
      const start = performance.now();
      const { meta, partsS, completeS } = await chunkedUpload(file, "responses", "5M", wbase);
      const ingest = (performance.now() - start) / 1000;
      const ingestMem = isolatePeak(trace);
      if (meta.status !== "ready") throw new Error(`5M job ${meta.status}: ${JSON.stringify(meta.error).slice(0, 500)}`);
      const atMetrics = trace.mark();
      t0 = performance.now();
      const m = await json(await fetch(`${wbase}/api/workspaces/${ws.id}/metrics?by=month`, { headers: auth }), "metrics 5M");
      const metricsS = (performance.now() - t0) / 1000;
      const metricsMem = isolatePeak(trace, atMetrics);
      const atFit = trace.mark();
      t0 = performance.now();
      const fit = await json(
        await fetch(`${wbase}/api/workspaces/${ws.id}/models`, {
          method: "POST",
          headers: { ...auth, "Content-Type": "application/json" },
          body: JSON.stringify({ kind: "logistic", outcome: "renewed", predictors: ["nps", "csat", "log_arr", "segment"] }),
        }),
        "fit 5M",
      );
      const fitS = (performance.now() - t0) / 1000;
      const fitMem = isolatePeak(trace, atFit);
      return { meta, partsS, completeS, ingest, ingestMem, m, metricsS, metricsMem, fit, fitS, fitMem, mem: isolatePeak(trace) };
    });
    if (!run.ok) throw new Error(`the 5M-row path went over the 128 MB cap: ${run.trace.oom}`);
    const { meta, partsS, completeS, ingest, ingestMem, m, metricsS, metricsMem, fit, fitS, fitMem, mem } = run.value;
    const mb = (x) => (Number.isFinite(x.afterGcMb) ? x.afterGcMb.toFixed(1) : "n/a(no full GC)");
    console.log(
      `BENCH end_to_end_${E2E_ROWS}_workerd_peak_mb=${mem.afterGcMb.toFixed(1)} heapMb=${mem.heapAfterMb.toFixed(1)} arrayBuffersMb=${mem.arrayBuffersAfterMb.toFixed(1)} ` +
        `ingestJobPeakMb=${mb(ingestMem)} metricsPeakMb=${mb(metricsMem)} fitPeakMb=${mb(fitMem)} cap128=completed gcs=${mem.gcs} target<128 ` +
        `(upload, queued parse job, metrics and fit on workerd: largest V8 heap + ArrayBuffer bytes of the isolate after any of its full GCs, under V8's own 128 MB cap)`,
    );
    const total = ingest + metricsS + fitS;
    line(
      `end_to_end_${E2E_ROWS}`,
      total,
      null,
      null,
      `rows=${meta.rows} npsN=${m.overall.nps.n} ingest=${ingest.toFixed(1)}s(parts=${partsS.toFixed(1)}s complete=${completeS.toFixed(1)}s job=${(ingest - partsS - completeS).toFixed(1)}s) metrics=${metricsS.toFixed(3)}s fit=${fitS.toFixed(2)}s nObs=${fit.nObs} status=${meta.status} (workerd alone, 128 MB cap)`,
    );
  }

  if (want("clv_route")) {
    const file = path.join(state, "transactions.csv");
    t0 = Date.now();
    const nTx = await genTransactions(file, CLV_CUSTOMERS);
    const size = statSync(file).size;
    console.log(
      `# generated ${nTx} transactions of ${CLV_CUSTOMERS} customers (${(size / 1e6).toFixed(0)} MB) in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
    // Everything from here on workerd alone (no reload proxy) under V8's 128 MB cap of the isolate (ArrayBuffers
    // included): the chunked upload and its queued parse job, POST .../clv, GET .../export/clv.csv.
    await server?.stop();
    server = undefined;
    const cal = await calibrateCap(128, [100, 136], path.join(state, "probe"), port + 2);
    console.log(
      `# cap check (bench/lib.mjs capFlags(128), probe worker): ${cal.map((c) => `${c.heldMb} MB of ArrayBuffers held: ${c.completed ? "completed" : "aborted"}`).join("; ")}` +
        (cal[0].completed && !cal[1].completed
          ? " (as expected)"
          : " (NOT as expected: this workerd does not enforce the cap; the figures below are not a demonstration)"),
    );
    const clvCall = async (wbase) => {
      const t = performance.now();
      const r = await json(
        await fetch(`${wbase}/api/workspaces/${ws.id}/clv`, {
          method: "POST",
          headers: { ...auth, "Content-Type": "application/json" },
          body: JSON.stringify({ method: "bgnbd-gg", horizonMonths: 12 }),
        }),
        "clv",
      );
      return { r, seconds: (performance.now() - t) / 1000 };
    };
    let ingest, ingestS, call, exportS, lines;
    const run = await underCap(128, async (wbase, trace) => {
      const start = performance.now();
      const { meta } = await chunkedUpload(file, "transactions", "10M", wbase);
      if (meta.status !== "ready") throw new Error(`transactions job ${meta.status}: ${JSON.stringify(meta.error).slice(0, 500)}`);
      ingestS = (performance.now() - start) / 1000;
      ingest = { ...isolatePeak(trace), rows: meta.rows };
      const mark = trace.mark();
      call = await clvCall(wbase);
      call.mem = isolatePeak(trace, mark);
      // The export: every customer row, streamed; counted as it arrives.
      t0 = performance.now();
      const res = await fetch(`${wbase}/api/workspaces/${ws.id}/export/clv.csv`, { headers: auth });
      if (!res.ok) throw new Error(`export: ${res.status} ${(await res.text()).slice(0, 300)}`);
      lines = 0;
      for await (const chunk of res.body) for (const b of chunk) if (b === 10) lines++;
      exportS = (performance.now() - t0) / 1000;
    });
    if (!run.ok) throw new Error(`the CLV path went over the 128 MB cap: ${run.trace.oom}`);
    // The smallest cap the call alone completes under (the parse job's data stays in R2/D1), to CAP_STEP MB.
    let lo = 64,
      hi = 128;
    while (CAP_STEP > 0 && hi - lo > CAP_STEP) {
      const mid = Math.round((lo + hi) / 2);
      const tried = await underCap(mid, (wbase) => clvCall(wbase));
      console.log(`# POST .../clv under a ${mid} MB cap: ${tried.ok ? "completed" : "aborted (over the cap)"}`);
      if (tried.ok) hi = mid;
      else lo = mid;
    }
    const { r } = call;
    const b = r.bgnbd,
      g = r.gammaGamma;
    line(
      `clv_route_${nTx}_transactions`,
      call.seconds,
      null,
      null,
      `customers=${r.customersTotal} listed=${r.customers.length} truncated=${r.customersTruncated} newCustomers=${r.newCustomers} ` +
        `r=${b.r.toFixed(4)} alpha=${b.alpha.toFixed(3)} a=${b.a.toFixed(4)} b=${b.b.toFixed(4)} p=${g.p.toFixed(3)} q=${g.q.toFixed(3)} gamma=${g.gamma.toFixed(3)} ` +
        `export=${exportS.toFixed(1)}s exportRows=${lines - 1} ingest=${ingestS.toFixed(1)}s blocks=${Math.ceil(ingest.rows / 65536)} (workerd alone, 128 MB cap)`,
    );
    const label = CLV_CUSTOMERS === 1_000_000 ? "1m" : String(CLV_CUSTOMERS);
    const m = call.mem;
    console.log(
      `BENCH clv_${label}_customers_workerd_peak_mb=${m.afterGcMb.toFixed(1)} heapMb=${m.heapAfterMb.toFixed(1)} arrayBuffersMb=${m.arrayBuffersAfterMb.toFixed(1)} ` +
        `smallestCapMb=${CAP_STEP > 0 ? `${hi}(step ${CAP_STEP})` : "n/a"} cap128=completed gcs=${m.gcs} ingestJobPeakMb=${ingest.afterGcMb.toFixed(1)} target<128 ` +
        `(POST .../clv on workerd: largest V8 heap + ArrayBuffer bytes of the isolate after any of its full GCs, V8's --trace-gc-nvp/--trace-gc-verbose; ` +
        `run under V8's own cap of 128 MB on heap + ArrayBuffers, which aborts the isolate above it; smallestCapMb: the smallest such cap the call completes under)`,
    );
  }
} catch (e) {
  if (e !== "done") {
    console.error(e);
    exitCode = 1;
  }
} finally {
  await stopDev(server, exitCode !== 0);
  rmSync(state, { recursive: true, force: true });
}
process.exit(exitCode);
