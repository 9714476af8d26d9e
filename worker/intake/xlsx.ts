import { SaxesParser } from "saxes";
import { ApiError } from "../errors";
import { isoDate } from "./cells";
import type { RowSink } from "./csv";
import { ZipReader } from "./zip";

/**
 * Reads one worksheet of an .xlsx (Office Open XML) file: worker/intake/zip.ts inflates the parts as streams
 * (one running size cap), saxes parses their XML as it comes. Cells come out as the text a CSV export would hold:
 * shared and inline strings, cached values of formulas, TRUE/FALSE, and ISO dates
 * for numbers whose style is a date format. Row lines are Excel's row numbers.
 */

/**
 * Bytes of XML one upload may inflate, across every part read (workbook, styles, shared strings, the sheet): the
 * sheet streams through the parser, the shared strings are held, and the zip itself is held (at most
 * MAX_XLSX_BYTES), so this keeps an xlsx request well inside a Worker's 128 MB.
 */
export const MAX_XLSX_INFLATED = 64 * 1024 * 1024;
/** An xlsx file is read whole (a zip needs its directory): its compressed size is capped too. */
export const MAX_XLSX_BYTES = 32 * 1024 * 1024;

const local = (name: string) => name.slice(name.indexOf(":") + 1);

/** Where XML comes from: bytes, or a zip part streamed chunk by chunk (never a whole-document string). */
type XmlSource = Uint8Array | ((push: (chunk: Uint8Array) => void) => void);

/** Runs saxes over UTF-8 XML in chunks. */
function sax(src: XmlSource, on: (p: SaxesParser) => void): void {
  const p = new SaxesParser();
  on(p);
  const dec = new TextDecoder("utf-8");
  try {
    const step = 1 << 20;
    const push = (bytes: Uint8Array) => {
      for (let i = 0; i < bytes.length; i += step) p.write(dec.decode(bytes.subarray(i, i + step), { stream: true }));
    };
    if (typeof src === "function") src(push);
    else push(src);
    p.write(dec.decode());
    p.close();
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw new ApiError(422, "invalid_file", `The xlsx file has broken XML (${(err as Error).message.slice(0, 200)}).`);
  }
}

/** Built-in number formats that are dates (ECMA-376 §18.8.30), and custom codes with d/m/y. */
function isDateFormat(id: number, code: string | undefined): boolean {
  if ((id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) || (id >= 50 && id <= 58)) return true;
  if (!code) return false;
  const bare = code.replace(/"[^"]*"|\[[^\]]*\]|\\./g, "");
  return /[dmy]/i.test(bare) && !/^[#0.,%\s]*$/.test(bare);
}

function readStyles(xml: XmlSource | undefined): boolean[] {
  if (!xml) return [];
  const custom = new Map<number, string>();
  const dateXf: boolean[] = [];
  let inXfs = false;
  sax(xml, (p) => {
    p.on("opentag", (t) => {
      const n = local(t.name);
      const a = t.attributes as Record<string, string>;
      if (n === "numFmt") custom.set(Number(a.numFmtId), a.formatCode ?? "");
      else if (n === "cellXfs") inXfs = true;
      else if (n === "xf" && inXfs) {
        const id = Number(a.numFmtId ?? 0);
        dateXf.push(isDateFormat(id, custom.get(id)));
      }
    });
    p.on("closetag", (t) => {
      if (local(t.name) === "cellXfs") inXfs = false;
    });
  });
  return dateXf;
}

function readSharedStrings(xml: XmlSource | undefined): string[] {
  if (!xml) return [];
  const out: string[] = [];
  let cur = "";
  let inT = false,
    inPhonetic = false;
  sax(xml, (p) => {
    p.on("opentag", (t) => {
      const n = local(t.name);
      if (n === "si") cur = "";
      else if (n === "t") inT = true;
      else if (n === "rPh") inPhonetic = true;
    });
    p.on("text", (s) => {
      if (inT && !inPhonetic) cur += s;
    });
    p.on("closetag", (t) => {
      const n = local(t.name);
      if (n === "t") inT = false;
      else if (n === "rPh") inPhonetic = false;
      else if (n === "si") out.push(cur);
    });
  });
  return out;
}

/** Sheet names in workbook order with their part paths. */
function readSheets(zip: ZipReader): { name: string; path: string }[] {
  const rels = new Map<string, string>();
  sax(zip.readAll("xl/_rels/workbook.xml.rels") ?? new Uint8Array(), (p) => {
    p.on("opentag", (t) => {
      const a = t.attributes as Record<string, string>;
      if (local(t.name) === "Relationship" && a.Id && a.Target) rels.set(a.Id, a.Target);
    });
  });
  const sheets: { name: string; path: string }[] = [];
  sax(zip.readAll("xl/workbook.xml")!, (p) => {
    p.on("opentag", (t) => {
      if (local(t.name) !== "sheet") return;
      const a = t.attributes as Record<string, string>;
      const rid = Object.entries(a).find(([k]) => local(k) === "id" && k !== "sheetId")?.[1];
      const target = rid ? rels.get(rid) : undefined;
      if (!target) return;
      const path = target.startsWith("/") ? target.slice(1) : `xl/${target.replace(/^\.\//, "")}`;
      sheets.push({ name: a.name ?? "", path });
    });
  });
  return sheets;
}

/** Column index (0-based) of a cell reference such as "AB12". */
function columnOf(ref: string): number {
  let n = 0;
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c < 65 || c > 90) break;
    n = n * 26 + (c - 64);
  }
  return n - 1;
}

/**
 * Streams the rows of a sheet (the first, or the one named by `sheet`, or its 1-based number) to `sink`.
 * @throws ApiError 422 invalid_file when the zip is not a workbook or the sheet does not exist
 */
export function parseXlsx(
  bytes: Uint8Array,
  sheet: string | undefined,
  sink: RowSink,
  maxColumns: number,
  maxInflated = MAX_XLSX_INFLATED,
): { sheet: string } {
  const zip = new ZipReader(bytes, maxInflated);
  if (!zip.has("xl/workbook.xml")) {
    throw new ApiError(422, "invalid_file", "The file is a zip archive but not an Excel workbook (.xlsx); upload CSV or xlsx.");
  }
  const sheets = readSheets(zip);
  if (!sheets.length) throw new ApiError(422, "invalid_file", "The workbook has no worksheets.");
  let chosen = sheets[0];
  if (sheet !== undefined && sheet !== "") {
    const byName = sheets.find((s) => s.name === sheet) ?? sheets.find((s) => s.name.toLowerCase() === sheet.toLowerCase());
    const byNumber = /^\d+$/.test(sheet) ? sheets[Number(sheet) - 1] : undefined;
    const found = byName ?? byNumber;
    if (!found) {
      throw new ApiError(
        422,
        "invalid_file",
        `The workbook has no sheet "${sheet}"; its sheets are ${sheets.map((s) => `"${s.name}"`).join(", ")}.`,
        [{ column: "sheet", message: `no sheet "${sheet}"` }],
      );
    }
    chosen = found;
  }
  if (!zip.has(chosen.path)) throw new ApiError(422, "invalid_file", `The workbook's sheet "${chosen.name}" is missing from the file.`);
  const part: XmlSource = (push) => zip.read(chosen.path, push);
  const strings = readSharedStrings(zip.has("xl/sharedStrings.xml") ? (push) => zip.read("xl/sharedStrings.xml", push) : undefined);
  const dateXf = readStyles(zip.has("xl/styles.xml") ? (push) => zip.read("xl/styles.xml", push) : undefined);

  let headerDone = false;
  let width = 0;
  let rowNo = 0;
  let cells: string[] = [];
  let col = 0,
    type = "n",
    style = 0,
    value = "",
    inValue = false,
    inInline = false;
  const emit = () => {
    if (!cells.some((c) => c !== undefined && c.trim() !== "")) return; // blank (maybe formatted) rows are skipped
    for (let i = 0; i < cells.length; i++) cells[i] ??= "";
    if (!headerDone) {
      while (cells.length && cells[cells.length - 1].trim() === "") cells.pop();
      headerDone = true;
      width = cells.length;
      sink.header(cells, rowNo);
    } else {
      while (cells.length > width && cells[cells.length - 1].trim() === "") cells.pop();
      while (cells.length < width) cells.push(""); // Excel omits empty cells
      sink.row(cells, rowNo);
    }
  };
  sax(part, (p) => {
    p.on("opentag", (t) => {
      const n = local(t.name);
      const a = t.attributes as Record<string, string>;
      if (n === "row") {
        rowNo = a.r ? Number(a.r) : rowNo + 1;
        cells = [];
      } else if (n === "c") {
        col = a.r ? columnOf(a.r) : cells.length;
        if (col >= maxColumns) throw new ApiError(422, "too_many_columns", `The sheet has more than ${maxColumns} columns.`);
        type = a.t ?? "n";
        style = Number(a.s ?? 0);
        value = "";
      } else if (n === "v") {
        inValue = true;
      } else if (n === "is") inInline = true;
      else if (n === "t" && inInline) inValue = true;
    });
    p.on("text", (s) => {
      if (inValue) value += s;
    });
    p.on("closetag", (t) => {
      const n = local(t.name);
      if (n === "v" || n === "t") inValue = false;
      else if (n === "is") inInline = false;
      else if (n === "c") {
        let text = value;
        if (type === "s") text = strings[Number(value)] ?? "";
        else if (type === "b") text = value === "1" ? "TRUE" : value === "0" ? "FALSE" : value;
        else if (type === "n" && value !== "" && dateXf[style]) {
          const serial = Number(value);
          if (Number.isFinite(serial) && serial >= 1 && serial <= 2958465) text = isoDate(Math.floor(serial) - 25569);
        } else if (type === "d") text = value.slice(0, 10);
        while (cells.length < col) cells.push("");
        cells[col] = text;
      } else if (n === "row") emit();
    });
  });
  if (!headerDone) throw new ApiError(422, "invalid_file", `The sheet "${chosen.name}" is empty.`);
  return { sheet: chosen.name };
}
