/**
 * An Excel file whose headers match no known column: the browser cannot read an xlsx's header row itself, so
 * the 422 of the dry run carries it (`error.headers`) and the UI offers the mapping from it, as it does for CSV.
 */
import { strToU8, zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openSession, type Session, createWorkspace } from "./browser";

const base = inject("baseUrl");
let s: Session;
let ws = "";
let token = "";

/** A one-sheet workbook with shared strings (the smallest layout Excel itself reads). */
function workbook(rows: (string | number)[][]): Buffer {
  const shared: string[] = [];
  const sst = (v: string) => (shared.includes(v) ? shared.indexOf(v) : shared.push(v) - 1);
  const cells = rows
    .map(
      (r, i) =>
        `<row r="${i + 1}">${r
          .map((v, j) => {
            const ref = `${String.fromCharCode(65 + j)}${i + 1}`;
            return typeof v === "number" ? `<c r="${ref}"><v>${v}</v></c>` : `<c r="${ref}" t="s"><v>${sst(v)}</v></c>`;
          })
          .join("")}</row>`,
    )
    .join("");
  const ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
  return Buffer.from(
    zipSync({
      "[Content_Types].xml": strToU8(`<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`),
      "xl/workbook.xml": strToU8(
        `<?xml version="1.0"?><workbook xmlns="${ns}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Book" sheetId="1" r:id="rId1"/></sheets></workbook>`,
      ),
      "xl/_rels/workbook.xml.rels": strToU8(
        `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
      ),
      "xl/worksheets/sheet1.xml": strToU8(`<?xml version="1.0"?><worksheet xmlns="${ns}"><sheetData>${cells}</sheetData></worksheet>`),
      "xl/sharedStrings.xml": strToU8(
        `<?xml version="1.0"?><sst xmlns="${ns}">${shared.map((v) => `<si><t>${v}</t></si>`).join("")}</sst>`,
      ),
    }),
  );
}

beforeAll(async () => {
  const w = await createWorkspace(base, "Xlsx mapping");
  ws = w.id;
  token = w.token;
  s = await openSession();
});
afterAll(async () => {
  await s?.close();
});

describe("xlsx upload with unknown headers", () => {
  it("offers the workbook's own headers for mapping, then stores the file", async () => {
    const xlsx = workbook([
      ["Client ref", "Contract value", "Kept"],
      ["K1", 12000, 1],
      ["K2", 5400, 0],
      ["K3", 88000, 1],
    ]);
    await s.page.goto(`${base}/#/w/${ws}/upload?token=${token}`);
    await s.page.locator("#upload-kind").selectOption("accounts");
    await s.expectingStatus(422, async () => {
      await s.page.locator("#upload-file").setInputFiles({
        name: "renewals.xlsx",
        mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        buffer: xlsx,
      });
      await s.page.locator("#map-account_id").waitFor();
    });
    // The choices are the workbook's header cells (written above), read by the server.
    const options = await s.page.locator("#map-account_id option").evaluateAll((os) => os.map((o) => o.textContent));
    expect(options).toEqual(expect.arrayContaining(["Client ref", "Contract value", "Kept"]));
    await s.page.locator("#map-account_id").selectOption("Client ref");
    await s.page.locator("#map-arr").selectOption("Contract value");
    await s.page.locator("#upload-recheck").click();
    await s.page.locator("#upload-commit").waitFor();
    await s.page.locator("#upload-commit").click();
    await s.page.locator("#upload-done").waitFor();
    expect(await s.page.locator("#upload-done").textContent()).toContain("3 rows");
    expect(s.errors).toEqual([]);
  });
});
