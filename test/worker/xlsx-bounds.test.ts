import { strToU8, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { parseXlsx } from "../../worker/intake/xlsx";
import { ApiError } from "../../worker/errors";
import { createWorkspace, type ErrorJson, r2Keys, upload } from "./helpers";

// Crafted workbooks built here with fflate (ZIP layout: PKWARE APPNOTE 4.3.7 local header, 4.3.12 central directory):
// a sheet whose directory claims fewer bytes than it holds, a part named twice, an honest sheet past the running cap.

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const head = '<?xml version="1.0" encoding="UTF-8"?>\n';
const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
const REL = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';

/** A one-sheet workbook with inline strings; `padding` spaces of whitespace inside sheetData (valid XML, pure bulk). */
function workbook(padding = 0): Record<string, Uint8Array> {
  const row = (r: number, cells: string[]) =>
    `<row r="${r}">${cells.map((v, i) => `<c r="${String.fromCharCode(65 + i)}${r}" t="inlineStr"><is><t>${v}</t></is></c>`).join("")}</row>`;
  const rows = row(1, ["account_id", "arr", "renewed"]) + row(2, ["A1", "1000", "1"]) + row(3, ["A2", "2000", "0"]);
  return {
    "xl/workbook.xml": strToU8(`${head}<workbook ${NS} ${REL}><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`),
    "xl/_rels/workbook.xml.rels": strToU8(
      `${head}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
    ),
    "xl/worksheets/sheet1.xml": strToU8(`${head}<worksheet ${NS}><sheetData>${" ".repeat(padding)}${rows}</sheetData></worksheet>`),
  };
}

/** Offsets of every local-header (PK\3\4) and central-directory (PK\1\2) record naming `name`. */
function records(zip: Uint8Array, name: string): { local: number[]; central: number[] } {
  const v = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const want = strToU8(name);
  const same = (at: number) => want.every((b, i) => zip[at + i] === b);
  const out = { local: [] as number[], central: [] as number[] };
  for (let i = 0; i + 46 < zip.length; i++) {
    const sig = v.getUint32(i, true);
    if (sig === 0x04034b50 && v.getUint16(i + 26, true) === want.length && same(i + 30)) out.local.push(i);
    if (sig === 0x02014b50 && v.getUint16(i + 28, true) === want.length && same(i + 46)) out.central.push(i);
  }
  return out;
}

/** Rewrites the uncompressed size the file declares for `name` (local header +22, central directory +24). */
function lieAboutSize(zip: Uint8Array, name: string, size: number): Uint8Array {
  const out = zip.slice();
  const v = new DataView(out.buffer);
  const r = records(out, name);
  for (const at of r.local) v.setUint32(at + 22, size, true);
  for (const at of r.central) v.setUint32(at + 24, size, true);
  expect(r.local.length + r.central.length).toBe(2);
  return out;
}

const sheetPath = "xl/worksheets/sheet1.xml";

describe("xlsx: inflated as a stream, bounded by what the zip holds", () => {
  it("the honest workbook of these tests parses (the control)", async () => {
    const ws = await createWorkspace("xlsx-control");
    const res = await upload(ws, "kind=accounts&dryRun=true", zipSync(workbook(1000)), XLSX);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(((await res.json()) as { rows: number }).rows).toBe(2);
  });

  it("a sheet holding 16 MB behind a declared 1,000 bytes: 422 zip_size_mismatch within 1 s, nothing stored", async () => {
    const ws = await createWorkspace("xlsx-lying");
    const zip = lieAboutSize(zipSync(workbook(16 << 20), { level: 1 }), sheetPath, 1000);
    expect(zip.length).toBeLessThan(1 << 20); // a small file that claims a small sheet
    const t0 = performance.now();
    const res = await upload(ws, "kind=accounts", zip, XLSX);
    const ms = performance.now() - t0;
    expect(res.status).toBe(422);
    expect(((await res.json()) as ErrorJson).error.code).toBe("zip_size_mismatch");
    expect(ms).toBeLessThan(1000);
    expect(await r2Keys(`raw/${ws.id}/`)).toEqual([]);
    expect(await r2Keys(`cols/${ws.id}/`)).toEqual([]);
  });

  it("a sheet that holds fewer bytes than declared is refused too (422 zip_size_mismatch)", async () => {
    const ws = await createWorkspace("xlsx-short");
    const honest = zipSync(workbook(100));
    const declared = records(honest, sheetPath).central.map((at) => new DataView(honest.buffer).getUint32(at + 24, true))[0];
    const res = await upload(ws, "kind=accounts&dryRun=true", lieAboutSize(honest, sheetPath, declared + 5000), XLSX);
    expect(res.status).toBe(422);
    expect(((await res.json()) as ErrorJson).error.code).toBe("zip_size_mismatch");
  });

  it("a part named twice (two sheet1.xml entries): 422 zip_duplicate_entry before anything is inflated", async () => {
    const ws = await createWorkspace("xlsx-duplicate");
    // fflate zips a map, so the second name is spelled one byte off and patched to the first in both records.
    const files = workbook();
    files["xl/worksheets/sheet1.xmZ"] = files[sheetPath];
    const zip = zipSync(files);
    const r = records(zip, "xl/worksheets/sheet1.xmZ");
    for (const at of r.local) zip[at + 30 + sheetPath.length - 1] = "l".charCodeAt(0);
    for (const at of r.central) zip[at + 46 + sheetPath.length - 1] = "l".charCodeAt(0);
    expect(records(zip, sheetPath).central.length).toBe(2);
    const res = await upload(ws, "kind=accounts&dryRun=true", zip, XLSX);
    expect(res.status).toBe(422);
    expect(((await res.json()) as ErrorJson).error.code).toBe("zip_duplicate_entry");
  });

  it("one running cap across all parts read: an honest 2 MB sheet under a 1 MB cap is 413 xlsx_too_large", () => {
    const sink = { header: () => {}, row: () => {}, rowError: () => {} };
    const zip = zipSync(workbook(2 << 20));
    expect(() => parseXlsx(zip, undefined, sink, 500, 4 << 20)).not.toThrow();
    let err: unknown;
    try {
      parseXlsx(zip, undefined, sink, 500, 1 << 20);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(413);
    expect((err as ApiError).code).toBe("xlsx_too_large");
  });
});
