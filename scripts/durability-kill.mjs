// Kill check: nothing in R2 without a D1 row.
// 1. A direct upload is killed mid-way: `wrangler dev` (a frozen bundle, local state in a temp folder) is
//    SIGKILLed while the body is still arriving, after its first blocks went to R2.
// 2. A chunked upload is completed and its dataset deleted while its parse job is still processing.
// After each, the local R2 bucket and D1 database are read directly (Miniflare on the same state) and every object
// under cols/, raw/, agg/, acct/ must belong to a dataset row, every object under uploads/ to an upload row.
// Usage: node scripts/durability-kill.mjs   (about 1-2 minutes; exit 0 = pass)
import http from "node:http";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { migrate, snapshotWorker, startDev } from "./durability-devserver.mjs";

const port = Number(process.env.DURABILITY_PORT ?? 8798);
const base = `http://127.0.0.1:${port}`;
const state = mkdtempSync(path.join(os.tmpdir(), "cx-kill-"));
const persistTo = path.join(state, "data");
const config = snapshotWorker(path.join(state, "app"));
migrate(persistTo, config);

const fail = (msg) => {
  throw new Error(`durability kill: FAIL: ${msg}`);
};
const json = async (res, what) => {
  const text = await res.text();
  if (!res.ok) fail(`${what}: ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
};

/** Responses CSV of `rows` rows (about 33 bytes a row). */
function responsesCsv(rows) {
  const lines = ["account_id,response_date,nps,csat,touchpoint"];
  for (let i = 0; i < rows; i++) lines.push(`A${i % 5000},2025-0${1 + (i % 9)}-1${i % 10},${i % 11},${1 + (i % 5)},support`);
  return Buffer.from(lines.join("\n") + "\n");
}

/** Objects in R2 whose dataset or upload has no D1 row, read from the persisted state (the server stopped). */
async function orphans() {
  const { Miniflare } = await import("miniflare");
  const toml = readFileSync(config, "utf8");
  const mf = new Miniflare({
    modules: true,
    script: "export default { fetch() { return new Response('') } }",
    d1Databases: { DB: /^database_id\s*=\s*"([^"]+)"/m.exec(toml)[1] },
    r2Buckets: { FILES: /^bucket_name\s*=\s*"([^"]+)"/m.exec(toml)[1] },
    d1Persist: path.join(persistTo, "v3/d1"),
    r2Persist: path.join(persistTo, "v3/r2"),
  });
  try {
    const db = await mf.getD1Database("DB");
    const r2 = await mf.getR2Bucket("FILES");
    const datasets = new Map((await db.prepare("SELECT id, status FROM datasets").all()).results.map((r) => [r.id, r.status]));
    const uploads = new Set((await db.prepare("SELECT id FROM uploads").all()).results.map((r) => r.id));
    const keys = [];
    for (let cursor; ;) {
      const page = await r2.list({ cursor, limit: 1000 });
      keys.push(...page.objects.map((o) => o.key));
      if (!page.truncated) break;
      cursor = page.cursor;
    }
    const bad = keys.filter((k) => {
      const m = /^(cols|raw|agg|acct|uploads)\/[^/]+\/([^/.]+)/.exec(k);
      if (!m) return false;
      return m[1] === "uploads" ? !uploads.has(m[2]) : !datasets.has(m[2]);
    });
    return { keys, bad, datasets };
  } finally {
    await mf.dispose();
  }
}

let server;
let code = 0;
try {
  // ---- 1. a direct upload killed mid-way
  server = await startDev({ port, persistTo, config, inspectorPort: port + 1 });
  const ws = await json(
    await fetch(`${base}/api/workspaces`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"name":"kill"}' }),
    "create workspace",
  );
  const body = responsesCsv(600_000); // about 20 MB: blocks of 65,536 rows go to R2 long before its end
  await new Promise((resolve) => {
    const req = http.request(`${base}/api/workspaces/${ws.id}/datasets?kind=responses`, {
      method: "POST",
      headers: { authorization: `Bearer ${ws.token}`, "content-type": "text/csv", "content-length": body.length },
    });
    req.on("error", () => resolve());
    req.on("response", (res) => {
      res.resume();
      resolve();
    });
    let off = 0;
    const step = () => {
      if (off >= body.length * 0.9) {
        // 90% sent: give the worker 6 s to parse what it has (blocks go to R2), then kill wrangler dev and workerd
        // together, no chance to clean up.
        setTimeout(() => {
          process.kill(-server.child.pid, "SIGKILL");
          setTimeout(resolve, 500);
        }, 6000);
        return;
      }
      req.write(body.subarray(off, off + 256 * 1024), () => setTimeout(step, 20));
      off += 256 * 1024;
    };
    step();
  });
  await new Promise((r) => setTimeout(r, 1000));
  const afterKill = await orphans();
  console.log(
    `killed direct upload: ${afterKill.keys.length} objects in R2, datasets ${JSON.stringify([...afterKill.datasets])}, orphans ${afterKill.bad.length}`,
  );
  if (!afterKill.keys.some((k) => k.startsWith(`cols/${ws.id}/`)))
    fail("the upload was killed before any block was written; nothing tested");
  if (afterKill.bad.length) fail(`objects without a D1 row after the kill: ${afterKill.bad.slice(0, 5).join(", ")}`);

  // ---- 2. a chunked upload's dataset deleted while its job is processing
  server = await startDev({ port, persistTo, config, inspectorPort: port + 1 });
  const auth = { authorization: `Bearer ${ws.token}` };
  // fetch keeps connections alive: a request may pick one to the killed server, which fails before any answer.
  // Such a request is sent again (up to 3 times).
  const send = async (url, init) => {
    for (let k = 0; ; k++) {
      try {
        return await globalThis.fetch(url, init);
      } catch (e) {
        if (k >= 2 || e.cause?.code !== "UND_ERR_SOCKET") throw e;
      }
    }
  };
  const file = responsesCsv(1_500_000); // about 50 MB, so the job runs for some seconds
  const start = await json(
    await send(`${base}/api/workspaces/${ws.id}/uploads`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ kind: "responses", totalBytes: file.length, partBytes: 16 * 1024 * 1024, contentType: "text/csv" }),
    }),
    "start upload",
  );
  for (let n = 1, off = 0; off < file.length; n++, off += start.partBytes) {
    const part = file.subarray(off, off + start.partBytes);
    await json(
      await send(`${base}/api/workspaces/${ws.id}/uploads/${start.uploadId}/parts/${n}`, {
        method: "PUT",
        headers: { ...auth, "content-length": String(part.length) },
        body: part,
      }),
      `part ${n}`,
    );
  }
  const done = await json(
    await send(`${base}/api/workspaces/${ws.id}/uploads/${start.uploadId}/complete`, { method: "POST", headers: auth }),
    "complete",
  );
  // Wait until the job has written progress (blocks are going to R2), then delete the dataset.
  let seen = null;
  for (let t0 = Date.now(); Date.now() - t0 < 60_000;) {
    const d = (seen = await json(await send(`${base}/api/workspaces/${ws.id}/datasets/${done.datasetId}`, { headers: auth }), "poll"));
    if (d.status !== "processing" || d.progress?.rowsDone > 100_000) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  if (seen?.status !== "processing") fail(`the job was no longer processing when the dataset was deleted (${seen?.status})`);
  console.log(`deleting the dataset while processing (${seen.progress.rowsDone} of ~${seen.progress.rowsTotal} rows)`);
  const del = await send(`${base}/api/workspaces/${ws.id}/datasets/${done.datasetId}`, { method: "DELETE", headers: auth });
  if (del.status !== 204) fail(`DELETE of the processing dataset answered ${del.status}`);
  // Let the job notice (its next progress write) and clean up what it wrote since.
  await new Promise((r) => setTimeout(r, 5000));
  await server.stop();
  server = null;
  const afterDelete = await orphans();
  const left = afterDelete.keys.filter((k) => k.includes(done.datasetId) || k.includes(start.uploadId));
  console.log(`deleted processing dataset: ${left.length} of its objects left, orphans ${afterDelete.bad.length}`);
  if (left.length) fail(`objects of the deleted dataset left: ${left.slice(0, 5).join(", ")}`);
  if (afterDelete.bad.length) fail(`objects without a D1 row: ${afterDelete.bad.slice(0, 5).join(", ")}`);
  console.log("durability kill: PASS");
} catch (e) {
  console.error(e.stack ?? e.message, e.cause ?? "");
  if (server) console.error(server.output().slice(-3000));
  code = 1;
} finally {
  await server?.stop();
  rmSync(state, { recursive: true, force: true });
}
process.exit(code);
