import Papa from "papaparse";
import { ApiError } from "../errors";

/** Receives a table row by row: the header first, then each data row with its 1-based file line. */
export interface RowSink {
  header(cells: string[], line: number): void;
  row(cells: string[], line: number): void;
  /** A malformed row (unclosed quote, …): reported as a cell error. */
  rowError(line: number, message: string): void;
}

/**
 * Where a piece of a CSV starts (the streaming intake parses a file in pieces that end
 * at row boundaries): line breaks before it, and whether the header was already read.
 */
export interface CsvPosition {
  lineOffset: number;
  headerDone: boolean;
}

/**
 * Parses CSV text with papaparse: the delimiter given, or guessed among `,` `;` tab `|`,
 * CRLF/LF/CR, quoted fields with newlines, blank (or all-empty) rows skipped.
 * Each row's line is its first physical line in the file (header = 1), counted
 * correctly when quoted fields span lines.
 * @returns the delimiter used
 * @throws ApiError 422 invalid_file for an empty file
 */
export function parseCsv(text: string, sink: RowSink, delimiter?: string, at?: CsvPosition): { delimiter: string } {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (at?.headerDone && text.trim() === "") return { delimiter: delimiter ?? "," };
  if (text.trim() === "") throw new ApiError(422, "invalid_file", "The file is empty: it needs a header row and at least one data row.");
  let lineBreak = "\n";
  let lastCursor = 0;
  let countedTo = 0; // line breaks in text[0, countedTo) are counted in newlinesBefore
  let newlinesBefore = 0;
  let first = !at?.headerDone;
  const lineOffset = at?.lineOffset ?? 0;
  Papa.parse<string[]>(text, {
    delimiter: delimiter ?? "",
    delimitersToGuess: [",", ";", "\t", "|"],
    skipEmptyLines: "greedy",
    step: (res) => {
      delimiter = res.meta.delimiter || delimiter || ",";
      lineBreak = res.meta.linebreak || lineBreak;
      const cursor = res.meta.cursor;
      const lb = lineBreak === "\r" ? "\r" : "\n";
      // The row starts at the previous cursor, after any lines papaparse skipped as blank
      // (only spaces, delimiters or empty quotes). Its line = 1 + line breaks before its start.
      let start = lastCursor;
      for (;;) {
        const br = text.indexOf(lb, start);
        if (br < 0 || br >= cursor || !isBlankLine(text, start, br, delimiter ?? ",")) break;
        start = br + 1;
      }
      if (lb === "\n" && text[start] === "\r") start++;
      newlinesBefore += countOf(text, lb, countedTo, start);
      countedTo = start;
      const line = 1 + lineOffset + newlinesBefore;
      lastCursor = cursor;
      const fatal = res.errors.find((e) => e.code !== "UndetectableDelimiter");
      if (fatal && first) {
        throw new ApiError(422, "invalid_file", "The header row is malformed (an unmatched quote?).", [
          { row: line, message: fatal.message },
        ]);
      }
      if (fatal) {
        sink.rowError(line, fatal.code === "MissingQuotes" ? 'a quoted field is never closed (unmatched ")' : fatal.message);
        return;
      }
      if (first) {
        first = false;
        sink.header(res.data, line);
      } else sink.row(res.data, line);
    },
  });
  if (first) throw new ApiError(422, "invalid_file", "The file has no header row.");
  return { delimiter: delimiter ?? "," };
}

/** A line papaparse's greedy mode skips: nothing but whitespace, delimiters and quotes. */
function isBlankLine(text: string, from: number, to: number, delimiter: string): boolean {
  for (let i = from; i < to; i++) {
    const ch = text[i];
    if (ch !== " " && ch !== "\t" && ch !== "\r" && ch !== '"' && ch !== delimiter) return false;
  }
  return true;
}

function countOf(s: string, ch: string, from: number, to: number): number {
  let n = 0;
  for (let i = s.indexOf(ch, from); i >= 0 && i < to; i = s.indexOf(ch, i + 1)) n++;
  return n;
}
