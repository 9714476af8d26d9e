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
 * Parses CSV text with papaparse: the delimiter given, or guessed among `,` `;` tab `|`,
 * CRLF/LF/CR, quoted fields with newlines, blank (or all-empty) rows skipped.
 * Each row's line is its first physical line in the file (header = 1), counted
 * correctly when quoted fields span lines.
 * @returns the delimiter used
 * @throws ApiError 422 invalid_file for an empty file
 */
export function parseCsv(text: string, sink: RowSink, delimiter?: string): { delimiter: string } {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === "") throw new ApiError(422, "invalid_file", "The file is empty: it needs a header row and at least one data row.");
  let lineBreak = "\n";
  let lastCursor = 0;
  let newlinesBefore = 0; // count of line breaks in text[0, lastCursor)
  let first = true;
  Papa.parse<string[]>(text, {
    delimiter: delimiter ?? "",
    delimitersToGuess: [",", ";", "\t", "|"],
    skipEmptyLines: "greedy",
    step: (res) => {
      delimiter = res.meta.delimiter || delimiter || ",";
      lineBreak = res.meta.linebreak || lineBreak;
      const cursor = res.meta.cursor;
      const lb = lineBreak === "\r" ? "\r" : "\n";
      // Line of the row's last character = 1 + line breaks before it; minus breaks inside its fields.
      let end = cursor;
      if (text.startsWith("\r\n", end - 2)) end -= 2;
      else if (text[end - 1] === "\n" || text[end - 1] === "\r") end -= 1;
      newlinesBefore += countOf(text, lb, lastCursor, end);
      const endLine = 1 + newlinesBefore;
      newlinesBefore += countOf(text, lb, end, cursor);
      lastCursor = cursor;
      let inside = 0;
      for (const f of res.data) if (f.includes(lb)) inside += countOf(f, lb, 0, f.length);
      const line = endLine - inside;
      const fatal = res.errors.find((e) => e.code !== "UndetectableDelimiter");
      if (fatal && first) {
        throw new ApiError(422, "invalid_file", "The header row is malformed (an unmatched quote?).", [{ row: line, message: fatal.message }]);
      }
      if (fatal) {
        sink.rowError(line, fatal.code === "MissingQuotes" ? "a quoted field is never closed (unmatched \")" : fatal.message);
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

function countOf(s: string, ch: string, from: number, to: number): number {
  let n = 0;
  for (let i = s.indexOf(ch, from); i >= 0 && i < to; i = s.indexOf(ch, i + 1)) n++;
  return n;
}
