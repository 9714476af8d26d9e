// `npm start`: build the web UI, apply the D1 migrations locally, run `wrangler dev`, and load a
// demo workspace on first run (a synthetic SaaS book, plus the real CDNOW sample transactions when
// ../shared/datasets is there). Prints `Demo: <url>` and `Token: <token>`.
//
//   PORT       port of wrangler dev (default 8787)
//   STATE_DIR  local D1/R2 state folder (default .wrangler/state); the demo's id and token are kept
//              in <STATE_DIR>/demo.json, so a restart reuses the same state and demo.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { demoModelAndBacktest } from "./demo-backtest.mjs";
import { syntheticBook } from "./synthetic-book.mjs";

const root = path.resolve(import.meta.dirname, "..");
const port = Number(process.env.PORT || 8787);
const stateDir = path.resolve(root, process.env.STATE_DIR || ".wrangler/state");
const base = `http://127.0.0.1:${port}`;
const wrangler = path.join(root, "node_modules/.bin/wrangler");
// No telemetry; no fetch of the Request.cf sample object (a placeholder is used offline anyway).
const env = { CLOUDFLARE_CF_FETCH_ENABLED: "false", ...process.env, WRANGLER_SEND_METRICS: "false" };
const log = (msg) => console.log(`[start] ${msg}`);

function run(cmd, args, extraEnv = {}) {
  const r = spawnSync(cmd, args, { cwd: root, env: { ...env, ...extraEnv }, stdio: "inherit" });
  if (r.status !== 0) {
    console.error(`[start] ${path.basename(cmd)} ${args.join(" ")} failed (exit ${r.status})`);
    process.exit(r.status ?? 1);
  }
}

/** True when nothing listens on 127.0.0.1:port (so the health check below talks to our server). */
function portFree(p) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once("error", () => resolve(false));
    srv.listen(p, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

if (!(await portFree(port))) {
  console.error(`[start] port ${port} is already in use; stop what runs there or choose another with PORT=...`);
  process.exit(1);
}
mkdirSync(stateDir, { recursive: true });
log("building the web UI");
run(process.execPath, [path.join(root, "scripts/build-web.mjs")]);
log(`applying D1 migrations to ${stateDir}`);
// CI=true keeps wrangler from asking for confirmation.
run(wrangler, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", stateDir], { CI: "true" });

log(`starting wrangler dev on port ${port}`);
const child = spawn(
  wrangler,
  ["dev", "--port", String(port), "--ip", "127.0.0.1", "--persist-to", stateDir, "--show-interactive-dev-session=false"],
  { cwd: root, env, stdio: ["ignore", "inherit", "inherit"] },
);
let stopping = false;
const stop = (signal) => {
  if (stopping) return;
  stopping = true;
  child.kill(signal);
};
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));

async function waitForHealth(timeoutMs = 120_000) {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    try {
      const res = await fetch(`${base}/api/health`);
      if (res.ok) return true;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return false;
}

async function api(method, url, { token, body, contentType } = {}) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (contentType) headers["content-type"] = contentType;
  const res = await fetch(`${base}${url}`, { method, headers, body });
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, json, text };
}

/** CDNOW_sample.txt (id, sample id, YYYYMMDD, cds, dollars) → customer_id,date,amount CSV. */
function cdnowTransactions(file) {
  const lines = readFileSync(file, "utf8")
    .split(/\r?\n/)
    .filter((l) => l.trim() !== "");
  const out = ["customer_id,date,amount"];
  for (const l of lines) {
    const [, sampleId, ymd, , dollars] = l.trim().split(/\s+/);
    out.push(`${sampleId},${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)},${dollars}`);
  }
  return out.join("\n") + "\n";
}

async function ensureDemo() {
  const demoFile = path.join(stateDir, "demo.json");
  if (existsSync(demoFile)) {
    try {
      const demo = JSON.parse(readFileSync(demoFile, "utf8"));
      const res = await api("GET", `/api/workspaces/${demo.id}`, { token: demo.token });
      if (res.status === 200) return demo;
      log(`the saved demo workspace answers ${res.status}; creating a new one`);
    } catch {
      log("demo.json is unreadable; creating a new demo workspace");
    }
  }
  const created = await api("POST", "/api/workspaces", {
    token: process.env.ADMIN_TOKEN,
    body: JSON.stringify({ name: "Demo" }),
    contentType: "application/json",
  });
  if (created.status !== 201) throw new Error(`creating the demo workspace: ${created.status} ${created.text}`);
  const demo = { id: created.json.id, token: created.json.token };
  const book = syntheticBook({ accounts: 2000, seed: 42 });
  const uploads = [
    ["accounts", "Synthetic SaaS book: accounts (seed 42)", book.accountsCsv],
    ["responses", "Synthetic SaaS book: survey responses (seed 42)", book.responsesCsv],
  ];
  const cdnow = path.resolve(root, "../shared/datasets/cdnow/CDNOW_sample.txt");
  if (existsSync(cdnow)) uploads.push(["transactions", "CDNOW sample transactions (1997-1998)", cdnowTransactions(cdnow)]);
  else log(`no ${cdnow}: the demo has no transactions dataset`);
  for (const [kind, name, csv] of uploads) {
    const res = await api("POST", `/api/workspaces/${demo.id}/datasets?kind=${kind}&name=${encodeURIComponent(name)}`, {
      token: demo.token,
      body: csv,
      contentType: "text/csv",
    });
    if (res.status !== 201) throw new Error(`uploading the demo ${kind}: ${res.status} ${res.text.slice(0, 500)}`);
    log(`demo ${kind}: ${res.json.rows} rows`);
  }
  const { splits } = await demoModelAndBacktest(api, demo);
  log(`demo model fitted and back-tested on renewals from ${splits.join(", ")}`);
  writeFileSync(demoFile, JSON.stringify(demo, null, 2) + "\n", { mode: 0o600 });
  return demo;
}

if (!(await waitForHealth())) {
  console.error(`[start] wrangler dev did not answer ${base}/api/health within 120 s`);
  stop("SIGTERM");
} else {
  try {
    const demo = await ensureDemo();
    console.log(`\nDemo: http://localhost:${port}/#/w/${demo.id}?token=${demo.token}`);
    console.log(`Token: ${demo.token}\n`);
    console.log("API docs: http://localhost:" + port + "/api/docs   (Ctrl-C to stop)");
  } catch (err) {
    console.error(`[start] the demo workspace could not be loaded: ${err.message}`);
    console.error("[start] the server keeps running; create a workspace with POST /api/workspaces");
  }
}
