import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { decodeBlock } from "../../worker/data/blocks";
import { getDataset, readColumns } from "../../worker/data/datasets";
import { type ErrorJson, call, createWorkspace, upload, r2Keys } from "./helpers";

/**
 * Streaming ingest: bodies sent as streams of small chunks, parsed while they arrive.
 * Expected values are computed here while generating the rows (an independent tally), never read back
 * from our own output.
 */

const enc = new TextEncoder();

/** A body that produces `lines` lazily in chunks of about `chunkChars` characters. */
function streamOf(lines: () => Generator<string>, chunkChars = 16_384, encode = (s: string) => enc.encode(s)): ReadableStream<Uint8Array> {
  const it = lines();
  return new ReadableStream<Uint8Array>({
    pull(c) {
      let s = "";
      while (s.length < chunkChars) {
        const r = it.next();
        if (r.done) {
          if (s) c.enqueue(encode(s));
          c.close();
          return;
        }
        s += r.value;
      }
      c.enqueue(encode(s));
    },
  });
}

async function storedNothing(ws: string) {
  expect(await r2Keys(`raw/${ws}/`)).toEqual([]);
  expect(await r2Keys(`cols/${ws}/`)).toEqual([]);
  expect(await r2Keys(`agg/${ws}/`)).toEqual([]);
  expect(await r2Keys(`acct/${ws}/`)).toEqual([]);
  const { results } = await env.DB.prepare("SELECT id FROM datasets WHERE workspace_id = ?").bind(ws).all();
  expect(results).toEqual([]);
}

const N = 200_000;
const TPS = ["onboarding", "support", "billing", "renewal"];

/** Deterministic response rows: row i (0-based) is file line i + 2. */
const npsOf = (i: number) => (i * 7) % 11;
const csatOf = (i: number) => 1 + ((i * 3) % 5);
const dayOf = (i: number) => 20089 + (i % 365); // 2025-01-01 + i mod 365

function* responses(bad?: Map<number, string>) {
  yield "account_id,date,nps,csat,touchpoint\r\n";
  for (let i = 0; i < N; i++) {
    const iso = new Date(dayOf(i) * 86400000).toISOString().slice(0, 10);
    // Every 1000th touchpoint is quoted with a line break and a comma inside: rows span lines.
    const tp = i % 1000 === 999 ? `"multi\r\nline, ""quoted"""` : TPS[i % 4];
    yield `A${i % 5000},${iso},${bad?.get(i) ?? npsOf(i)},${csatOf(i)},${tp}\r\n`;
  }
}

describe("streaming upload", () => {
  it("parses 200,000 responses sent in 16 KB chunks into blocks equal to the rows generated", async () => {
    const ws = await createWorkspace("stream");
    const res = await upload(
      ws,
      "kind=responses&name=big",
      streamOf(() => responses()),
    );
    const body = (await res.json()) as { id: string; rows: number };
    expect(res.status, JSON.stringify(body).slice(0, 500)).toBe(201);
    expect(body.rows).toBe(N);
    const meta = (await getDataset(env, ws.id, body.id))!;
    expect(meta.blockCount).toBe(Math.ceil(N / 65536));
    const cols = await readColumns(env, meta);
    let npsSum = 0,
      daySum = 0,
      npsRead = 0,
      dayRead = 0,
      multi = 0;
    for (let i = 0; i < N; i++) {
      npsSum += npsOf(i);
      daySum += dayOf(i);
      npsRead += cols.numeric.nps[i];
      dayRead += cols.numeric.date[i];
      if (cols.text.touchpoint[i] === 'multi\r\nline, "quoted"') multi++;
    }
    expect(npsRead).toBe(npsSum);
    expect(dayRead).toBe(daySum);
    expect(multi).toBe(N / 1000);
    expect(cols.text.account_id[123_457]).toBe(`A${123_457 % 5000}`);
    // The raw file is kept whole in R2 (through multipart parts of 8 MiB).
    const raw = await env.FILES.head(`raw/${ws.id}/${body.id}`);
    let bytes = 0;
    for (const s of responses()) bytes += enc.encode(s).byteLength;
    expect(raw?.size).toBe(bytes);
    // Each block describes itself with its first row.
    const b2 = await env.FILES.get(`cols/${ws.id}/${body.id}/2.bin`);
    expect(decodeBlock(await b2!.arrayBuffer()).firstRow).toBe(2 * 65536);
  });

  it("rejects bad cells late in a streamed file with their file lines, and leaves nothing in R2 or D1", async () => {
    const ws = await createWorkspace("stream-bad");
    // Rows 150,000 and 199,998 (0-based) get nps 11 and "x". Their file lines: 1 (header) + 1 + i
    // + one extra line for each multi-line touchpoint before them (rows 999, 1999, …: ⌊(i + 1) / 1000⌋).
    const bad = new Map([
      [150_000, "11"],
      [199_998, "x"],
    ]);
    const lineOf = (i: number) => i + 2 + Math.floor((i + 1) / 1000);
    const res = await upload(
      ws,
      "kind=responses",
      streamOf(() => responses(bad)),
    );
    expect(res.status).toBe(422);
    const err = (await res.json()) as ErrorJson;
    expect(err.error.code).toBe("invalid_file");
    expect(err.error.details).toEqual([
      { row: lineOf(150_000), column: "nps", message: "11 is outside 0-10" },
      { row: lineOf(199_998), column: "nps", message: '"x" is not a number' },
    ]);
    await storedNothing(ws.id);
  });

  it("counts every bad cell but lists the first 1000, and stores nothing", async () => {
    const ws = await createWorkspace("stream-many-bad");
    const bad = new Map<number, string>();
    for (let i = 0; i < N; i += 100) bad.set(i, "12");
    const res = await upload(
      ws,
      "kind=responses",
      streamOf(() => responses(bad)),
    );
    expect(res.status).toBe(422);
    const err = (await res.json()) as ErrorJson;
    expect(err.error.message).toContain(`${N / 100} bad cells`);
    expect(err.error.details.length).toBe(1000);
    await storedNothing(ws.id);
  });

  it("reads a file that is not UTF-8 past its first chunks as Windows-1252 from the start, as the buffered intake did", async () => {
    const ws = await createWorkspace("stream-1252");
    const lines = function* () {
      yield "account_id,nps,touchpoint\n";
      for (let i = 0; i < 20_000; i++) yield `A${i},${i % 11},${i === 19_000 ? "caf\u00e9" : "web"}\n`;
    };
    // Encoded as Windows-1252 (é = 0xE9, invalid in UTF-8), so the decoder fails only near the end.
    const latin = (s: string) => Uint8Array.from(s, (ch) => ch.charCodeAt(0));
    const res = await upload(ws, "kind=responses", streamOf(lines, 16_384, latin));
    const body = (await res.json()) as { id: string; rows: number; warnings: string[] };
    expect(res.status, JSON.stringify(body).slice(0, 300)).toBe(201);
    expect(body.rows).toBe(20_000);
    expect(body.warnings.some((w) => w.includes("Windows-1252"))).toBe(true);
    const cols = await readColumns(env, (await getDataset(env, ws.id, body.id))!);
    expect(cols.text.touchpoint[19_000]).toBe("caf\u00e9");
    expect(cols.numeric.nps.length).toBe(20_000);
    expect(await r2Keys(`cols/${ws.id}/${body.id}/`)).toEqual([`cols/${ws.id}/${body.id}/0.bin`]);
  });

  it("reports an unclosed quote on the line where it opens, and stops once 8M characters are held without a row end", async () => {
    const ws = await createWorkspace("stream-quote");
    const lines = function* () {
      yield "account_id,nps,touchpoint\n";
      for (let i = 0; i < 1000; i++) yield `A${i},5,web\n`;
      yield 'A1000,5,"never closed\n'; // line 1002
      for (let i = 0; i < 750_000; i++) yield `A${i},5,web\n`; // ≈ 10.5M characters after the quote
    };
    const res = await upload(ws, "kind=responses", streamOf(lines));
    expect(res.status).toBe(422);
    const err = (await res.json()) as ErrorJson;
    expect(err.error.details).toEqual([{ row: 1002, message: 'a quoted field is never closed (unmatched ")' }]);
    await storedNothing(ws.id);
  });

  it("answers 413 for a streamed body over MAX_UPLOAD_BYTES without a Content-Length, and stores nothing", async () => {
    const ws = await createWorkspace("stream-413");
    // 104,857,600 bytes is the limit (wrangler.toml); this body is about 110 MB and has no declared length.
    const lines = function* () {
      yield "account_id,nps,touchpoint\n";
      const pad = "x".repeat(1000);
      for (let i = 0; i < 110_000; i++) yield `A${i},5,${pad}\n`;
    };
    const res = await call(`/api/workspaces/${ws.id}/datasets?kind=responses`, {
      method: "POST",
      token: ws.token,
      headers: { "content-type": "text/csv" },
      body: streamOf(lines, 1 << 20),
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as ErrorJson).error.code).toBe("too_large");
    await storedNothing(ws.id);
  });
});
