// `npm start`: build the web UI, apply the D1 migrations locally, run `wrangler dev`, and load a
// demo workspace on first run: a synthetic SaaS book whose renewals fall around today, the real CDNOW
// sample transactions (when ../shared/datasets is there) under the book's account ids, a fitted
// logistic renewal model, two saved scenarios and a programme of both. Prints `Demo: <url>` (editor),
// `Viewer: <url>` (read-only, to share) and `Token: <token>`; the home page links to the viewer link.
//
//   PORT       port of wrangler dev (default 8787)
//   STATE_DIR  local D1/R2 state folder (default .wrangler/state); the demo's id and token are kept
//              in <STATE_DIR>/demo.json, so a restart reuses the same state and demo.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
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

/**
 * CDNOW_sample.txt (id, sample id, YYYYMMDD, cds, dollars) → customer_id,date,amount CSV. Sample customer k is given
 * the id of the book's k-th account (ACC-0000k) so CLV by transactions segments the same accounts; the 357 customers
 * beyond the book's 2,000 accounts keep their own ids (CDNOW-k).
 */
function cdnowTransactions(file, accounts) {
  const lines = readFileSync(file, "utf8")
    .split(/\r?\n/)
    .filter((l) => l.trim() !== "");
  const out = ["customer_id,date,amount"];
  for (const l of lines) {
    const [, sampleId, ymd, , dollars] = l.trim().split(/\s+/);
    const k = Number(sampleId);
    const id = k <= accounts ? `ACC-${String(k).padStart(5, "0")}` : `CDNOW-${k}`;
    out.push(`${id},${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)},${dollars}`);
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
  // Two years of responses ending today: renewal dates (start + 550 .. + 915 days) then run from 180 days ago to
  // 185 days ahead, so "Renewals ahead" has accounts in every window.
  const today = Math.floor(Date.now() / 86400000);
  const start = new Date((today - 730) * 86400000).toISOString().slice(0, 10);
  const book = syntheticBook({ accounts: 2000, seed: 42, start });
  const uploads = [
    ["accounts", "Synthetic SaaS book: accounts (seed 42)", book.accountsCsv],
    ["responses", "Synthetic SaaS book: survey responses (seed 42)", book.responsesCsv],
  ];
  const cdnow = path.resolve(root, "../shared/datasets/cdnow/CDNOW_sample.txt");
  if (existsSync(cdnow))
    uploads.push(["transactions", "CDNOW sample transactions (1997-1998, ids of the book's accounts)", cdnowTransactions(cdnow, 2000)]);
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
  await demoModels(demo);
  const viewer = await api("POST", `/api/workspaces/${demo.id}/tokens`, {
    token: demo.token,
    body: JSON.stringify({ role: "viewer" }),
    contentType: "application/json",
  });
  if (viewer.status !== 201) throw new Error(`issuing the demo's viewer token: ${viewer.status} ${viewer.text}`);
  demo.viewerToken = viewer.json.token;
  writeFileSync(demoFile, JSON.stringify(demo, null, 2) + "\n", { mode: 0o600 });
  return demo;
}

const json = (token, body) => ({ token, body: JSON.stringify(body), contentType: "application/json" });

/** The demo's fitted renewal model, two saved scenarios and a programme combining them. */
async function demoModels(demo) {
  const fit = await api(
    "POST",
    `/api/workspaces/${demo.id}/models`,
    json(demo.token, { kind: "logistic", outcome: "renewed", predictors: ["nps", "csat", "segment", "tenure_months"] }),
  );
  if (fit.status !== 201) throw new Error(`fitting the demo's renewal model: ${fit.status} ${fit.text.slice(0, 500)}`);
  log(`demo model: logistic renewal model ${fit.json.id}`);
  const scenarios = [
    { name: "Support programme: NPS +1 point", change: { nps: 1 }, investment: 1500000 },
    { name: "Onboarding redesign: CSAT +0.5", change: { csat: 0.5 }, investment: 1200000 },
  ];
  const ids = [];
  for (const s of scenarios) {
    const res = await api(
      "POST",
      `/api/workspaces/${demo.id}/scenarios`,
      json(demo.token, { ...s, modelId: fit.json.id, horizonYears: 3, grossMargin: 0.8, annualDiscountRate: 0.08, save: true }),
    );
    if (res.status !== 201) throw new Error(`saving the demo scenario "${s.name}": ${res.status} ${res.text.slice(0, 500)}`);
    ids.push(res.json.id);
    log(`demo scenario: ${s.name}`);
  }
  const prog = await api("POST", `/api/workspaces/${demo.id}/programs`, json(demo.token, { scenarioIds: ids, overlap: 0.2 }));
  if (prog.status !== 200) throw new Error(`combining the demo programme: ${prog.status} ${prog.text.slice(0, 500)}`);
  log("demo programme: both scenarios, 20% overlap (Scenarios screen)");
}

/** Lets the home page link to the demo: its viewer link in D1 (table demo_link, read by GET /api/demo). */
function publishDemoLink(demo) {
  if (!demo.viewerToken) return;
  const sql = `INSERT OR REPLACE INTO demo_link (id, workspace_id, viewer_token) VALUES (1, '${demo.id.replace(/'/g, "")}', '${demo.viewerToken.replace(/'/g, "")}')`;
  const r = spawnSync(wrangler, ["d1", "execute", "DB", "--local", "--persist-to", stateDir, "--command", sql], {
    cwd: root,
    env: { ...env, CI: "true" },
    stdio: "ignore",
  });
  if (r.status !== 0) log("could not publish the demo link for the home page (the printed links still work)");
}

if (!(await waitForHealth())) {
  console.error(`[start] wrangler dev did not answer ${base}/api/health within 120 s`);
  stop("SIGTERM");
} else {
  try {
    const demo = await ensureDemo();
    publishDemoLink(demo);
    console.log(`\nDemo: http://localhost:${port}/#/w/${demo.id}?token=${demo.token}`);
    if (demo.viewerToken)
      console.log(`Viewer: http://localhost:${port}/#/w/${demo.id}?token=${demo.viewerToken}   (read-only: share this one)`);
    console.log(`Token: ${demo.token}\n`);
    console.log("API docs: http://localhost:" + port + "/api/docs   (Ctrl-C to stop)");
  } catch (err) {
    console.error(`[start] the demo workspace could not be loaded: ${err.message}`);
    console.error("[start] the server keeps running; create a workspace with POST /api/workspaces");
  }
}
