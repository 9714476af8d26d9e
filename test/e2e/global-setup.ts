/**
 * Starts one real `wrangler dev` for all browser tests: builds the UI, applies the D1 migrations to a temp
 * state folder, picks a free port, waits for /api/health, and provides the base URL. Killed in teardown.
 *
 * It serves a frozen copy of the worker (bundled once with `wrangler deploy --dry-run --outdir`, run with
 * no_bundle) and of web/dist: `wrangler dev` on the source tree reloads on every edit under worker/ and answers
 * in-flight requests with "Your worker restarted mid-request", which would make the tests flaky while
 * someone works in the same checkout.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
// The frozen bundle and the migrations of the benches and the durability check (one implementation).
import { migrate, snapshotWorker } from "../../scripts/durability-devserver.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

const root = path.resolve(import.meta.dirname, "../..");
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true", NO_COLOR: "1" };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url: string, child: ChildProcess, log: () => string, timeoutMs = 150_000): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited early (${child.exitCode}):\n${log()}`);
    try {
      const r = await fetch(`${url}/api/health`);
      if (r.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`wrangler dev did not answer /api/health within ${timeoutMs} ms:\n${log()}`);
}

export default async function setup(project: TestProject) {
  const build = spawnSync(process.execPath, ["scripts/build-web.mjs"], { cwd: root, env, encoding: "utf8" });
  if (build.status !== 0) throw new Error(`build-web failed:\n${build.stdout}\n${build.stderr}`);
  const state = mkdtempSync(path.join(tmpdir(), "cx-e2e-"));
  const config = snapshotWorker(path.join(state, "app"));
  const persist = path.join(state, "data");
  migrate(persist, config);
  const port = await freePort();
  let out = "";
  const child = spawn(
    "npx",
    [
      "wrangler",
      "dev",
      "-c",
      config,
      "--port",
      String(port),
      "--ip",
      "127.0.0.1",
      "--persist-to",
      persist,
      "--show-interactive-dev-session=false",
    ],
    { cwd: root, env, detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout?.on("data", (d) => {
    out += d;
  });
  child.stderr?.on("data", (d) => {
    out += d;
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = () => {
    if (child.pid && child.exitCode === null) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        /* already gone */
      }
    }
    rmSync(state, { recursive: true, force: true });
  };
  // Also when the run is interrupted (Ctrl-C, a timeout's SIGTERM): never leave a wrangler dev behind.
  for (const sig of ["SIGINT", "SIGTERM"] as const)
    process.once(sig, () => {
      stop();
      process.exit(130);
    });
  try {
    await waitForHealth(url, child, () => out.slice(-4000));
  } catch (e) {
    stop();
    throw e;
  }
  project.provide("baseUrl", url);
  return stop;
}
