import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  getQueueResult,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getDataset, readColumns } from "../../worker/data/datasets";
import type { Env, ParseJobMessage } from "../../worker/env";
import worker from "../../worker/index";
import { runParseJob } from "../../worker/jobs/parse-job";
import { sweepUploads } from "../../worker/jobs/upload-sweep";
import { type ErrorJson, call, createWorkspace, r2Keys as keys } from "./helpers";

/**
 * Chunked uploads that never lose or duplicate anything: atomic complete, DELETE, the expiry
 * sweep, and parse jobs that survive redelivery. Expected values are tallied here while files are
 * generated, or are the limits of wrangler.toml (UPLOAD_EXPIRY_HOURS = 24, max_retries = 2).
 */

const enc = new TextEncoder();
type Ws = { id: string; token: string };

/** A responses file of `n` rows with its NPS sum, tallied as it is written. */
function responsesFile(n: number): { bytes: Uint8Array; npsSum: number } {
  const lines = ["account_id,nps,csat\n"];
  let npsSum = 0;
  for (let i = 0; i < n; i++) {
    const nps = (i * 3) % 11;
    npsSum += nps;
    lines.push(`A${i % 997},${nps},${1 + (i % 5)}\n`);
  }
  return { bytes: enc.encode(lines.join("")), npsSum };
}

async function json(path: string, token: string, init: RequestInit = {}) {
  const res = await call(path, { ...init, token });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as Record<string, unknown> & ErrorJson };
}

async function start(ws: Ws, totalBytes: number, partBytes = Math.floor(totalBytes / 2) + 3) {
  const r = await json(`/api/workspaces/${ws.id}/uploads`, ws.token, {
    method: "POST",
    headers: { "content-type": "application/json" },
    // Two parts (uploadParts cuts just past the middle).
    body: JSON.stringify({ kind: "responses", totalBytes, contentType: "text/csv", partBytes }),
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.uploadId as string;
}

const putPart = (ws: Ws, id: string, n: number, part: Uint8Array) =>
  json(`/api/workspaces/${ws.id}/uploads/${id}/parts/${n}`, ws.token, {
    method: "PUT",
    headers: { "content-type": "application/octet-stream", "content-length": String(part.byteLength) },
    body: part,
  });

/** Starts an upload and sends `bytes` in two parts cut mid-row. */
async function uploadParts(ws: Ws, bytes: Uint8Array): Promise<string> {
  const id = await start(ws, bytes.byteLength);
  const cut = Math.floor(bytes.byteLength / 2) + 3;
  expect((await putPart(ws, id, 1, bytes.slice(0, cut))).status).toBe(200);
  expect((await putPart(ws, id, 2, bytes.slice(cut))).status).toBe(200);
  return id;
}

/** Marks an upload complete the way POST .../complete does, without queueing a message: the test is the consumer. */
async function queueByHand(ws: Ws, uploadId: string, datasetId: string, totalBytes: number, rowsTotal: number) {
  await env.DB.batch([
    env.DB.prepare(
      `INSERT INTO datasets (id, workspace_id, kind, name, rows, columns, block_count, block_rows, raw_bytes, status, progress)
       VALUES (?, ?, 'responses', 'by hand', 0, '[]', 0, 0, ?, 'processing', ?)`,
    ).bind(datasetId, ws.id, totalBytes, JSON.stringify({ rowsDone: 0, rowsTotal, errorsSoFar: 0 })),
    env.DB.prepare("UPDATE uploads SET status = 'queued', dataset_id = ? WHERE id = ?").bind(datasetId, uploadId),
  ]);
  return { workspaceId: ws.id, uploadId, datasetId } satisfies ParseJobMessage;
}

/** The NPS sum of a stored dataset, read back through its blocks. */
async function storedNpsSum(ws: Ws, datasetId: string): Promise<{ rows: number; sum: number; blocks: number }> {
  const meta = (await getDataset(env, ws.id, datasetId))!;
  const cols = await readColumns(env, meta, ["nps"]);
  let sum = 0;
  for (let i = 0; i < meta.rows; i++) sum += cols.numeric.nps[i];
  return { rows: meta.rows, sum, blocks: meta.blockCount };
}

async function waitForJob(ws: Ws, datasetId: string) {
  const t0 = Date.now();
  for (;;) {
    const r = await json(`/api/workspaces/${ws.id}/datasets/${datasetId}`, ws.token);
    if (r.body.status !== "processing") return r.body;
    if (Date.now() - t0 > 50_000) throw new Error(`job still processing: ${JSON.stringify(r.body)}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

describe("complete is atomic", () => {
  it("eight concurrent completes create one dataset and one job; every answer names that dataset", async () => {
    const ws = await createWorkspace("complete-race");
    const { bytes, npsSum } = responsesFile(20_000);
    const id = await uploadParts(ws, bytes);
    // R2 reads answer 100 ms late, so that every request has read the upload as open (and estimated its
    // rows from part 1) before any of them writes: the window a check-then-write completion loses in.
    const slow = {
      ...env,
      FILES: new Proxy(env.FILES, {
        get(target, prop) {
          const v = Reflect.get(target, prop);
          if (prop === "get") return async (...args: unknown[]) => (await new Promise((r) => setTimeout(r, 100)), v.apply(target, args));
          return typeof v === "function" ? v.bind(target) : v;
        },
      }),
    } as Env;
    const answers = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const req = new Request(`http://x/api/workspaces/${ws.id}/uploads/${id}/complete`, {
          method: "POST",
          headers: { authorization: `Bearer ${ws.token}` },
        });
        const res = await worker.fetch(req, slow, createExecutionContext());
        return { status: res.status, body: (await res.json()) as Record<string, unknown> & ErrorJson };
      }),
    );
    const winners = answers.filter((a) => a.status === 202);
    expect(winners.length).toBeGreaterThanOrEqual(1);
    const datasetId = winners[0].body.datasetId as string;
    for (const a of answers) {
      if (a.status === 202) expect(a.body).toEqual({ datasetId, status: "processing", rowsTotal: winners[0].body.rowsTotal });
      else {
        // The job may already have finished for a late loser: then 409 naming the same dataset.
        expect(a.status, JSON.stringify(a.body)).toBe(409);
        expect(a.body.error.code).toBe("upload_completed");
        expect(a.body.error.message).toContain(datasetId);
      }
    }
    const count = await env.DB.prepare("SELECT COUNT(*) AS n FROM datasets WHERE workspace_id = ?").bind(ws.id).first<{ n: number }>();
    expect(count!.n).toBe(1);
    const meta = await waitForJob(ws, datasetId);
    expect(meta.status).toBe("ready");
    expect(await storedNpsSum(ws, datasetId)).toMatchObject({ rows: 20_000, sum: npsSum });
    expect(await keys(`uploads/${ws.id}/`)).toEqual([]);
  });
});

describe("complete when the Queue is down", () => {
  it("answers 503 queue_unavailable, undoes the completion (no dataset row, upload open), and completing again works", async () => {
    const ws = await createWorkspace("queue-down");
    const { bytes, npsSum } = responsesFile(1000);
    const id = await uploadParts(ws, bytes);
    const down = {
      ...env,
      JOBS: { send: async () => Promise.reject(new Error("queue down")), sendBatch: async () => Promise.reject(new Error("queue down")) },
    } as unknown as Env;
    const req = new Request(`http://x/api/workspaces/${ws.id}/uploads/${id}/complete`, {
      method: "POST",
      headers: { authorization: `Bearer ${ws.token}` },
    });
    const res = await worker.fetch(req, down, createExecutionContext());
    expect(res.status).toBe(503);
    expect(((await res.json()) as ErrorJson).error.code).toBe("queue_unavailable");
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM datasets WHERE workspace_id = ?").bind(ws.id).first("n")).toBe(0);
    expect(await env.DB.prepare("SELECT status, dataset_id FROM uploads WHERE id = ?").bind(id).first()).toEqual({
      status: "open",
      dataset_id: null,
    });
    const again = await json(`/api/workspaces/${ws.id}/uploads/${id}/complete`, ws.token, { method: "POST" });
    expect(again.status).toBe(202);
    const meta = await waitForJob(ws, again.body.datasetId as string);
    expect(meta.status).toBe("ready");
    expect(await storedNpsSum(ws, again.body.datasetId as string)).toMatchObject({ rows: 1000, sum: npsSum });
  });
});

describe("DELETE .../uploads/:id", () => {
  it("deletes an open upload's parts and row: 204, then 404 for it, its parts and its completion", async () => {
    const ws = await createWorkspace("upload-delete");
    const id = await uploadParts(ws, responsesFile(500).bytes);
    expect((await keys(`uploads/${ws.id}/${id}/`)).length).toBe(2);
    const del = await call(`/api/workspaces/${ws.id}/uploads/${id}`, { method: "DELETE", token: ws.token });
    expect(del.status).toBe(204);
    expect(await keys(`uploads/${ws.id}/`)).toEqual([]);
    expect(await env.DB.prepare("SELECT id FROM uploads WHERE id = ?").bind(id).first()).toBeNull();
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM upload_parts WHERE upload_id = ?").bind(id).first("n")).toBe(0);
    const again = await json(`/api/workspaces/${ws.id}/uploads/${id}`, ws.token, { method: "DELETE" });
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe("not_found");
    expect((await putPart(ws, id, 1, enc.encode("x"))).status).toBe(404);
    expect((await json(`/api/workspaces/${ws.id}/uploads/${id}/complete`, ws.token, { method: "POST" })).status).toBe(404);
    // Another workspace cannot see it either (404, never 403).
    const other = await createWorkspace("upload-delete-other");
    const id2 = await start(ws, 10);
    expect((await json(`/api/workspaces/${other.id}/uploads/${id2}`, other.token, { method: "DELETE" })).status).toBe(404);
  });

  it("answers 409 upload_completed naming the dataset once the upload is complete, and keeps its parts", async () => {
    const ws = await createWorkspace("upload-delete-409");
    const bytes = responsesFile(100).bytes;
    const id = await uploadParts(ws, bytes);
    await queueByHand(ws, id, "d_del409", bytes.byteLength, 100);
    const del = await json(`/api/workspaces/${ws.id}/uploads/${id}`, ws.token, { method: "DELETE" });
    expect(del.status).toBe(409);
    expect(del.body.error.code).toBe("upload_completed");
    expect(del.body.error.message).toContain("d_del409");
    expect((await keys(`uploads/${ws.id}/${id}/`)).length).toBe(2);
  });

  it("a part sent after completion is refused (409) and does not change the stored bytes; a part sent again replaces the old object", async () => {
    const ws = await createWorkspace("late-part");
    const { bytes, npsSum } = responsesFile(1000);
    const id = await start(ws, bytes.byteLength, bytes.byteLength);
    // Part 1 first sent with wrong bytes of another length, then again with the right ones.
    expect((await putPart(ws, id, 1, enc.encode("account_id,nps\nZ,1\n"))).status).toBe(200);
    expect((await putPart(ws, id, 1, bytes)).status).toBe(200);
    const stored = await keys(`uploads/${ws.id}/${id}/`);
    expect(stored.length).toBe(1);
    expect((await env.FILES.head(stored[0]))!.size).toBe(bytes.byteLength);
    const msg = await queueByHand(ws, id, "d_late", bytes.byteLength, 1000);
    const late = await putPart(ws, id, 1, enc.encode("account_id,nps\nLATE,0\n"));
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe("upload_completed");
    expect(await keys(`uploads/${ws.id}/${id}/`)).toEqual(stored);
    expect(await runParseJob(env, msg)).toBe("ready");
    expect(await storedNpsSum(ws, "d_late")).toMatchObject({ rows: 1000, sum: npsSum });
  });
});

describe("expiry sweep (UPLOAD_EXPIRY_HOURS = 24 in wrangler.toml)", () => {
  it("removes open uploads 24 h after their last part (or their start), gives up stuck jobs, removes leftovers", async () => {
    const ws = await createWorkspace("sweep");
    const small = responsesFile(50).bytes;
    const a = await uploadParts(ws, small); // last part at 2026-01-02T00:00Z (set below)
    const b = await start(ws, 10); // no part; started at 2026-01-02T06:00Z
    const c = await uploadParts(ws, small); // completed, job never ran (message lost): stuck since 2025-12-01
    const d = await uploadParts(ws, small); // completed, dataset ready, but the parts were never removed
    const fresh = await uploadParts(ws, small); // completed recently: its job may still come
    await env.DB.batch([
      env.DB.prepare(
        "UPDATE uploads SET created_at = '2026-01-01T00:00:00.000Z', last_part_at = '2026-01-02T00:00:00.000Z' WHERE id = ?",
      ).bind(a),
      env.DB.prepare("UPDATE uploads SET created_at = '2026-01-02T06:00:00.000Z', last_part_at = NULL WHERE id = ?").bind(b),
    ]);
    await queueByHand(ws, c, "d_stuck", small.byteLength, 50);
    await queueByHand(ws, d, "d_done", small.byteLength, 50);
    await queueByHand(ws, fresh, "d_fresh", small.byteLength, 50);
    await env.DB.batch([
      env.DB.prepare("UPDATE datasets SET created_at = '2025-12-01T00:00:00.000Z' WHERE id IN ('d_stuck', 'd_done')"),
      // d_fresh's job is alive: it wrote progress just now (reading datasets times out jobs silent for 20 minutes, real time).
      env.DB.prepare("UPDATE datasets SET created_at = '2026-01-02T12:00:00.000Z', progress = ? WHERE id = 'd_fresh'").bind(
        JSON.stringify({ rowsDone: 0, rowsTotal: 50, errorsSoFar: 0, at: new Date().toISOString() }),
      ),
      env.DB.prepare("UPDATE uploads SET created_at = '2025-12-01T00:00:00.000Z' WHERE id IN (?, ?)").bind(c, d),
      env.DB.prepare("UPDATE uploads SET created_at = '2026-01-02T12:00:00.000Z' WHERE id = ?").bind(fresh),
      env.DB.prepare("UPDATE datasets SET status = 'ready' WHERE id = 'd_done'"),
    ]);
    // What a dead attempt of the stuck job left: a block.
    await env.FILES.put(`cols/${ws.id}/d_stuck/0.bin`, "partial");
    const status = async (id: string) =>
      (await env.DB.prepare("SELECT status FROM uploads WHERE id = ?").bind(id).first<string>("status")) ?? "removed";

    // 1 s before a's 24 h are up.
    let r = await sweepUploads(env, new Date("2026-01-02T23:59:59.000Z"));
    expect(r).toEqual({ expired: 0, stuckJobs: 1, leftovers: 1, retired: 0, orphans: expect.any(Number) });
    // c and d are kept as `done` rows naming their datasets until 24 h after their last part (real time here).
    expect([await status(a), await status(b), await status(c), await status(d), await status(fresh)]).toEqual([
      "open",
      "open",
      "done",
      "done",
      "queued",
    ]);
    const stuck = await json(`/api/workspaces/${ws.id}/datasets/d_stuck`, ws.token);
    expect(stuck.body.status).toBe("failed");
    expect((stuck.body.error as unknown as { code: string; message: string }).code).toBe("job_failed");
    expect((stuck.body.error as unknown as { message: string }).message).toContain("did not finish within 24 hours");
    expect(await keys(`cols/${ws.id}/d_stuck/`)).toEqual([]);
    expect(await keys(`uploads/${ws.id}/${c}/`)).toEqual([]);
    expect(await keys(`uploads/${ws.id}/${d}/`)).toEqual([]);
    expect((await getDataset(env, ws.id, "d_done"))!.status).toBe("ready");
    expect((await keys(`uploads/${ws.id}/${a}/`)).length).toBe(2);

    // 1 s after: a goes (parts and row), b (started 6 h later) stays.
    r = await sweepUploads(env, new Date("2026-01-03T00:00:01.000Z"));
    expect(r).toEqual({ expired: 1, stuckJobs: 0, leftovers: 0, retired: 0, orphans: expect.any(Number) });
    expect([await status(a), await status(b), await status(fresh)]).toEqual(["removed", "open", "queued"]);
    expect(await keys(`uploads/${ws.id}/${a}/`)).toEqual([]);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM upload_parts WHERE upload_id = ?").bind(a).first("n")).toBe(0);

    // The scheduled handler (Cron Trigger) runs the same sweep at its scheduled time: b goes 24 h after its start.
    const controller = createScheduledController({ scheduledTime: new Date("2026-01-03T06:00:01.000Z"), cron: "17 * * * *" });
    const ctx = createExecutionContext();
    await worker.scheduled(controller, env as Env, ctx);
    await waitOnExecutionContext(ctx);
    expect([await status(b), await status(fresh)]).toEqual(["removed", "queued"]);
    expect((await getDataset(env, ws.id, "d_fresh"))!.status).toBe("processing");
  });

  it("reads the expiry from UPLOAD_EXPIRY_HOURS; `done` rows of finished jobs go after it too", async () => {
    // Dates before every other row of this file, so that the (global) sweep touches only these two uploads.
    const ws = await createWorkspace("sweep-var");
    const a = await uploadParts(ws, responsesFile(10).bytes);
    const small = responsesFile(10).bytes;
    const finished = await uploadParts(ws, small);
    expect(await runParseJob(env, await queueByHand(ws, finished, "d_var", small.byteLength, 10))).toBe("ready");
    await env.DB.batch([
      env.DB.prepare("UPDATE uploads SET last_part_at = '2025-06-01T10:00:00.000Z' WHERE id = ?").bind(a),
      env.DB.prepare("UPDATE uploads SET last_part_at = '2025-06-01T09:00:00.000Z' WHERE id = ?").bind(finished),
    ]);
    const twoHours = { ...env, UPLOAD_EXPIRY_HOURS: "2" } as Env;
    expect(await sweepUploads(twoHours, new Date("2025-06-01T10:59:00.000Z"))).toEqual({
      expired: 0,
      stuckJobs: 0,
      leftovers: 0,
      retired: 0,
      orphans: expect.any(Number),
    });
    expect(await sweepUploads(twoHours, new Date("2025-06-01T11:01:00.000Z"))).toEqual({
      expired: 0,
      stuckJobs: 0,
      leftovers: 0,
      retired: 1,
      orphans: expect.any(Number),
    });
    expect(await sweepUploads(twoHours, new Date("2025-06-01T12:01:00.000Z"))).toEqual({
      expired: 1,
      stuckJobs: 0,
      leftovers: 0,
      retired: 0,
      orphans: expect.any(Number),
    });
    expect(await keys(`uploads/${ws.id}/${a}/`)).toEqual([]);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM uploads WHERE workspace_id = ?").bind(ws.id).first("n")).toBe(0);
    // The dataset itself is untouched.
    expect((await getDataset(env, ws.id, "d_var"))!.status).toBe("ready");
  });
});

describe("parse jobs survive redelivery", () => {
  it("a message for a job that finished is a no-op: same dataset, same objects, one row", async () => {
    const ws = await createWorkspace("redeliver-done");
    const { bytes, npsSum } = responsesFile(30_000);
    const id = await uploadParts(ws, bytes);
    const msg = await queueByHand(ws, id, "d_twice", bytes.byteLength, 30_000);
    expect(await runParseJob(env, msg)).toBe("ready");
    const first = await storedNpsSum(ws, "d_twice");
    expect(first).toMatchObject({ rows: 30_000, sum: npsSum });
    const objects = await keys(`cols/${ws.id}/d_twice/`);
    expect(objects.length).toBe(first.blocks);
    expect(await runParseJob(env, msg)).toBe("gone");
    expect(await storedNpsSum(ws, "d_twice")).toEqual(first);
    expect(await keys(`cols/${ws.id}/d_twice/`)).toEqual(objects);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM datasets WHERE workspace_id = ?").bind(ws.id).first("n")).toBe(1);
  });

  it("a rerun after a partial first attempt starts from nothing: stray blocks and rollups go, the dataset is whole", async () => {
    const ws = await createWorkspace("redeliver-partial");
    const { bytes, npsSum } = responsesFile(30_000);
    const id = await uploadParts(ws, bytes);
    const msg = await queueByHand(ws, id, "d_partial", bytes.byteLength, 30_000);
    // What a first attempt that died half way leaves: garbage in block 0, a block far past the end, a
    // rollup, a raw file, and progress.
    await env.FILES.put(`cols/${ws.id}/d_partial/0.bin`, "not a block");
    await env.FILES.put(`cols/${ws.id}/d_partial/999.bin`, "stray");
    await env.FILES.put(`agg/${ws.id}/d_partial.json`, "{}");
    await env.FILES.put(`raw/${ws.id}/d_partial`, "half a file");
    await env.DB.prepare(
      'UPDATE datasets SET progress = \'{"rowsDone":12000,"rowsTotal":30000,"errorsSoFar":0}\' WHERE id = \'d_partial\'',
    ).run();
    await env.DB.prepare("UPDATE uploads SET job_token = 'dead-attempt' WHERE id = ?").bind(id).run();
    expect(await runParseJob(env, msg)).toBe("ready");
    const got = await storedNpsSum(ws, "d_partial");
    expect(got).toMatchObject({ rows: 30_000, sum: npsSum });
    expect(await keys(`cols/${ws.id}/d_partial/`)).toEqual(
      Array.from({ length: got.blocks }, (_, k) => `cols/${ws.id}/d_partial/${k}.bin`).sort(),
    );
    expect((await env.FILES.head(`raw/${ws.id}/d_partial`))!.size).toBe(bytes.byteLength);
    // The rollup is the rerun's: metrics count every row once.
    const m = await json(`/api/workspaces/${ws.id}/metrics`, ws.token);
    expect((m.body.overall as { nps: { n: number } }).nps.n).toBe(30_000);
    expect((await getDataset(env, ws.id, "d_partial"))!.progress).toMatchObject({ rowsDone: 30_000, rowsTotal: 30_000, errorsSoFar: 0 });
    expect(await keys(`uploads/${ws.id}/`)).toEqual([]);
  });

  it("an older attempt still running when a redelivery takes over stops without touching the newer one's dataset", async () => {
    const ws = await createWorkspace("redeliver-overlap");
    const { bytes, npsSum } = responsesFile(200_000);
    const id = await uploadParts(ws, bytes);
    const msg = await queueByHand(ws, id, "d_overlap", bytes.byteLength, 200_000);
    const older = runParseJob(env, msg);
    // Wait until the older attempt owns the job, then deliver the message again.
    for (let i = 0; ; i++) {
      const t = await env.DB.prepare("SELECT job_token FROM uploads WHERE id = ?").bind(id).first<string | null>("job_token");
      if (t) break;
      if (i > 2000) throw new Error("older attempt never claimed the job");
      await new Promise((r) => setTimeout(r, 1));
    }
    const newer = runParseJob(env, msg);
    expect(await Promise.all([older, newer])).toEqual(["superseded", "ready"]);
    const got = await storedNpsSum(ws, "d_overlap");
    expect(got).toMatchObject({ rows: 200_000, sum: npsSum });
    expect(await keys(`cols/${ws.id}/d_overlap/`)).toEqual(
      Array.from({ length: got.blocks }, (_, k) => `cols/${ws.id}/d_overlap/${k}.bin`).sort(),
    );
  });

  it("retries a job that failed on our side, and the last delivery (max_retries = 2) marks the dataset failed and leaves nothing", async () => {
    const ws = await createWorkspace("redeliver-fail");
    const bytes = responsesFile(5000).bytes;
    const id = await uploadParts(ws, bytes);
    const msg = await queueByHand(ws, id, "d_broken", bytes.byteLength, 5000);
    // R2 reads fail (an outage): not the file's fault, so the message is retried, not failed.
    const broken = {
      ...env,
      FILES: new Proxy(env.FILES, {
        get(target, prop) {
          if (prop === "get") return async () => Promise.reject(new Error("R2 is down"));
          const v = Reflect.get(target, prop);
          return typeof v === "function" ? v.bind(target) : v;
        },
      }),
    } as Env;
    const deliver = async (attempts: number, e: Env) => {
      const batch = createMessageBatch<ParseJobMessage>("cx-revenue-jobs", [
        { id: `m${attempts}`, timestamp: new Date(), attempts, body: msg },
      ]);
      const ctx = createExecutionContext();
      await worker.queue(batch, e);
      return getQueueResult(batch, ctx);
    };
    const first = await deliver(1, broken);
    expect(first.retryMessages.map((m: { msgId: string }) => m.msgId)).toEqual(["m1"]);
    expect(first.explicitAcks).toEqual([]);
    expect((await getDataset(env, ws.id, "d_broken"))!.status).toBe("processing");
    expect(await keys(`cols/${ws.id}/d_broken/`)).toEqual([]);
    // Third delivery (the second run died, e.g. at the CPU limit): given up without running.
    const third = await deliver(3, env);
    expect(third.explicitAcks).toEqual(["m3"]);
    const meta = await json(`/api/workspaces/${ws.id}/datasets/d_broken`, ws.token);
    expect(meta.body.status).toBe("failed");
    const error = meta.body.error as unknown as { code: string; message: string };
    expect(error.code).toBe("job_failed");
    expect(error.message).toContain("stopped before it finished 2 times");
    expect(await keys(`cols/${ws.id}/d_broken/`)).toEqual([]);
    expect(await keys(`raw/${ws.id}/d_broken`)).toEqual([]);
    expect(await keys(`uploads/${ws.id}/`)).toEqual([]);
    expect(await env.DB.prepare("SELECT status, dataset_id FROM uploads WHERE id = ?").bind(id).first()).toEqual({
      status: "done",
      dataset_id: "d_broken",
    });
    // Completing it again names the failed dataset.
    const again = await json(`/api/workspaces/${ws.id}/uploads/${id}/complete`, ws.token, { method: "POST" });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain("d_broken");
  });

  it("a part missing from R2 fails the job as incomplete_upload (the file's fault: no retry)", async () => {
    const ws = await createWorkspace("missing-part");
    const bytes = responsesFile(2000).bytes;
    const id = await uploadParts(ws, bytes);
    const msg = await queueByHand(ws, id, "d_missing", bytes.byteLength, 2000);
    const [, second] = await keys(`uploads/${ws.id}/${id}/`).then((k) => k.sort((x, y) => x.localeCompare(y)));
    await env.FILES.delete(second);
    expect(await runParseJob(env, msg)).toBe("failed");
    const meta = await getDataset(env, ws.id, "d_missing");
    expect(meta!.status).toBe("failed");
    expect(meta!.error).toMatchObject({ code: "incomplete_upload" });
    expect(await keys(`raw/${ws.id}/d_missing`)).toEqual([]);
  });
});
