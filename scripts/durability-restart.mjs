// Durability check: data survives a restart of `npm start`.
// Starts `npm start` (PORT, STATE_DIR in a temp folder), creates a workspace,
// uploads accounts and responses (test/fixtures/good), reads the workspace and
// its metrics, stops the server (SIGTERM to its process group), starts it again
// on the same STATE_DIR, and checks that the same token still works and that the
// datasets, the join report and the metrics come back identical.
// Usage: node scripts/durability-restart.mjs   (about 30-60 s; exit 0 = pass)
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { root, startProcess } from "./durability-devserver.mjs";

const port = Number(process.env.DURABILITY_PORT ?? 8797);
const base = `http://127.0.0.1:${port}`;
const state = mkdtempSync(path.join(os.tmpdir(), "cx-durability-"));
const fixture = (name) => readFileSync(path.join(root, "test/fixtures/good", name));

function start() {
  if (!existsSync(path.join(root, "scripts/start.mjs"))) throw new Error("scripts/start.mjs (npm start) is missing");
  return startProcess("npm", ["start"], { readyUrl: `${base}/api/health`, extraEnv: { PORT: String(port), STATE_DIR: state } });
}

async function get(url, token) {
  const res = await fetch(url, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  const text = await res.text();
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

function fail(msg) {
  throw new Error(`durability restart: FAIL: ${msg}`);
}

let server;
const t0 = Date.now();
let code = 0;
try {
  server = await start();
  const ws = await (
    await fetch(`${base}/api/workspaces`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name: "Durable" }),
    })
  ).json();
  if (!ws.token) fail(`no workspace created: ${JSON.stringify(ws)}`);
  for (const kind of ["accounts", "responses"]) {
    const res = await fetch(`${base}/api/workspaces/${ws.id}/datasets?kind=${kind}&name=${kind}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${ws.token}`, "Content-Type": "text/csv" },
      body: fixture(`${kind}.csv`),
    });
    if (res.status !== 201) fail(`upload ${kind}: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  }
  const before = {
    workspace: await get(`${base}/api/workspaces/${ws.id}`, ws.token),
    metrics: await get(`${base}/api/workspaces/${ws.id}/metrics?by=month`, ws.token),
  };
  await server.stop();
  server = undefined;
  // The port must be free before the second start (the old server is really gone).
  try {
    await fetch(`${base}/api/health`);
    fail("the first server still answers after stop");
  } catch (e) {
    if (String(e.message).includes("FAIL")) throw e;
  }
  server = await start();
  const after = {
    workspace: await get(`${base}/api/workspaces/${ws.id}`, ws.token),
    metrics: await get(`${base}/api/workspaces/${ws.id}/metrics?by=month`, ws.token),
  };
  if (before.workspace.datasets.length !== 2) fail(`expected 2 datasets before the restart, saw ${before.workspace.datasets.length}`);
  if (JSON.stringify(after) !== JSON.stringify(before)) {
    fail(`state differs after restart:\nbefore ${JSON.stringify(before).slice(0, 800)}\nafter  ${JSON.stringify(after).slice(0, 800)}`);
  }
  for (const d of after.workspace.datasets) await get(`${base}/api/workspaces/${ws.id}/datasets/${d.id}`, ws.token);
  console.log(
    `durability restart: PASS (${after.workspace.datasets.map((d) => `${d.kind}=${d.rows} rows`).join(", ")}; join ${JSON.stringify(after.workspace.join)}; ${((Date.now() - t0) / 1000).toFixed(1)} s)`,
  );
} catch (e) {
  console.error(e.message ?? e);
  if (server) console.error(server.output().slice(-2000));
  code = 1;
} finally {
  await server?.stop();
  rmSync(state, { recursive: true, force: true });
}
process.exit(code);
