import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { latestDataset, readColumns } from "../../worker/data/datasets";
import type { ParseJobMessage } from "../../worker/env";
import worker from "../../worker/index";
import { type ErrorJson, call, createWorkspace, upload, r2Keys } from "./helpers";

/**
 * Chunked uploads: start → parts → complete → a Queue-driven parse job.
 * The expected values are tallied here while the file is generated.
 */

const enc = new TextEncoder();
const N = 200_000;

/** A responses file of N rows; `bad` replaces the nps of some rows. Touchpoints have non-ASCII text. */
function responsesFile(bad = new Map<number, string>()): { bytes: Uint8Array; npsSum: number } {
  const parts: string[] = ["account_id,date,nps,csat,touchpoint\n"];
  let npsSum = 0;
  for (let i = 0; i < N; i++) {
    const nps = (i * 7) % 11;
    npsSum += nps;
    parts.push(`A${i % 5000},2025-0${1 + (i % 9)}-1${i % 10},${bad.get(i) ?? nps},${1 + (i % 5)},${i % 3 ? "caf\u00e9" : "web"}\n`);
  }
  return { bytes: enc.encode(parts.join("")), npsSum };
}

async function json(path: string, token: string, init: RequestInit = {}) {
  const res = await call(path, { ...init, token });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Start, three parts cut at arbitrary byte offsets (mid-row, maybe mid-character), complete. */
async function chunkedUpload(ws: { id: string; token: string }, bytes: Uint8Array, name: string) {
  const start = await json(`/api/workspaces/${ws.id}/uploads`, ws.token, {
    method: "POST",
    headers: { "content-type": "application/json" },
    // Parts of at most 40% of the file: three parts.
    body: JSON.stringify({
      kind: "responses",
      name,
      totalBytes: bytes.byteLength,
      contentType: "text/csv",
      partBytes: Math.ceil(bytes.byteLength * 0.4),
    }),
  });
  expect(start.status, JSON.stringify(start.body)).toBe(201);
  const id = start.body.uploadId as string;
  const cuts = [0, Math.floor(bytes.length * 0.37) + 1, Math.floor(bytes.length * 0.71) + 1, bytes.length];
  // Sent out of order: parts are joined by number, not by arrival.
  for (const k of [2, 0, 1]) {
    const part = bytes.slice(cuts[k], cuts[k + 1]);
    const put = await json(`/api/workspaces/${ws.id}/uploads/${id}/parts/${k + 1}`, ws.token, {
      method: "PUT",
      headers: { "content-type": "application/octet-stream", "content-length": String(part.byteLength) },
      body: part,
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.bytes).toBe(part.byteLength);
  }
  const done = await json(`/api/workspaces/${ws.id}/uploads/${id}/complete`, ws.token, { method: "POST" });
  expect(done.status, JSON.stringify(done.body)).toBe(202);
  return { uploadId: id, datasetId: done.body.datasetId as string, rowsTotal: done.body.rowsTotal as number };
}

/** Polls GET .../datasets/:id until the job is no longer processing. */
async function waitForJob(ws: { id: string; token: string }, datasetId: string) {
  const t0 = Date.now();
  for (;;) {
    const r = await json(`/api/workspaces/${ws.id}/datasets/${datasetId}`, ws.token);
    expect(r.status).toBe(200);
    if (r.body.status !== "processing") return r.body;
    if (Date.now() - t0 > 50_000) throw new Error(`job still processing: ${JSON.stringify(r.body)}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

describe("chunked upload", () => {
  it("joins 3 parts, parses them in a queued job (real Queue binding) and reports ready with progress", async () => {
    const ws = await createWorkspace("chunked");
    const { bytes, npsSum } = responsesFile();
    const { uploadId, datasetId, rowsTotal } = await chunkedUpload(ws, bytes, "three parts");
    // The estimate from the first 64 KB's line length is within 5% of the truth (all lines are alike here).
    expect(Math.abs(rowsTotal - N) / N).toBeLessThan(0.05);
    const meta = await waitForJob(ws, datasetId);
    expect(meta.status).toBe("ready");
    expect(meta.rows).toBe(N);
    expect(meta.progress).toEqual({ rowsDone: N, rowsTotal: N, errorsSoFar: 0 });
    // Models use it: it is the newest ready responses dataset, with the values generated.
    const latest = (await latestDataset(env, ws.id, "responses"))!;
    expect(latest.id).toBe(datasetId);
    const cols = await readColumns(env, latest, ["nps", "touchpoint"]);
    let sum = 0;
    for (let i = 0; i < N; i++) sum += cols.numeric.nps[i];
    expect(sum).toBe(npsSum);
    expect(cols.text.touchpoint[1]).toBe("caf\u00e9");
    // The raw file is kept whole; the parts are gone; the upload row stays as `done` naming the dataset
    // (removed by the sweep UPLOAD_EXPIRY_HOURS after its last part).
    expect((await env.FILES.head(`raw/${ws.id}/${datasetId}`))?.size).toBe(bytes.byteLength);
    expect(await r2Keys(`uploads/${ws.id}/`)).toEqual([]);
    expect(await env.DB.prepare("SELECT status, dataset_id FROM uploads WHERE id = ?").bind(uploadId).first()).toEqual({
      status: "done",
      dataset_id: datasetId,
    });
    // The metrics of the chunked dataset come from its rollup and count every row.
    const m = await json(`/api/workspaces/${ws.id}/metrics`, ws.token);
    const nps = (m.body.overall as { nps: { n: number } }).nps;
    expect(nps.n).toBe(N);
  });

  it("a failed job leaves nothing but its failed status, and models keep using the previous ready dataset", async () => {
    const ws = await createWorkspace("chunked-fail");
    const first = await upload(ws, "kind=responses&name=small", "account_id,nps\nA1,9\nA2,3\n");
    const firstId = ((await first.json()) as { id: string }).id;
    // Row 180,000 (0-based) is in the third part: file line 180,002.
    const { bytes } = responsesFile(new Map([[180_000, "11"]]));
    const { datasetId } = await chunkedUpload(ws, bytes, "bad");
    const meta = await waitForJob(ws, datasetId);
    expect(meta.status).toBe("failed");
    expect(meta.error).toEqual({
      code: "invalid_file",
      message: expect.stringContaining("row 180002, column nps: 11 is outside 0-10"),
      details: [{ row: 180_002, column: "nps", message: "11 is outside 0-10" }],
    });
    expect(await r2Keys(`cols/${ws.id}/${datasetId}/`)).toEqual([]);
    expect(await r2Keys(`raw/${ws.id}/${datasetId}`)).toEqual([]);
    expect(await r2Keys(`agg/${ws.id}/${datasetId}`)).toEqual([]);
    expect(await r2Keys(`uploads/${ws.id}/`)).toEqual([]);
    expect((await latestDataset(env, ws.id, "responses"))!.id).toBe(firstId);
    const m = await json(`/api/workspaces/${ws.id}/metrics`, ws.token);
    expect((m.body.overall as { nps: { n: number } }).nps.n).toBe(2);
  });

  it("the consumer, driven with createMessageBatch, acks a job and ignores a redelivered one", async () => {
    const ws = await createWorkspace("chunked-batch");
    const small = enc.encode("account_id,nps\nA1,9\nA2,10\nA3,0\n");
    const start = await json(`/api/workspaces/${ws.id}/uploads`, ws.token, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ kind: "responses", totalBytes: small.byteLength }),
    });
    const id = start.body.uploadId as string;
    await call(`/api/workspaces/${ws.id}/uploads/${id}/parts/1`, {
      method: "PUT",
      token: ws.token,
      headers: { "content-length": String(small.byteLength) },
      body: small,
    });
    // The row as complete would write it, without sending to the queue: this test is the consumer.
    await env.DB.batch([
      env.DB.prepare(
        "INSERT INTO datasets (id, workspace_id, kind, name, rows, columns, block_count, block_rows, raw_bytes, status, progress) VALUES ('d_batch', ?, 'responses', 'b', 0, '[]', 0, 0, ?, 'processing', '{\"rowsDone\":0,\"rowsTotal\":3,\"errorsSoFar\":0}')",
      ).bind(ws.id, small.byteLength),
      env.DB.prepare("UPDATE uploads SET status = 'queued', dataset_id = 'd_batch' WHERE id = ?").bind(id),
    ]);
    const body: ParseJobMessage = { workspaceId: ws.id, uploadId: id, datasetId: "d_batch" };
    const batch = createMessageBatch<ParseJobMessage>("cx-revenue-jobs", [
      { id: "m1", timestamp: new Date(), attempts: 1, body },
      { id: "m2", timestamp: new Date(), attempts: 1, body }, // the same job again: nothing happens twice
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.sort()).toEqual(["m1", "m2"]);
    const row = await env.DB.prepare("SELECT status, rows FROM datasets WHERE id = 'd_batch'").first<{ status: string; rows: number }>();
    expect(row).toEqual({ status: "ready", rows: 3 });
  });

  it("answers 422 incomplete_upload naming a missing part, 413 for a part over the body limit, 400 without a length", async () => {
    const ws = await createWorkspace("chunked-edge");
    const start = await json(`/api/workspaces/${ws.id}/uploads`, ws.token, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ kind: "accounts", totalBytes: 30, partBytes: 15 }),
    });
    const id = start.body.uploadId as string;
    const put = (n: number, body: Uint8Array, length = String(body.byteLength)) =>
      json(`/api/workspaces/${ws.id}/uploads/${id}/parts/${n}`, ws.token, { method: "PUT", headers: { "content-length": length }, body });
    expect((await put(2, enc.encode("A1,100\n"))).status).toBe(200);
    const inc = await json(`/api/workspaces/${ws.id}/uploads/${id}/complete`, ws.token, { method: "POST" });
    expect(inc.status).toBe(422);
    expect((inc.body as unknown as ErrorJson).error.code).toBe("incomplete_upload");
    expect((inc.body as unknown as ErrorJson).error.details).toEqual([{ column: "part 1", message: "missing" }]);
    // 104,857,600 bytes is MAX_UPLOAD_BYTES in wrangler.toml: a declared length above it is refused unread.
    expect((await put(1, enc.encode("x"), "104857601")).status).toBe(413);
    const viewer = await call(`/api/workspaces/${ws.id}/uploads`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(viewer.status).toBe(401);
  });
});
