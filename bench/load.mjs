// Load bench (`npm run bench:load`, not part of npm test): a local `wrangler dev`
// on 127.0.0.1 only, a workspace of 5,000 accounts and 100,000 survey responses
// (generated, seeded), then autocannon with 50 connections for 30 s each over
//   - GET  /api/workspaces/:ws/metrics            (load_metrics)
//   - GET  /api/workspaces/:ws/metrics?by=month   (load_metrics_by_month)
//   - POST /api/workspaces/:ws/scenarios save:false, draws 0 and 200 (load_whatif_*),
//     when the models and scenarios routes exist.
// Prints one line per run: `BENCH <name> requests=<n> rps=<x> p50=<ms> p99=<ms> errors=<n> non2xx=<n>`,
// and exits 1 if any run had errors or non-2xx answers.
// Env: BENCH_DURATION (s, default 30), BENCH_CONNECTIONS (default 50), BENCH_PORT (default 8798),
// BENCH_RESPONSES (default 100000), BENCH_ACCOUNTS (default 5000), BENCH_ONLY (regex over run names).
import autocannon from "autocannon";
import { makeRandom } from "../scripts/synthetic-book.mjs";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { migrate, snapshotWorker, startDev, stopDev } from "../scripts/durability-devserver.mjs";
import { whatifBody } from "./lib.mjs";

const duration = Number(process.env.BENCH_DURATION ?? 30);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const port = Number(process.env.BENCH_PORT ?? 8798);
const nResponses = Number(process.env.BENCH_RESPONSES ?? 100_000);
const nAccounts = Number(process.env.BENCH_ACCOUNTS ?? 5_000);
const base = `http://127.0.0.1:${port}`;

/** Seeded uniforms (mulberry32 of scripts/synthetic-book.mjs): the same workspace every run. */
const rng = (seed) => makeRandom(seed).uniform;

/** Accounts whose renewal depends on their mean NPS, and responses around each account's level. */
function generate() {
  const r = rng(2025);
  const level = new Float64Array(nAccounts);
  const acc = ["account_id,arr,renewed,segment,region,tenure_months"];
  const segs = ["SMB", "Mid-Market", "Enterprise"];
  for (let i = 0; i < nAccounts; i++) {
    level[i] = Math.min(10, Math.max(0, 7 + 2.2 * (r() + r() + r() - 1.5) * 1.4));
    const p = 1 / (1 + Math.exp(-(-2 + 0.45 * level[i])));
    const arr = Math.round(Math.exp(9 + 1.2 * (r() + r() - 1)) * 10) / 10;
    acc.push(`A${i},${arr},${r() < p ? 1 : 0},${segs[i % 3]},R${i % 4},${Math.floor(r() * 72)}`);
  }
  const res = ["account_id,date,nps,csat,ces,touchpoint"];
  const tps = ["onboarding", "support", "billing", "renewal"];
  for (let j = 0; j < nResponses; j++) {
    const i = Math.floor(r() * nAccounts);
    const nps = Math.min(10, Math.max(0, Math.round(level[i] + 2 * (r() - 0.5))));
    const csat = Math.min(5, Math.max(1, Math.round(1 + nps / 2.5)));
    const ces = 1 + Math.floor(r() * 7);
    const m = 1 + Math.floor(r() * 12);
    const d = 1 + Math.floor(r() * 28);
    res.push(`A${i},2025-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")},${nps},${csat},${ces},${tps[j % 4]}`);
  }
  return { accounts: acc.join("\n") + "\n", responses: res.join("\n") + "\n" };
}

async function json(res, what) {
  const text = await res.text();
  if (!res.ok) throw new Error(`${what}: ${res.status} ${text.slice(0, 500)}`);
  return JSON.parse(text);
}

/** When a run had non-2xx answers: send 2 x connections of its requests at once and print the distinct error bodies. */
async function sampleErrors(opts) {
  const answers = await Promise.all(
    Array.from({ length: connections * 2 }, () =>
      fetch(opts.url, { method: opts.method ?? "GET", headers: opts.headers, body: opts.body }).then(
        async (r) => `${r.status} ${(await r.text()).slice(0, 300)}`,
      ),
    ),
  );
  for (const a of new Set(answers.filter((x) => !x.startsWith("2")))) console.log(`# non-2xx sample: ${a}`);
}

const only = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY) : null;

function run(name, opts) {
  if (only && !only.test(name)) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    autocannon({ connections, duration, timeout: 20, ...opts }, (err, result) => (err ? reject(err) : resolve({ name, result, opts })));
  });
}

function line({ name, result }) {
  const errors = result.errors + result.timeouts;
  const rps = result.requests.average;
  return {
    bad: errors + result.non2xx,
    text: `BENCH ${name} requests=${result.requests.total} rps=${rps.toFixed(1)} p50=${result.latency.p50} p99=${result.latency.p99} errors=${errors} non2xx=${result.non2xx} codes=${Object.entries(
      result.statusCodeStats ?? {},
    )
      .map(([k, v]) => `${k}:${v.count}`)
      .join(",")} connections=${connections} duration=${duration}s responses=${nResponses}`,
  };
}

const state = mkdtempSync(path.join(os.tmpdir(), "cx-bench-"));
let server;
let exitCode = 0;
try {
  // A frozen bundle, so that edits to worker/ during the run do not reload the worker mid-request.
  const config = snapshotWorker(path.join(state, "worker"));
  migrate(path.join(state, "data"), config);
  server = await startDev({ port, persistTo: path.join(state, "data"), config });
  const ws = await json(
    await fetch(`${base}/api/workspaces`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name: "Bench" }),
    }),
    "create workspace",
  );
  const auth = { Authorization: `Bearer ${ws.token}` };
  const { accounts, responses } = generate();
  for (const [kind, body] of [
    ["accounts", accounts],
    ["responses", responses],
  ]) {
    const t0 = Date.now();
    const d = await json(
      await fetch(`${base}/api/workspaces/${ws.id}/datasets?kind=${kind}&name=${kind}`, {
        method: "POST",
        headers: { ...auth, "Content-Type": "text/csv" },
        body,
      }),
      `upload ${kind}`,
    );
    console.log(`# uploaded ${kind}: ${d.rows} rows in ${Date.now() - t0} ms`);
  }
  const runs = [];
  const metricsUrl = `${base}/api/workspaces/${ws.id}/metrics`;
  await json(await fetch(metricsUrl, { headers: auth }), "metrics warm-up");
  runs.push(await run("load_metrics", { url: metricsUrl, headers: auth }));
  runs.push(await run("load_metrics_by_month", { url: `${metricsUrl}?by=month`, headers: auth }));

  const doc = await json(await fetch(`${base}/api/openapi.json`), "openapi");
  if (doc.paths["/api/workspaces/{ws}/models"]?.post && doc.paths["/api/workspaces/{ws}/scenarios"]?.post) {
    const model = await json(
      await fetch(`${base}/api/workspaces/${ws.id}/models`, {
        method: "POST",
        headers: { ...auth, "Content-Type": "application/json" },
        body: JSON.stringify({ kind: "logistic", outcome: "renewed", predictors: ["nps", "log_arr"] }),
      }),
      "fit model",
    );
    for (const draws of [0, 200]) {
      const body = whatifBody(model.id, draws);
      const url = `${base}/api/workspaces/${ws.id}/scenarios`;
      await json(await fetch(url, { method: "POST", headers: { ...auth, "Content-Type": "application/json" }, body }), "what-if warm-up");
      runs.push(
        await run(`load_whatif_draws${draws}`, { url, method: "POST", headers: { ...auth, "Content-Type": "application/json" }, body }),
      );
    }
  } else {
    console.log("# no models/scenarios routes yet: what-if runs skipped");
  }
  for (const r of runs.filter(Boolean)) {
    const { bad, text } = line(r);
    console.log(text);
    if (bad > 0) {
      exitCode = 1;
      await sampleErrors(r.opts);
    }
  }
} catch (e) {
  console.error(e);
  exitCode = 1;
} finally {
  await stopDev(server, exitCode !== 0);
  rmSync(state, { recursive: true, force: true });
}
process.exit(exitCode);
