import { beforeAll, describe, expect, it } from "vitest";
import { auth, call, newWorkspace, storageSnapshot, upload } from "./support/api";
import { goodBytes } from "./support/fixtures";
import { readChecked } from "./support/json-check";

/**
 * Durability inside workerd (the restart check is scripts/durability-restart.mjs):
 *  - an upload whose body stream errors half-way leaves no D1 row and no R2 object,
 *    and the client gets a 4xx (never a 5xx) if an answer is given at all;
 *  - two uploads to one workspace at the same time both land whole, or one gets a
 *    clear 409; nothing half-stored either way.
 */
let ws: { id: string; token: string };
beforeAll(async () => {
  ws = await newWorkspace("Durability");
});

/** A body stream that sends `bytes` in chunks and errors after `cutAt` bytes. */
function cutStream(bytes: Uint8Array, cutAt: number, chunk = 4096): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (sent >= cutAt) {
        controller.error(new Error("connection reset by peer"));
        return;
      }
      const end = Math.min(sent + chunk, cutAt);
      controller.enqueue(bytes.slice(sent, end));
      sent = end;
      await new Promise((r) => setTimeout(r, 1));
    },
  });
}

/** A CSV of n accounts (unique ids), ~40 bytes a line. */
function accountsCsv(n: number, prefix = "A"): Uint8Array {
  const lines = ["account_id,arr,renewed,segment"];
  for (let i = 0; i < n; i++) lines.push(`${prefix}${i},${1000 + (i % 977)},${i % 5 === 0 ? 0 : 1},${["SMB", "Enterprise"][i % 2]}`);
  return new TextEncoder().encode(lines.join("\n") + "\n");
}

async function datasetsOf(id: string, token: string): Promise<{ id: string; kind: string; rows: number }[]> {
  const res = await call(`/api/workspaces/${id}/datasets`, { headers: auth(token) });
  const { json } = await readChecked(res, "list datasets");
  expect(res.status).toBe(200);
  return (Array.isArray(json) ? json : (json as { datasets: never[] }).datasets) as { id: string; kind: string; rows: number }[];
}

describe("interrupted upload", () => {
  for (const [label, bytes, cutFraction] of [
    ["small file cut at 50%", accountsCsv(2000), 0.5],
    ["file cut after its first chunk", accountsCsv(20000), 0.01],
    ["file cut at 99%", accountsCsv(20000), 0.99],
  ] as const) {
    it(`${label}: nothing is stored`, async () => {
      const before = await storageSnapshot(ws.id);
      const cutAt = Math.max(1, Math.floor(bytes.length * cutFraction));
      let status: number | null = null;
      let text = "";
      try {
        const res = await call(`/api/workspaces/${ws.id}/datasets?kind=accounts&name=cut`, {
          method: "POST",
          headers: { ...auth(ws.token), "Content-Type": "text/csv" },
          body: cutStream(bytes, cutAt),
          // @ts-expect-error workerd needs duplex for a streamed request body
          duplex: "half",
        });
        status = res.status;
        text = (await readChecked(res, label)).text;
      } catch {
        // The client side of the stream failed: no answer is fine, as long as nothing is stored.
      }
      if (status !== null) {
        expect(status, `answer to an interrupted upload: ${text.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
        expect(status, `never a 5xx: ${text.slice(0, 300)}`).toBeLessThan(500);
      }
      // Give any work the worker left running a moment, then check nothing landed.
      await new Promise((r) => setTimeout(r, 50));
      expect(await storageSnapshot(ws.id)).toEqual(before);
      expect(await datasetsOf(ws.id, ws.token)).toEqual([]);
    });
  }
});

describe("concurrent uploads to one workspace", () => {
  it("both land whole, or one gets a clear 409", async () => {
    const w = await newWorkspace("Concurrent");
    const a = accountsCsv(3000, "X");
    const b = goodBytes("responses.csv");
    const c = accountsCsv(1500, "Y");
    const [ra, rb, rc] = await Promise.all([
      upload(w.id, w.token, a, { kind: "accounts", fileName: "a" }),
      upload(w.id, w.token, b, { kind: "responses", fileName: "b" }),
      upload(w.id, w.token, c, { kind: "accounts", fileName: "c" }),
    ]);
    const answers = await Promise.all(
      [ra, rb, rc].map(async (r, i) => ({
        status: r.status,
        json: (await readChecked(r, `upload ${i}`)).json as { id?: string; rows?: number; error?: { code: string } },
      })),
    );
    const expectedRows = [3000, new TextDecoder().decode(b).trim().split("\n").length - 1, 1500];
    const landed: string[] = [];
    answers.forEach((ans, i) => {
      if (ans.status === 409) {
        expect(ans.json.error?.code).toMatch(/^[a-z_]+$/);
      } else {
        expect(ans.status, JSON.stringify(ans.json)).toBe(201);
        expect(ans.json.rows, `upload ${i} stored whole`).toBe(expectedRows[i]);
        landed.push(ans.json.id!);
      }
    });
    expect(landed.length).toBeGreaterThanOrEqual(1);
    const list = await datasetsOf(w.id, w.token);
    expect(list.map((d) => d.id).sort()).toEqual([...landed].sort());
    for (const d of list) {
      const i = answers.findIndex((x) => x.json.id === d.id);
      expect(d.rows).toBe(expectedRows[i]);
    }
    // The newest accounts dataset is whole and readable through the join: the workspace answers
    // with a join report whose account count is one of the two accounts uploads (not a mix).
    const res = await call(`/api/workspaces/${w.id}`, { headers: auth(w.token) });
    const { json } = await readChecked(res, "workspace");
    const join = (json as { join: { accounts: number } }).join;
    expect([3000, 1500]).toContain(join.accounts);
  });

  it("ten parallel uploads of the same kind: each 201 is whole and listed, each other answer is 409", async () => {
    const w = await newWorkspace("Burst");
    const files = Array.from({ length: 10 }, (_, i) => accountsCsv(200 + 37 * i, `B${i}_`));
    const res = await Promise.all(files.map((f, i) => upload(w.id, w.token, f, { kind: "accounts", fileName: `f${i}` })));
    const out = await Promise.all(
      res.map(async (r, i) => ({ i, status: r.status, json: (await readChecked(r, `burst ${i}`)).json as { id?: string; rows?: number } })),
    );
    const ok = out.filter((o) => o.status === 201);
    for (const o of out) expect([201, 409]).toContain(o.status);
    for (const o of ok) expect(o.json.rows).toBe(200 + 37 * o.i);
    const list = await datasetsOf(w.id, w.token);
    expect(list.length).toBe(ok.length);
  });
});
