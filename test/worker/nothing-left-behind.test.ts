import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { expireStaleDatasets, STALE_MINUTES } from "../../worker/jobs/parse-job";
import { sweepOrphans } from "../../worker/jobs/orphan-sweep";
import { call, createWorkspace, type ErrorJson, r2Keys } from "./helpers";

// Every R2 object of a dataset has a D1 row from its first byte, and goes with it: deleting a dataset still
// processing removes its blocks (block_count is 0 then) and its upload's parts; a dataset left processing with no
// progress for STALE_MINUTES is timed out when datasets are read; objects without a row are swept.

type Ws = { id: string; token: string };
const enc = new TextEncoder();

/** A chunked upload in the state its job leaves mid-way: processing row, two parts, two blocks and a raw file. */
async function midJob(ws: Ws, datasetId: string, progressAt: string | null) {
  const bytes = enc.encode("account_id,nps\nA1,9\nA2,3\n");
  const s = await call(`/api/workspaces/${ws.id}/uploads`, {
    method: "POST",
    token: ws.token,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ kind: "responses", totalBytes: bytes.byteLength, partBytes: 13 }),
  });
  const { uploadId } = (await s.json()) as { uploadId: string };
  for (const [n, part] of [bytes.slice(0, 13), bytes.slice(13)].entries()) {
    const r = await call(`/api/workspaces/${ws.id}/uploads/${uploadId}/parts/${n + 1}`, {
      method: "PUT",
      token: ws.token,
      headers: { "content-length": String(part.byteLength) },
      body: part,
    });
    expect(r.status).toBe(200);
  }
  const progress = JSON.stringify({ rowsDone: 1, rowsTotal: 2, errorsSoFar: 0, ...(progressAt ? { at: progressAt } : {}) });
  await env.DB.batch([
    env.DB.prepare(
      `INSERT INTO datasets (id, workspace_id, kind, name, rows, columns, block_count, block_rows, raw_bytes, status, progress, created_at)
       VALUES (?, ?, 'responses', 'mid-job', 0, '[]', 0, 0, ?, 'processing', ?, ?)`,
    ).bind(datasetId, ws.id, bytes.byteLength, progress, progressAt ?? new Date().toISOString()),
    env.DB.prepare("UPDATE uploads SET status = 'queued', dataset_id = ?, job_token = 'attempt-1' WHERE id = ?").bind(datasetId, uploadId),
  ]);
  await env.FILES.put(`cols/${ws.id}/${datasetId}/0.bin`, "block 0");
  await env.FILES.put(`cols/${ws.id}/${datasetId}/1.bin`, "block 1");
  await env.FILES.put(`raw/${ws.id}/${datasetId}`, bytes);
  return uploadId;
}

const everything = async (ws: Ws) => [
  ...(await r2Keys(`cols/${ws.id}/`)),
  ...(await r2Keys(`raw/${ws.id}/`)),
  ...(await r2Keys(`agg/${ws.id}/`)),
  ...(await r2Keys(`acct/${ws.id}/`)),
  ...(await r2Keys(`uploads/${ws.id}/`)),
];

describe("nothing left behind", () => {
  it("DELETE of a dataset still processing: 204, its blocks, raw file, parts and upload rows are gone", async () => {
    const ws = await createWorkspace("delete-processing");
    const uploadId = await midJob(ws, "d_midjob", new Date().toISOString());
    expect((await everything(ws)).length).toBe(5);
    const del = await call(`/api/workspaces/${ws.id}/datasets/d_midjob`, { method: "DELETE", token: ws.token });
    expect(del.status).toBe(204);
    expect(await everything(ws)).toEqual([]);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM uploads WHERE id = ?").bind(uploadId).first("n")).toBe(0);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM upload_parts WHERE upload_id = ?").bind(uploadId).first("n")).toBe(0);
  });

  it(`a dataset processing with no progress for ${STALE_MINUTES} minutes: failed job_timeout on the next read, objects and parts gone`, async () => {
    const ws = await createWorkspace("timeout");
    const old = new Date(Date.now() - (STALE_MINUTES + 1) * 60_000).toISOString();
    await midJob(ws, "d_lost", old);
    const live = await midJob(ws, "d_live", new Date(Date.now() - 60_000).toISOString());
    const got = await call(`/api/workspaces/${ws.id}/datasets/d_lost`, { token: ws.token });
    const body = (await got.json()) as { status: string; error: ErrorJson["error"] };
    expect(body.status).toBe("failed");
    expect(body.error.code).toBe("job_timeout");
    expect(body.error.message).toContain("Upload the file again");
    // Only the live job's objects remain (its 2 blocks, raw file and 2 parts).
    const left = await everything(ws);
    expect(left.length).toBe(5);
    expect(left.every((k) => k.includes("d_live") || k.includes(live))).toBe(true);
    expect(await expireStaleDatasets(env, ws.id)).toBe(0);
  });

  it("a direct upload writes its processing row before its first object, and a refused one leaves neither", async () => {
    const ws = await createWorkspace("row-first");
    let sawRow = false;
    let seen = "";
    const lines = ["account_id,arr,renewed"];
    for (let i = 0; i < 70_000; i++) lines.push(`A${i},${1000 + i},1`);
    const text = enc.encode(lines.join("\n") + "\nA_bad,not money,1\n");
    // The body arrives in pieces; once the first has been read, the processing row is there and any object in R2 is its.
    let off = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(ctl) {
        if (off >= text.length) return ctl.close();
        if (!sawRow) {
          const blocks = await r2Keys(`cols/${ws.id}/`);
          const rows = await env.DB.prepare("SELECT id, status FROM datasets WHERE workspace_id = ?").bind(ws.id).all<{ id: string }>();
          seen = JSON.stringify({ blocks, rows: rows.results });
          sawRow = off > 0 && rows.results.length === 1 && blocks.every((k) => k.includes(rows.results[0].id));
        }
        ctl.enqueue(text.subarray(off, off + 65536));
        off += 65536;
      },
    });
    const res = await call(`/api/workspaces/${ws.id}/datasets?kind=accounts`, {
      method: "POST",
      token: ws.token,
      headers: { "content-type": "text/csv" },
      body,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(422);
    expect(sawRow, seen).toBe(true);
    expect(await everything(ws)).toEqual([]);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM datasets WHERE workspace_id = ?").bind(ws.id).first("n")).toBe(0);
  });

  it("the orphan sweep deletes objects with no D1 row (an hour old) and keeps those with one", async () => {
    const ws = await createWorkspace("orphans");
    await midJob(ws, "d_kept", new Date().toISOString());
    await env.FILES.put(`cols/${ws.id}/d_nobody/0.bin`, "orphan block");
    await env.FILES.put(`raw/${ws.id}/d_nobody`, "orphan raw");
    await env.FILES.put(`uploads/${ws.id}/u_nobody/1.x`, "orphan part");
    expect(await sweepOrphans(env, new Date())).toBe(0); // younger than the grace
    const deleted = await sweepOrphans(env, new Date(Date.now() + 2 * 3_600_000));
    expect(deleted).toBeGreaterThanOrEqual(3);
    const left = await everything(ws);
    expect(left.some((k) => k.includes("nobody"))).toBe(false);
    expect(left.length).toBe(5);
  });
});
