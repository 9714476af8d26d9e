/**
 * Through wrangler dev (its proxy in front of workerd is where an early refusal turned into a reset connection):
 * every upload of the bad-file corpus (test/fixtures/bad/manifest.json, its expected status), plus bodies refused
 * long before their end (a 20 MB line, a bad mapping with a 20 MB body, a chunked part past totalBytes), answers
 * its 4xx, and the next request on the same server answers 200.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, inject, it } from "vitest";
import { createWorkspace } from "./browser";

const base = inject("baseUrl");
const dir = path.resolve(import.meta.dirname, "../fixtures/bad");
type Case = {
  file: string;
  kind: string | null;
  query: Record<string, string>;
  contentType: string;
  body: string;
  expect: { status: number; generate?: { kind: string; bytes: number } };
};
const manifest = JSON.parse(readFileSync(path.join(dir, "manifest.json"), "utf8")) as { files: Case[] };

function generated(g: { kind: string; bytes: number }): Uint8Array {
  const head = g.kind === "data-line" ? "account_id,arr,renewed,segment\nA1,100,1," : "";
  const out = new Uint8Array(head.length + g.bytes).fill(0x61);
  out.set(new TextEncoder().encode(head));
  return out;
}

describe("a refused body never breaks the next request (wrangler dev)", () => {
  it("every corpus upload, then GET .../workspaces/:ws → 200", async () => {
    const ws = await createWorkspace(base, "Rejected bodies");
    const auth = { authorization: `Bearer ${ws.token}` };
    const next = async (after: string) => {
      const r = await fetch(`${base}/api/workspaces/${ws.id}`, { headers: auth });
      expect(r.status, `the request after ${after}`).toBe(200);
      await r.arrayBuffer();
    };
    for (const c of manifest.files) {
      const bytes = c.expect.generate ? generated(c.expect.generate) : new Uint8Array(readFileSync(path.join(dir, c.file)));
      const q = new URLSearchParams({ ...(c.kind ? { kind: c.kind } : {}), ...c.query });
      let init: RequestInit;
      if (c.body === "raw") init = { method: "POST", headers: { ...auth, "content-type": c.contentType }, body: bytes };
      else {
        const form = new FormData();
        form.append(c.body === "multipart" ? "file" : "upload", new Blob([bytes], { type: c.contentType }), c.file);
        init = { method: "POST", headers: auth, body: form };
      }
      const res = await fetch(`${base}/api/workspaces/${ws.id}/datasets?${q}`, init);
      expect(res.status, c.file).toBe(c.expect.status);
      const text = await res.text();
      expect(text.length, `${c.file}: bounded error body`).toBeLessThan(1 << 20);
      await next(c.file);
    }
  });

  it("a 20 MB line, a bad mapping with a 20 MB body and a part past totalBytes: 4xx, then 200", async () => {
    const ws = await createWorkspace(base, "Early refusals");
    const auth = { authorization: `Bearer ${ws.token}` };
    const line = new Uint8Array(20 << 20).fill(0x61);
    line.set(new TextEncoder().encode("account_id,arr\nA1,"));
    const cases: [string, string, RequestInit, number][] = [
      ["20 MB line", `/datasets?kind=accounts`, { method: "POST", headers: { ...auth, "content-type": "text/csv" }, body: line }, 422],
      [
        "bad mapping",
        `/datasets?kind=accounts&mapping=${encodeURIComponent("{not json")}`,
        { method: "POST", headers: { ...auth, "content-type": "text/csv" }, body: line },
        400,
      ],
    ];
    for (const [what, p, init, status] of cases) {
      const res = await fetch(`${base}/api/workspaces/${ws.id}${p}`, init);
      expect(res.status, what).toBe(status);
      expect((await res.text()).length).toBeLessThan(1 << 20);
      const after = await fetch(`${base}/api/workspaces/${ws.id}`, { headers: auth });
      expect(after.status, `after ${what}`).toBe(200);
      await after.arrayBuffer();
    }
    const start = await fetch(`${base}/api/workspaces/${ws.id}/uploads`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ kind: "accounts", totalBytes: 10 }),
    });
    const { uploadId } = (await start.json()) as { uploadId: string };
    const part = await fetch(`${base}/api/workspaces/${ws.id}/uploads/${uploadId}/parts/1`, { method: "PUT", headers: auth, body: line });
    expect(part.status).toBe(422);
    await part.arrayBuffer();
    const after = await fetch(`${base}/api/workspaces/${ws.id}`, { headers: auth });
    expect(after.status).toBe(200);
  });
});
