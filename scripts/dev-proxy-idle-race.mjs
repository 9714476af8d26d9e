// Shows wrangler dev's keep-alive race (not part of npm test; README "Hardening": bench:load). wrangler dev puts a
// proxy worker (its own workerd) in front of the user worker (a second workerd) and reuses its connections to it.
// Both ends use kj-http's defaults: the client closes a pooled connection idle for 5 s (HttpClientSettings
// idleTimeout) and the server closes one that waited 5 s for its next request (HttpServerSettings pipelineTimeout).
// A request the proxy sends on a connection the server is closing at that moment fails; the proxy retries GET and
// HEAD silently and answers other methods 503 "Your worker restarted mid-request" (ProxyWorker.js), whatever
// happened. This script sends POST /api/calc/renewal-uplift (no storage, microseconds of work) one at a time with
// pauses around 5 s, then pauses well away from 5 s, and counts the statuses of each set. Run it on a quiet
// machine: the window is as wide as the time between the server writing a response and the proxy reading it.
// Env: RACE_PORT (8797), RACE_REQUESTS (60 per set).
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { migrate, snapshotWorker, startDev, stopDev } from "./durability-devserver.mjs";

const port = Number(process.env.RACE_PORT ?? 8797);
const count = Number(process.env.RACE_REQUESTS ?? 60);
const url = `http://127.0.0.1:${port}/api/calc/renewal-uplift`;
const body = JSON.stringify({ accounts: 100, arr: 10000, baselineRenewal: 0.8, renewalLift: 0.02, investment: 1000 });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function set(name, gapMs) {
  const codes = {};
  for (let k = 0; k < count; k++) {
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
    const text = await res.text();
    const key = res.status === 503 ? `503 ${text.slice(0, 40)}…` : String(res.status);
    codes[key] = (codes[key] ?? 0) + 1;
    await sleep(gapMs(k));
  }
  console.log(`RACE ${name} requests=${count} ${JSON.stringify(codes)}`);
}

const state = mkdtempSync(path.join(os.tmpdir(), "cx-race-"));
let server;
try {
  const config = snapshotWorker(path.join(state, "worker"));
  migrate(path.join(state, "data"), config);
  server = await startDev({ port, persistTo: path.join(state, "data"), config });
  // Pauses of 4.97 … 5.03 s (1 ms steps) around both 5 s timeouts, then 2.5 s pauses (the same number of requests).
  await set("pause_5s", (k) => 4970 + (k % 61));
  await set("pause_2.5s", () => 2500);
} finally {
  await stopDev(server, false);
  rmSync(state, { recursive: true, force: true });
}
