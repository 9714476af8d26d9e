import { describe, expect, it } from "vitest";
import { call, createWorkspace, type ErrorJson, r2Keys } from "./helpers";

// Chunked uploads take no more than they announced: part numbers up to `parts`, bytes up to totalBytes, and a
// workspace holds at most MAX_OPEN_UPLOADS (20 by default in worker/routes/uploads.ts) open uploads.

type Ws = { id: string; token: string };
const enc = new TextEncoder();

async function start(ws: Ws, body: Record<string, unknown>): Promise<Response> {
  return call(`/api/workspaces/${ws.id}/uploads`, {
    method: "POST",
    token: ws.token,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ kind: "accounts", ...body }),
  });
}
const put = (ws: Ws, id: string, n: number, bytes: Uint8Array) =>
  call(`/api/workspaces/${ws.id}/uploads/${id}/parts/${n}`, {
    method: "PUT",
    token: ws.token,
    headers: { "content-length": String(bytes.byteLength) },
    body: bytes,
  });

describe("chunked uploads are checked at PUT", () => {
  it("a 10-byte upload refuses a 50-byte part (parts_exceed_total) and a part 2 (part_out_of_range); nothing is stored", async () => {
    const ws = await createWorkspace("parts-bounds");
    const s = await start(ws, { totalBytes: 10 });
    expect(s.status).toBe(201);
    const { uploadId, parts } = (await s.json()) as { uploadId: string; parts: number };
    expect(parts).toBe(1);
    const big = await put(ws, uploadId, 1, new Uint8Array(50).fill(65));
    expect(big.status).toBe(422);
    expect(((await big.json()) as ErrorJson).error.code).toBe("parts_exceed_total");
    const second = await put(ws, uploadId, 2, enc.encode("A1,1\n"));
    expect(second.status).toBe(422);
    expect(((await second.json()) as ErrorJson).error.code).toBe("part_out_of_range");
    expect(await r2Keys(`uploads/${ws.id}/`)).toEqual([]);
    // The file's own bytes still go in.
    expect((await put(ws, uploadId, 1, enc.encode("id,arr\nA,1"))).status).toBe(200);
  });

  it("parts that each fit but together pass totalBytes: the one that would pass it is refused, its object deleted", async () => {
    const ws = await createWorkspace("parts-running-total");
    const s = await start(ws, { totalBytes: 20, partBytes: 10 });
    const { uploadId, parts } = (await s.json()) as { uploadId: string; parts: number };
    expect(parts).toBe(2);
    expect((await put(ws, uploadId, 1, new Uint8Array(10).fill(65))).status).toBe(200);
    expect((await put(ws, uploadId, 2, new Uint8Array(10).fill(66))).status).toBe(200);
    // Resending part 2 replaces it (10 + 10 = 20 still fits) ...
    expect((await put(ws, uploadId, 2, new Uint8Array(10).fill(67))).status).toBe(200);
    // ... a part over partBytes is 413 unread.
    expect((await put(ws, uploadId, 2, new Uint8Array(11).fill(67))).status).toBe(413);
    expect((await r2Keys(`uploads/${ws.id}/${uploadId}/`)).length).toBe(2);
  });

  it("at most 20 open uploads per workspace: the 21st start is 429 too_many_uploads until one is deleted", async () => {
    const ws = await createWorkspace("open-uploads");
    const ids: string[] = [];
    for (let k = 0; k < 20; k++) {
      const r = await start(ws, { totalBytes: 100 });
      expect(r.status).toBe(201);
      ids.push(((await r.json()) as { uploadId: string }).uploadId);
    }
    const over = await start(ws, { totalBytes: 100 });
    expect(over.status).toBe(429);
    expect(((await over.json()) as ErrorJson).error.code).toBe("too_many_uploads");
    // Another workspace is not affected.
    expect((await start(await createWorkspace("other"), { totalBytes: 100 })).status).toBe(201);
    expect((await call(`/api/workspaces/${ws.id}/uploads/${ids[0]}`, { method: "DELETE", token: ws.token })).status).toBe(204);
    expect((await start(ws, { totalBytes: 100 })).status).toBe(201);
  });
});
