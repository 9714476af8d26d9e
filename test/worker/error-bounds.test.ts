import { describe, expect, it } from "vitest";
import { call, createWorkspace, type ErrorJson, upload } from "./helpers";

// Error bodies stay small whatever the file held (worker/errors.ts boundedError): a header row of 400 columns of
// 5,000 characters each (2 MB) that lacks account_id used to be repeated in every detail; the same file through a
// chunked upload used to end "stopped before it finished" because its error was too big for a D1 row.

const wideHeader = () => {
  const cols = Array.from({ length: 400 }, (_, i) => `h${i}_${"x".repeat(5000)}`);
  return `${cols.join(",")}\n${cols.map(() => "1").join(",")}\n`;
};

describe("bounded errors", () => {
  it("a 2 MB header row without required columns: 422 invalid_file under 200 KB, headers listed once, each cut", async () => {
    const ws = await createWorkspace("error-bounds");
    const res = await upload(ws, "kind=accounts", wideHeader());
    expect(res.status).toBe(422);
    const text = await res.text();
    expect(text.length).toBeLessThan(200_000);
    const body = JSON.parse(text) as ErrorJson & { error: { headers: string[] } };
    expect(body.error.code).toBe("invalid_file");
    expect(body.error.details.map((d) => d.column)).toContain("account_id");
    for (const d of body.error.details) expect(d.message.length).toBeLessThanOrEqual(230);
    expect(body.error.headers).toHaveLength(400);
    expect(body.error.headers[0].startsWith("h0_xxx")).toBe(true);
    expect(body.error.message.length).toBeLessThanOrEqual(2030);
  });

  it("the same file in a chunked upload fails with that error (not job_failed): the stored error fits in D1", async () => {
    const ws = await createWorkspace("error-bounds-job");
    const bytes = new TextEncoder().encode(wideHeader());
    const start = await call(`/api/workspaces/${ws.id}/uploads`, {
      method: "POST",
      token: ws.token,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ kind: "accounts", totalBytes: bytes.byteLength }),
    });
    const { uploadId } = (await start.json()) as { uploadId: string };
    const put = await call(`/api/workspaces/${ws.id}/uploads/${uploadId}/parts/1`, {
      method: "PUT",
      token: ws.token,
      headers: { "content-length": String(bytes.byteLength) },
      body: bytes,
    });
    expect(put.status).toBe(200);
    const done = await call(`/api/workspaces/${ws.id}/uploads/${uploadId}/complete`, { method: "POST", token: ws.token });
    expect(done.status).toBe(202);
    const { datasetId } = (await done.json()) as { datasetId: string };
    const t0 = Date.now();
    let d: { status: string; error?: { code: string; headers?: string[] } };
    for (;;) {
      d = (await (await call(`/api/workspaces/${ws.id}/datasets/${datasetId}`, { token: ws.token })).json()) as typeof d;
      if (d.status !== "processing" || Date.now() - t0 > 30_000) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(d.status).toBe("failed");
    expect(d.error?.code).toBe("invalid_file");
    expect(d.error?.headers).toHaveLength(400);
  });
});
