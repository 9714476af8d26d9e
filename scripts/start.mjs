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
import { apiClient, createDemo } from "./demo.mjs";

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

const api = apiClient(base);

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
  const demo = await createDemo(base, { adminToken: process.env.ADMIN_TOKEN, datasetsDir: path.resolve(root, "../shared/datasets"), log });
  writeFileSync(demoFile, JSON.stringify(demo, null, 2) + "\n", { mode: 0o600 });
  return demo;
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
