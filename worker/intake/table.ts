import { type Block, BLOCK_ROWS, type BlockColumn, encodeText, type Storage } from "../data/blocks";
import type { DatasetColumn, DatasetKind } from "../data/datasets";
import { ApiError, type ErrorDetail } from "../errors";
import { CellError, type DateOrder, detectDateOrder, parseBool, parseDate, parseNumber, parseSurveyType, type SurveyType } from "./cells";
import type { RowSink } from "./csv";
import { type MappedColumn, mapHeaders } from "./mapping";
import type { CanonicalColumn } from "./schema";

/** Limits of one upload (wrangler.toml vars). */
export interface TableLimits {
  maxRows: number;
  maxColumns: number;
  maxCellChars: number;
}

export interface TableOptions {
  kind: DatasetKind;
  mapping: Record<string, string>;
  /** Top of the CSAT scale for responses (5 or 10 …). */
  csatScale: number;
  /** Decimal commas: set for `;`-delimited files. */
  decimalComma: boolean;
  limits: TableLimits;
  /**
   * Responses: the upload's survey type for rows that do not say (no survey_type column, or a blank cell).
   * Without it such rows are of unspecified type (docs/methods.md#survey-type).
   */
  surveyType?: SurveyType;
  /**
   * Streaming: receives each block as it fills, and the intake keeps none (blocks stays empty).
   * Not called once a bad cell has been seen (the upload will be rejected anyway).
   */
  onBlock?: (block: Block) => void;
}

/** Responses of each survey type in a dataset (stored in its options; docs/methods.md#survey-type). */
export interface SurveyTypeCounts {
  relationship: number;
  transactional: number;
  unspecified: number;
}

/** At most this many bad cells are listed in `details` (all are counted). */
export const MAX_DETAILS = 1000;
const PREVIEW_ROWS = 20;

/**
 * Turns rows into validated columnar blocks. Rows arrive one at a time (from the
 * CSV or xlsx reader); raw strings are held for one block only, then parsed into
 * typed arrays. Every bad cell is collected with its file line and column; `finish`
 * throws one 422 invalid_file listing them, or returns the blocks.
 *
 * Per-column choices made from the first block: the day/month order of slash dates,
 * and whether an extra column is numeric, a date or text.
 */
export class TableIntake implements RowSink {
  headers: string[] = [];
  columns: MappedColumn[] = [];
  warnings: string[] = [];
  readonly blocks: Block[] = [];
  readonly details: ErrorDetail[] = [];
  errorCount = 0;
  rows = 0;
  readonly preview: string[][] = [];
  /** Responses by survey type after the upload default (unspecified: neither the file nor the default says). */
  readonly surveyTypeCounts: SurveyTypeCounts = { relationship: 0, transactional: 0, unspecified: 0 };
  /** Blank survey_type cells that took the upload default. */
  private surveyTypeDefaulted = 0;

  private raw: string[][] = [];
  private lines: number[] = [];
  private dateOrder = new Map<string, DateOrder>();
  private extraType = new Map<string, "number" | "date" | "text">();
  private extraFallbacks = new Map<string, number>();
  private ids = new Map<string, number>();
  private rowsFlushed = 0;
  private storage = new Map<string, Storage>();

  constructor(readonly opts: TableOptions) {}

  header(cells: string[], _line: number): void {
    const trimmed = cells.map((c) => c.trim());
    while (trimmed.length && trimmed[trimmed.length - 1] === "") trimmed.pop();
    if (trimmed.length > this.opts.limits.maxColumns) {
      throw new ApiError(422, "too_many_columns", `The file has ${trimmed.length} columns; the limit is ${this.opts.limits.maxColumns}.`);
    }
    this.headers = trimmed;
    const mapped = mapHeaders(this.opts.kind, trimmed, this.opts.mapping);
    this.columns = mapped.columns;
    this.warnings.push(...mapped.columns.filter((c) => c.inverted).map(invertedNote), ...mapped.warnings);
    this.raw = this.columns.map(() => []);
  }

  rowError(line: number, message: string): void {
    this.bad({ row: line, message });
  }

  row(cells: string[], line: number): void {
    const width = this.headers.length;
    if (cells.length > width && cells.slice(width).some((c) => c.trim() !== "")) {
      this.bad({ row: line, message: `the row has ${cells.length} fields but the header has ${width}` });
      return;
    }
    if (cells.length < width) {
      this.bad({ row: line, message: `the row has ${cells.length} fields but the header has ${width}` });
      return;
    }
    this.rows++;
    if (this.rows > this.opts.limits.maxRows) {
      throw new ApiError(422, "too_many_rows", `The file has more than ${this.opts.limits.maxRows} data rows; split it or raise MAX_ROWS.`);
    }
    const max = this.opts.limits.maxCellChars;
    for (let j = 0; j < cells.length; j++) {
      if (cells[j].length > max) {
        throw new ApiError(422, "cell_too_long", `A cell has ${cells[j].length} characters; the limit is ${max}.`, [
          { row: line, column: this.headers[j] ?? `column ${j + 1}`, message: `more than ${max} characters` },
        ]);
      }
    }
    if (this.preview.length < PREVIEW_ROWS) this.preview.push(cells.slice(0, width));
    for (let k = 0; k < this.columns.length; k++) this.raw[k].push(cells[this.columns[k].index] ?? "");
    this.lines.push(line);
    if (this.lines.length >= BLOCK_ROWS) this.flush();
  }

  /** Parses the buffered rows into one block. */
  private flush(): void {
    const n = this.lines.length;
    if (n === 0) return;
    const firstRow = this.rowsFlushed;
    const cols: BlockColumn[] = this.columns.map((c, k) => this.parseColumn(c, this.raw[k], n));
    if (this.opts.kind === "responses" && !this.columns.some((c) => c.name === "survey_type")) {
      // No survey_type column: every row is of the upload's default type, or unspecified (no column stored).
      const t = this.opts.surveyType;
      if (t) cols.push({ name: "survey_type", storage: "text", codes: new Uint32Array(n).fill(1), dict: [t] });
      this.surveyTypeCounts[t ?? "unspecified"] += n;
    }
    this.rowsFlushed += n;
    for (const col of cols) if (!this.storage.has(col.name)) this.storage.set(col.name, col.storage);
    const block = { rows: n, firstRow, columns: cols };
    if (!this.opts.onBlock) this.blocks.push(block);
    else if (this.errorCount === 0) this.opts.onBlock(block);
    this.raw = this.columns.map(() => []);
    this.lines = [];
  }

  private parseColumn(c: MappedColumn, raw: string[], n: number): BlockColumn {
    if (c.canonical) return this.parseCanonical(c, c.canonical, raw, n);
    let t = this.extraType.get(c.name);
    if (!t) {
      t = inferType(raw, this.opts.decimalComma);
      this.extraType.set(c.name, t);
      if (t === "date") this.dateOrder.set(c.name, detectDateOrder(raw));
    }
    if (t === "text") return { name: c.name, storage: "text", ...encodeText(raw.map((s) => s.trim() || null)) };
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const s = raw[i].trim();
      const v =
        s === ""
          ? NaN
          : t === "date"
            ? parseDate(s, this.dateOrder.get(c.name)!)
            : parseNumber(s, { decimalComma: this.opts.decimalComma, percent: true });
      if (v instanceof CellError) {
        values[i] = NaN;
        this.extraFallbacks.set(c.name, (this.extraFallbacks.get(c.name) ?? 0) + 1);
      } else values[i] = v;
    }
    return { name: c.name, storage: t === "date" ? "date" : "num", values };
  }

  private parseCanonical(c: MappedColumn, def: CanonicalColumn, raw: string[], n: number): BlockColumn {
    const line = (i: number) => this.lines[i];
    const where = c.source === def.name ? "" : ` (header "${c.source}")`;
    if (def.type === "survey type") {
      const out: (SurveyType | null)[] = new Array(n);
      for (let i = 0; i < n; i++) {
        const s = raw[i].trim();
        let v: SurveyType | CellError | null;
        if (s === "") {
          v = this.opts.surveyType ?? null;
          if (v) this.surveyTypeDefaulted++;
        } else v = parseSurveyType(s);
        if (v instanceof CellError) {
          this.bad({ row: line(i), column: def.name, message: v.message + where });
          out[i] = null;
        } else {
          out[i] = v;
          this.surveyTypeCounts[v ?? "unspecified"]++;
        }
      }
      return { name: def.name, storage: "text", ...encodeText(out) };
    }
    if (def.type === "text") {
      const out: (string | null)[] = new Array(n);
      for (let i = 0; i < n; i++) {
        const s = raw[i].trim();
        out[i] = s === "" ? null : s;
        if (s === "" && def.required) this.bad({ row: line(i), column: def.name, message: `${def.name} is required${where}` });
        if (s !== "" && def.name === "account_id" && this.opts.kind === "accounts") {
          const first = this.ids.get(s);
          if (first !== undefined)
            this.bad({ row: line(i), column: def.name, message: `duplicate account_id "${s}" (first on row ${first})` });
          else this.ids.set(s, line(i));
        }
      }
      return { name: def.name, storage: "text", ...encodeText(out) };
    }
    if (def.type === "date" && !this.dateOrder.has(def.name)) this.dateOrder.set(def.name, detectDateOrder(raw));
    const max = def.name === "csat" ? this.opts.csatScale : def.max;
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const s = raw[i].trim();
      if (s === "") {
        values[i] = NaN;
        if (def.required) this.bad({ row: line(i), column: def.name, message: `${def.name} is required${where}` });
        continue;
      }
      let v: number | CellError;
      switch (def.type) {
        case "date":
          v = parseDate(s, this.dateOrder.get(def.name)!);
          break;
        case "0/1":
          v = parseBool(s, c.inverted === true);
          break;
        case "fraction":
          v = parseNumber(s, { decimalComma: this.opts.decimalComma, percent: true });
          break;
        default:
          v = parseNumber(s, { decimalComma: this.opts.decimalComma });
      }
      if (!(v instanceof CellError)) {
        if (def.type === "integer" && !Number.isInteger(v)) v = new CellError(`${s} is not a whole number`);
        else if (def.min !== undefined && max !== undefined && (v < def.min || v > max))
          v = new CellError(`${s} is outside ${def.min}-${max}`);
        else if (def.min !== undefined && v < def.min) v = new CellError(`${s} is negative; ${def.name} must be ≥ ${def.min}`);
      }
      if (v instanceof CellError) {
        values[i] = NaN;
        this.bad({ row: line(i), column: def.name, message: v.message + where });
      } else values[i] = v;
    }
    return { name: def.name, storage: def.type === "date" ? "date" : "num", values };
  }

  private bad(d: ErrorDetail): void {
    this.errorCount++;
    if (this.details.length < MAX_DETAILS) this.details.push(d);
  }

  /**
   * Flushes the last block and returns the dataset's columns.
   * @throws ApiError 422 invalid_file listing every bad cell (first MAX_DETAILS) or when there are no rows
   */
  finish(): { columns: DatasetColumn[]; warnings: string[]; surveyTypes?: SurveyTypeCounts } {
    this.flush();
    if (this.errorCount > 0) {
      this.details.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
      const first = this.details[0];
      throw new ApiError(
        422,
        "invalid_file",
        `The file has ${this.errorCount} bad cell${this.errorCount === 1 ? "" : "s"}; nothing was stored. ` +
          `First: row ${first.row}${first.column ? `, column ${first.column}` : ""}: ${first.message}.` +
          (this.errorCount > this.details.length ? ` Only the first ${this.details.length} are listed.` : ""),
        this.details,
      );
    }
    if (this.rows === 0) throw new ApiError(422, "invalid_file", "The file has a header but no data rows.");
    for (const [name, k] of this.extraFallbacks) {
      this.warnings.push(
        `extra column ${name}: ${k} value(s) that are not ${this.extraType.get(name) === "date" ? "dates" : "numbers"} were stored as missing`,
      );
    }
    if (this.surveyTypeDefaulted > 0) {
      this.warnings.push(`survey_type: ${this.surveyTypeDefaulted} blank cell(s) took the upload's survey type ${this.opts.surveyType}`);
    }
    const columns: DatasetColumn[] = this.columns.map((c) => {
      const storage: Storage = this.storage.get(c.name)!;
      const type = c.canonical ? c.canonical.type : (this.extraType.get(c.name) as string);
      return { name: c.name, type, source: c.source, storage, ...(c.inverted ? { readAs: invertedNote(c) } : {}) };
    });
    if (this.opts.kind === "responses" && this.opts.surveyType && !this.columns.some((c) => c.name === "survey_type")) {
      columns.push({ name: "survey_type", type: "survey type", source: null, storage: "text" });
    }
    return { columns, warnings: this.warnings, ...(this.opts.kind === "responses" ? { surveyTypes: { ...this.surveyTypeCounts } } : {}) };
  }
}

/** What an inverted 0/1 column means, in words (the preview shows it). */
function invertedNote(c: MappedColumn): string {
  return `"${c.source}" read as churn: stored as ${c.name} = 1 − churn (Yes / 1 / true → did not renew, ${c.name} = 0; No / 0 / false → renewed, ${c.name} = 1; words such as "churned" or "renewed" as they say).`;
}

/** An extra column is numeric when every non-blank value parses as a number, a date when every one is an ISO date. */
function inferType(raw: string[], decimalComma: boolean): "number" | "date" | "text" {
  let any = false,
    numeric = true,
    iso = true;
  for (const r of raw) {
    const s = r.trim();
    if (s === "") continue;
    any = true;
    if (numeric && parseNumber(s, { decimalComma, percent: true }) instanceof CellError) numeric = false;
    if (iso && !/^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+Z?)?$/.test(s)) iso = false;
    if (!numeric && !iso) return "text";
  }
  if (!any) return "text";
  return numeric ? "number" : "date";
}
