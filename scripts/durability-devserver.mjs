// Starts and stops a local `wrangler dev` (loopback only) for the durability
// check and the load bench. Used by scripts/durability-restart.mjs and bench/load.mjs.
import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createInterface } from "node:readline";
import path from "node:path";

export const root = path.resolve(import.meta.dirname, "..");
const wranglerBin = path.join(root, "node_modules/.bin/wrangler");
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CI: process.env.CI ?? "true" };

/**
 * A frozen copy of the worker for benchmarking: `wrangler dev` reloads the worker
 * whenever a source file changes (answering in-flight requests with 503), and
 * other work may be editing worker/ meanwhile. This bundles the worker once
 * (`wrangler deploy --dry-run --outdir`), copies web/dist, and writes a config
 * in `dir` that runs that bundle with no_bundle = true. Returns the config path.
 */
export function snapshotWorker(dir) {
  mkdirSync(dir, { recursive: true });
  const r = spawnSync(wranglerBin, ["deploy", "--dry-run", "--outdir", path.join(dir, "bundle")], { cwd: root, env, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`bundling failed: ${r.stderr || r.stdout}`);
  cpSync(path.join(root, "web/dist"), path.join(dir, "assets"), { recursive: true });
  let toml = readFileSync(path.join(root, "wrangler.toml"), "utf8");
  toml = toml
    .replace(/^main = .*$/m, `main = ${JSON.stringify(path.join(dir, "bundle/index.js"))}\nno_bundle = true`)
    .replace(/^directory = .*$/m, `directory = ${JSON.stringify(path.join(dir, "assets"))}`)
    .replace(/^migrations_dir = .*$/m, `migrations_dir = ${JSON.stringify(path.join(root, "migrations"))}`);
  const config = path.join(dir, "wrangler.toml");
  writeFileSync(config, toml);
  return config;
}

/** Applies the D1 migrations to a local state folder (idempotent). */
export function migrate(persistTo, config) {
  const cfg = config ? ["-c", config] : [];
  const r = spawnSync(wranglerBin, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistTo, ...cfg], {
    cwd: root,
    env,
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`migrations failed: ${r.stderr || r.stdout}`);
}

/** Waits until GET url answers (any status) or the timeout passes. */
export async function waitFor(url, timeoutMs = 60_000) {
  const t0 = Date.now();
  for (;;) {
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      return;
    } catch {
      if (Date.now() - t0 > timeoutMs) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/**
 * Spawns a command in its own process group (so stop() ends wrangler and workerd
 * together, and nothing else) and waits for `readyUrl`.
 */
export async function startProcess(cmd, args, { readyUrl, extraEnv = {}, log = false } = {}) {
  const child = spawn(cmd, args, { cwd: root, env: { ...env, ...extraEnv }, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const keep = (d) => {
    output += d.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
    if (log) process.stderr.write(d);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const exited = new Promise((r) => child.on("exit", r));
  try {
    await Promise.race([
      waitFor(readyUrl),
      exited.then((code) => {
        throw new Error(`${cmd} exited early (${code}):\n${output.slice(-3000)}`);
      }),
    ]);
  } catch (e) {
    stopGroup(child);
    throw e;
  }
  return {
    child,
    output: () => output,
    async stop() {
      stopGroup(child);
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      // Whatever survived SIGTERM in this group: SIGKILL.
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {}
    },
  };
}

function stopGroup(child) {
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {}
}

/**
 * `wrangler dev` on 127.0.0.1:port with local state in persistTo (DEV_LOG_LEVEL=debug for workerd diagnostics);
 * `inspectorPort` moves the devtools port off 9229 (another dev server on the machine may hold it).
 */
export function startDev({ port, persistTo, vars = {}, log = false, config, inspectorPort }) {
  const args = [
    "dev",
    ...(config ? ["-c", config] : []),
    ...(process.env.DEV_LOG_LEVEL ? ["--log-level", process.env.DEV_LOG_LEVEL] : []),
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--persist-to",
    persistTo,
    "--show-interactive-dev-session=false",
    ...(inspectorPort ? ["--inspector-port", String(inspectorPort)] : []),
  ];
  for (const [k, v] of Object.entries(vars)) args.push("--var", `${k}:${v}`);
  return startProcess(wranglerBin, args, { readyUrl: `http://127.0.0.1:${port}/api/health`, log });
}

/**
 * The frozen bundle of `snapshotWorker(dir)` served by workerd through Miniflare's API on 127.0.0.1:port,
 * with the same local D1 and R2 state as `startDev({ persistTo })` (stop that first). Unlike `wrangler dev`,
 * no reload proxy (a second workerd that holds requests while the code changes) sits in front of the
 * worker, so requests reach it as on Cloudflare: the latency bench measures the worker, not the dev tool.
 * Cron triggers and static assets are not wired: for API calls only. `queues` wires the JOBS queue (producer and
 * consumer, as in wrangler.toml) so chunked uploads are parsed by their queued job in the same isolate.
 * `inspectorPort` opens the isolate's DevTools inspector on 127.0.0.1 (for profiling by hand). `v8Flags` are passed to workerd's V8 (the `v8Flags` field of workerd's config, which Miniflare has
 * no option for: added to the config Miniflare encodes) and `onStdout` receives workerd's stdout line by line
 * and stderr line by line (stdout line-buffered through stdbuf, so V8's GC trace arrives as it is written); bench/lib.mjs gcTraceMemory uses both.
 */
export async function startWorkerd({ dir, persistTo, port, inspectorPort, queues = false, v8Flags, onStdout }) {
  const { Miniflare } = await import("miniflare");
  const toml = readFileSync(path.join(dir, "wrangler.toml"), "utf8");
  const setting = (re, dflt) => re.exec(toml)?.[1] ?? dflt;
  const bindings = {};
  const vars = /\[vars\]([\s\S]*?)(\n\[|$)/.exec(toml)?.[1] ?? "";
  for (const m of vars.matchAll(/^(\w+)\s*=\s*"([^"]*)"/gm)) bindings[m[1]] = m[2];
  const queue = setting(/\[\[queues\.producers\]\][^[]*?queue\s*=\s*"([^"]+)"/, "cx-revenue-jobs");
  const opts = {
    modules: true,
    modulesRoot: path.join(dir, "bundle"),
    scriptPath: path.join(dir, "bundle/index.js"),
    // The bundle imports models/wasm/kernels.wasm as a compiled module (wrangler's default rule for *.wasm).
    modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
    compatibilityDate: setting(/^compatibility_date\s*=\s*"([^"]+)"/m, "2026-04-01"),
    bindings,
    d1Databases: { DB: setting(/^database_id\s*=\s*"([^"]+)"/m) },
    r2Buckets: { FILES: setting(/^bucket_name\s*=\s*"([^"]+)"/m) },
    d1Persist: path.join(persistTo, "v3/d1"),
    r2Persist: path.join(persistTo, "v3/r2"),
    host: "127.0.0.1",
    port,
    ...(inspectorPort ? { inspectorPort } : {}),
    ...(queues
      ? {
          queueProducers: { JOBS: { queueName: queue } },
          queueConsumers: { [queue]: { maxBatchSize: 1, maxBatchTimeout: 1, maxRetries: 2 } },
          queuesPersist: path.join(persistTo, "v3/queues"),
        }
      : {}),
    ...(onStdout
      ? {
          handleRuntimeStdio(stdout, stderr) {
            createInterface(stdout).on("line", onStdout);
            createInterface(stderr).on("line", (l) => {
              onStdout(l);
              if (l.trim()) process.stderr.write(`# workerd: ${l.slice(0, 300)}\n`);
            });
          },
        }
      : {}),
  };
  // Miniflare encodes its config with Object.entries (own keys): the top-level config gets a v8Flags entry while
  // the instance starts, and workerd runs under stdbuf -oL (its stdout is a pipe: V8 would print in 4 KiB blocks).
  const entries = Object.entries;
  const workerdPath = process.env.MINIFLARE_WORKERD_PATH;
  if (v8Flags?.length) {
    Object.entries = (o) => {
      const e = entries(o);
      if (o && typeof o === "object" && "services" in o && "sockets" in o && !("v8Flags" in o)) e.push(["v8Flags", v8Flags]);
      return e;
    };
  }
  if (onStdout) {
    mkdirSync(persistTo, { recursive: true });
    const wrapper = path.join(persistTo, "workerd-line-buffered.sh");
    const real = workerdPath ?? createRequire(createRequire(import.meta.url).resolve("miniflare"))("workerd").default;
    writeFileSync(wrapper, `#!/bin/sh\nexec stdbuf -oL ${JSON.stringify(real)} "$@"\n`, { mode: 0o755 });
    process.env.MINIFLARE_WORKERD_PATH = wrapper;
  }
  let mf;
  try {
    mf = new Miniflare(opts);
    await mf.ready;
  } finally {
    Object.entries = entries;
    if (workerdPath === undefined) delete process.env.MINIFLARE_WORKERD_PATH;
    else process.env.MINIFLARE_WORKERD_PATH = workerdPath;
  }
  return { stop: () => mf.dispose() };
}

/** Stops a dev server (if any); after a failure, first prints the lines of its log that say why (limits, restarts, errors). */
export async function stopDev(server, failed) {
  if (failed && server) {
    const notes = server
      .output()
      .split("\n")
      .filter((l) => /exceed|memory|restart|limit|error/i.test(l));
    for (const l of [...new Set(notes)].slice(0, 10)) console.log(`# wrangler: ${l.slice(0, 300)}`);
  }
  await server?.stop();
}
