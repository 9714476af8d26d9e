import { describe, expect, it } from "vitest";
import { auth, call, newWorkspace, storageSnapshot, upload } from "./support/api";
import { badBytes, badCases, type BadCase } from "./support/fixtures";
import { readChecked } from "./support/json-check";

/**
 * The bad-input corpus (test/fixtures/bad/manifest.json, >= 40 files): each
 * upload gets the expected 4xx status and error code, names the row and column
 * of each bad cell it is meant to catch, never a 5xx, answers the same with
 * dryRun=true, and leaves nothing behind
 * (D1 row counts of every table and the R2 key list are unchanged, and the
 * workspace still lists no dataset). Expected values come from the rules of docs/api.md
 * (e.g. NPS is 0-10, arr >= 0, row = 1-based file line with the header as line 1),
 * written by hand per file in make-fixtures.mjs, not from our output.
 */
type ErrBody = { error: { code: string; message: string; details: { row?: number; column?: string; message: string }[] } };

function bodyFor(c: BadCase, bytes: Uint8Array) {
  if (c.body === "raw") return { body: bytes as BodyInit, multipartField: undefined };
  return { body: bytes as BodyInit, multipartField: c.body === "multipart" ? "file" : "attachment" };
}

/** Does the answer match one expectation (status, code, and each listed cell in details)? */
function matches(status: number, err: ErrBody["error"], e: { status: number; code: string; cells?: { row?: number; column?: string }[] }) {
  if (status !== e.status || err.code !== e.code) return false;
  return (e.cells ?? []).every((cell) =>
    err.details.some((d) => (cell.row === undefined || d.row === cell.row) && (cell.column === undefined || d.column === cell.column)),
  );
}

describe("bad-input corpus", () => {
  it("has at least 40 cases", () => {
    expect(badCases.length).toBeGreaterThanOrEqual(40);
    const names = badCases.map((c) => c.file).join(" ");
    for (const must of [
      "empty",
      "header-only",
      "binary-garbage",
      "zip-renamed",
      "wrong-delimiter",
      "unclosed-quote",
      "ragged",
      "sixty-mb",
      "ten-thousand-columns",
      "duplicate-headers",
      "nps-11",
      "xlsx-merged-header",
      "csat-0",
      "negative-arr",
      "text-in-money",
      "duplicate-account-ids",
      "unknown-kind",
      "mapping-missing-header",
      "31-02-2025",
      "1e309",
      "utf16",
      "xlsx-formula",
      "xlsx-merged",
    ]) {
      expect(names, must).toContain(must);
    }
  });

  for (const c of badCases) {
    it(`${c.file}: ${c.why} -> ${c.expect.status} ${c.expect.code}`, async () => {
      // A fresh workspace per case: an upload wrongly accepted by one case cannot hide another's.
      const ws = await newWorkspace(`Corpus ${c.file}`);
      const before = await storageSnapshot(ws.id);
      const bytes = badBytes(c);
      const { body, multipartField } = bodyFor(c, bytes);
      const res = await upload(ws.id, ws.token, body, {
        kind: c.kind,
        query: c.query,
        contentType: c.contentType,
        multipartField,
        fileName: c.file,
      });
      const { json, text } = await readChecked(res, c.file);
      expect(res.status, `${c.file}: never a 5xx; body ${text.slice(0, 300)}`).toBeLessThan(500);
      expect(res.status, `${c.file}: a 4xx`).toBeGreaterThanOrEqual(400);
      const err = (json as ErrBody).error;
      expect(err, `${c.file}: error shape`).toBeDefined();
      expect(typeof err.message).toBe("string");
      expect(err.message.length).toBeGreaterThan(10);
      const ok = matches(res.status, err, c.expect) || (c.expect.orCells !== undefined && matches(res.status, err, c.expect.orCells));
      expect(
        ok,
        `${c.file}: expected ${JSON.stringify(c.expect)}, got ${res.status} ${JSON.stringify({ code: err.code, message: err.message, details: err.details.slice(0, 5) })}`,
      ).toBe(true);

      // The same file as a dry run (the UI's mapping preview) gets the same answer, and stores nothing either.
      const dry = await upload(ws.id, ws.token, body, {
        kind: c.kind,
        query: { ...c.query, dryRun: "true" },
        contentType: c.contentType,
        multipartField,
        fileName: c.file,
      });
      const { json: dryJson } = await readChecked(dry, `${c.file} dryRun`);
      const dryErr = (dryJson as ErrBody).error;
      expect({ status: dry.status, code: dryErr?.code }, `${c.file}: dryRun agrees`).toEqual({ status: res.status, code: err.code });

      const after = await storageSnapshot(ws.id);
      expect(after, `${c.file}: nothing left in D1 / R2`).toEqual(before);
      const list = await call(`/api/workspaces/${ws.id}/datasets`, { headers: auth(ws.token) });
      const { json: datasets } = await readChecked(list, "list datasets");
      expect(list.status).toBe(200);
      expect((Array.isArray(datasets) ? datasets : (datasets as { datasets: unknown[] }).datasets).length).toBe(0);
    });
  }
});
