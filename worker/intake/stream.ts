import type { Block } from "../data/blocks";
import type { DatasetColumn, DatasetKind } from "../data/datasets";
import type { DatasetWriter } from "../data/dataset-writer";
import { ApiError } from "../errors";
import { parseCsv } from "./csv";
import { CsvChunker, guessLineBreak } from "./csv-chunker";
import { CHECK_CHARS, checkBinary, type Encoding, encodingOf, HEAD_BYTES, sniffFormat } from "./decode";
import { guessDelimiter } from "./delimiter";
import type { SurveyType } from "./cells";
import { type SurveyTypeCounts, type TableLimits, TableIntake } from "./table";
import { MAX_XLSX_BYTES, parseXlsx } from "./xlsx";

/**
 * The one intake path: an upload read as a stream of bytes, parsed while it arrives.
 * CSV text is decoded chunk by chunk, cut into pieces of whole rows (CsvChunker),
 * each parsed by papaparse (`parseCsv`) into the row-at-a-time validator
 * (`TableIntake`), whose blocks go to R2 as each fills (`DatasetWriter`); the raw
 * bytes go to R2 beside them. Neither the whole text nor row objects are held:
 * at most one block of raw cells, one piece of text and a few blocks in flight.
 * xlsx is read whole (a zip needs its central directory; at most MAX_XLSX_BYTES), its parts inflated
 * as streams under one running cap (worker/intake/zip.ts). Encodings: worker/intake/decode.ts.
 */

export interface StreamIntakeOptions {
  kind: DatasetKind;
  mapping: Record<string, string>;
  sheet?: string;
  csatScale: number;
  /** Responses: the survey type of rows that do not say (TableOptions.surveyType). */
  surveyType?: SurveyType;
  limits: TableLimits;
  /** Bytes allowed in total (413 too_large beyond). */
  maxBytes: number;
  /** Where blocks and the raw file go; null = validate only (dryRun). */
  writer: DatasetWriter | null;
  /** Reads the upload again from the start (used when it turns out not to be UTF-8). */
  reopen: () => Promise<ReadableStream<Uint8Array>>;
  /** Called after each piece: rows parsed, bad cells so far, bytes read. */
  onProgress?: (p: { rowsDone: number; errorsSoFar: number; bytesDone: number }) => Promise<void> | void;
  /** Sees every block before it is stored (e.g. the metrics rollup). */
  onBlock?: (block: Block) => void;
  /** The file is read again from the start: forget what onBlock saw. */
  onRestart?: () => void;
}

export interface StreamIntakeResult {
  rows: number;
  columns: DatasetColumn[];
  warnings: string[];
  format: "csv" | "xlsx";
  delimiter?: string;
  sheet?: string;
  preview: { headers: string[]; rows: string[][] };
  blockRows: number;
  /** Responses: rows of each survey type. */
  surveyTypes?: SurveyTypeCounts;
}

/** Text held without a row boundary beyond this means a quote that never closes (a legal row is ≤ columns × cell limit). */
const MAX_HELD_CHARS = 8 * 1024 * 1024;

class NotUtf8 extends Error {}

/** Yields the stream's chunks, counting bytes against the limit and copying them to the raw file. */
async function* bytesOf(
  stream: ReadableStream<Uint8Array>,
  o: StreamIntakeOptions,
  count: { bytes: number },
  writeRaw: boolean,
): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      let r: ReadableStreamReadResult<Uint8Array>;
      try {
        r = await reader.read();
      } catch {
        throw new ApiError(400, "bad_request", "The upload was cut off before the body was complete; send it again.");
      }
      if (r.done) return;
      const chunk = r.value;
      if (!chunk.byteLength) continue;
      count.bytes += chunk.byteLength;
      if (count.bytes > o.maxBytes) {
        throw new ApiError(
          413,
          "too_large",
          `The upload is more than ${o.maxBytes} bytes; the limit is ${o.maxBytes} bytes (MAX_UPLOAD_BYTES). Split the file.`,
        );
      }
      if (writeRaw && o.writer) await o.writer.writeRaw(chunk as Uint8Array<ArrayBuffer>);
      yield chunk;
    }
  } finally {
    reader.releaseLock();
  }
}

const concat = (chunks: Uint8Array[], total: number): Uint8Array => {
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.byteLength;
  }
  return out;
};

/**
 * Parses an upload stream into validated blocks handed to `o.writer`.
 * @throws ApiError 422 (invalid_file with every bad cell, invalid_mapping, too_many_rows,
 *   too_many_columns, cell_too_long), 413 too_large, 400 bad_request when the body is cut off
 */
export async function ingestStream(stream: ReadableStream<Uint8Array>, o: StreamIntakeOptions): Promise<StreamIntakeResult> {
  const count = { bytes: 0 };
  const src = bytesOf(stream, o, count, true);
  // The first bytes decide the format and the encoding.
  const head: Uint8Array[] = [];
  let headBytes = 0;
  while (headBytes < HEAD_BYTES) {
    const r = await src.next();
    if (r.done) break;
    head.push(r.value);
    headBytes += r.value.byteLength;
  }
  if (headBytes === 0) {
    throw new ApiError(
      422,
      "invalid_file",
      "The upload is empty: send the CSV or xlsx file as the body, or as the multipart field `file`.",
    );
  }
  const first = concat(head, headBytes);
  if (sniffFormat(first) === "xlsx") {
    const chunks: Uint8Array[] = [first];
    for await (const c of src) {
      chunks.push(c);
      if (count.bytes > MAX_XLSX_BYTES) {
        throw new ApiError(
          413,
          "xlsx_too_large",
          `The xlsx file is over ${MAX_XLSX_BYTES} bytes, more than one request can unpack (a zip is read whole); save the sheet as CSV, which has no such cap.`,
        );
      }
    }
    await o.writer?.finishRaw();
    return xlsxPass(concat(chunks, count.bytes), o);
  }
  const encoding = encodingOf(first);
  const chunks = (async function* () {
    yield first;
    yield* src;
  })();
  try {
    const out = await csvPass(chunks, encoding, o, count, []);
    await o.writer?.finishRaw();
    return out;
  } catch (err) {
    if (!(err instanceof NotUtf8)) throw err;
  }
  // Not UTF-8 after all: keep the rest of the raw file, then read it again as Windows-1252 from the start.
  for await (const _ of chunks);
  await o.writer?.finishRaw();
  await o.writer?.dropBlocks();
  o.onRestart?.();
  const again = bytesOf(await o.reopen(), { ...o, maxBytes: Infinity }, { bytes: 0 }, false);
  return csvPass(again, "windows-1252", o, count, ["the file is not UTF-8; it was read as Windows-1252 (Excel's default on Windows)"]);
}

function newTable(o: StreamIntakeOptions, decimalComma: boolean): TableIntake {
  const writer = o.writer;
  return new TableIntake({
    kind: o.kind,
    mapping: o.mapping,
    csatScale: o.csatScale,
    surveyType: o.surveyType,
    decimalComma,
    limits: o.limits,
    onBlock: (block) => {
      o.onBlock?.(block);
      writer?.addBlock(block);
    },
  });
}

function xlsxPass(bytes: Uint8Array, o: StreamIntakeOptions): StreamIntakeResult {
  let blockRows = 0;
  const table = newTable(o, false);
  const onBlock = table.opts.onBlock!;
  table.opts.onBlock = (b) => {
    blockRows ||= b.rows;
    onBlock(b);
  };
  const { sheet } = parseXlsx(bytes, o.sheet, table, o.limits.maxColumns);
  const out = table.finish();
  return {
    rows: table.rows,
    columns: out.columns,
    warnings: out.warnings,
    format: "xlsx",
    sheet,
    preview: { headers: table.headers, rows: table.preview },
    blockRows,
    ...(out.surveyTypes ? { surveyTypes: out.surveyTypes } : {}),
  };
}

async function csvPass(
  chunks: AsyncIterable<Uint8Array>,
  encoding: Encoding,
  o: StreamIntakeOptions,
  count: { bytes: number },
  warnings: string[],
): Promise<StreamIntakeResult> {
  const fatal = encoding === "utf-8";
  const decoder = new TextDecoder(encoding, { fatal, ignoreBOM: false });
  let text = ""; // decoded text not yet handed to the chunker (only before the header is known)
  let chunker: CsvChunker | null = null;
  let table: TableIntake | null = null;
  let delimiter = ",";
  let lb: "\n" | "\r" = "\n";
  let lineOffset = 0;
  let headerDone = false;
  let sawText = false;
  let blockRows = 0;
  let stopped = false;

  const parsePiece = (piece: string) => {
    if (!headerDone && piece.trim() === "") {
      lineOffset += countOf(piece, lb);
      return;
    }
    sawText = true;
    parseCsv(piece, table!, delimiter, { lineOffset, headerDone });
    headerDone ||= table!.headers.length > 0;
    lineOffset += countOf(piece, lb);
  };
  const start = (t: string) => {
    if (t.charCodeAt(0) === 0xfeff) t = t.slice(1);
    checkBinary(t);
    const firstLine = t.slice(0, Math.max(0, t.search(/\r\n|\n|\r|$/)));
    delimiter = guessDelimiter(firstLine);
    lb = guessLineBreak(t.slice(0, 1 << 20));
    chunker = new CsvChunker(delimiter, lb);
    table = newTable(o, delimiter === ";");
    const onBlock = table.opts.onBlock!;
    table.opts.onBlock = (b) => {
      blockRows ||= b.rows;
      onBlock(b);
    };
  };
  const feed = async (t: string) => {
    if (!chunker) {
      text += t;
      if (text.length < CHECK_CHARS) return;
      t = text;
      text = "";
      start(t);
    }
    const piece = chunker!.push(t);
    if (piece !== null) {
      parsePiece(piece);
      await o.writer?.settle();
      await o.onProgress?.({ rowsDone: table!.rows, errorsSoFar: table!.errorCount, bytesDone: count.bytes });
    } else if (chunker!.held > MAX_HELD_CHARS) {
      let held = chunker!.end();
      const open = openQuote(held, delimiter);
      if (open) {
        // The rows before the line where the field opens are whole: parse them first.
        const lineStart = Math.max(held.lastIndexOf("\n", open.at), held.lastIndexOf("\r", open.at)) + 1;
        if (lineStart > 0) parsePiece(held.slice(0, lineStart));
        held = held.slice(lineStart);
        if (headerDone) {
          // Inside a quoted field over the cell limit: read on (holding nothing) to tell a field that closes, however
          // long (cell_too_long at its row and column), from a quote that never closes (the parser's answer).
          longField = { column: open.column, row: lineOffset + 1, held };
          return;
        }
      }
      // A quoted field that never closes (in the header), or an unquoted line past the limit: papaparse and the
      // validator name it on the line where it starts; reading on cannot change the answer.
      parsePiece(held);
      stopped = true;
    }
  };
  let longField = null as { column: number; row: number; held: string } | null;
  /** Reads on inside a long quoted field: true once it closes (a quote not doubled). */
  const skipLong = (t: string): boolean => {
    let inQuote = true;
    for (let i = t.indexOf('"'); i >= 0; i = t.indexOf('"', i + 1)) {
      if (inQuote && t.charCodeAt(i + 1) === 34) {
        i++;
        continue;
      }
      inQuote = !inQuote;
      if (!inQuote) return true;
    }
    return false;
  };
  const tooLong = (f: { row: number; column: number }) =>
    new ApiError(
      422,
      "cell_too_long",
      `Row ${f.row} has a quoted cell of more than ${MAX_HELD_CHARS} characters; a cell may have at most ${o.limits.maxCellChars}.`,
      [
        {
          row: f.row,
          column: table!.headers[f.column] ?? `column ${f.column + 1}`,
          message: `more than ${o.limits.maxCellChars} characters`,
        },
      ],
    );

  // Not for-await: an early exit must not close `chunks` (after NotUtf8 the caller reads the rest of it).
  const it = chunks[Symbol.asyncIterator]();
  for (;;) {
    const r = await it.next();
    if (r.done) break;
    const chunk = r.value;
    let t: string;
    try {
      t = decoder.decode(chunk, { stream: true });
    } catch {
      throw new NotUtf8();
    }
    if (longField) {
      if (skipLong(t)) throw tooLong(longField);
      continue;
    }
    await feed(t);
    if (stopped) break;
  }
  if (longField) {
    // The quote never closed: the parser's answer on what was held (it names the line where the field opens).
    parsePiece(longField.held);
    stopped = true;
  }
  if (!stopped) {
    let tail: string;
    try {
      tail = decoder.decode();
    } catch {
      throw new NotUtf8();
    }
    if (!chunker) {
      text += tail;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      if (text.trim() === "")
        throw new ApiError(422, "invalid_file", "The file is empty: it needs a header row and at least one data row.");
      start(text);
      tail = text;
      text = "";
    }
    const piece = chunker!.push(tail);
    if (piece !== null) parsePiece(piece);
    parsePiece(chunker!.end());
  }
  if (!headerDone) {
    if (!sawText) throw new ApiError(422, "invalid_file", "The file is empty: it needs a header row and at least one data row.");
    throw new ApiError(422, "invalid_file", "The file has no header row.");
  }
  const t = table!;
  const out = t.finish();
  await o.onProgress?.({ rowsDone: t.rows, errorsSoFar: t.errorCount, bytesDone: count.bytes });
  return {
    rows: t.rows,
    columns: out.columns,
    warnings: [...warnings, ...out.warnings],
    format: "csv",
    delimiter,
    preview: { headers: t.headers, rows: t.preview },
    blockRows,
    ...(out.surveyTypes ? { surveyTypes: out.surveyTypes } : {}),
  };
}

/**
 * Where the quoted field still open at the end of `text` starts (index of its quote, and its 0-based column in its
 * line), or null when no quote is open there.
 */
function openQuote(text: string, delimiter: string): { at: number; column: number } | null {
  let inQuote = false;
  let at = -1;
  let column = 0;
  let openColumn = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inQuote) {
      if (c === '"') {
        if (text[i + 1] === '"') i++;
        else inQuote = false;
      }
    } else if (c === '"') {
      inQuote = true;
      at = i;
      openColumn = column;
    } else if (c === delimiter) column++;
    else if (c === "\n" || c === "\r") column = 0;
  }
  return inQuote ? { at, column: openColumn } : null;
}

function countOf(s: string, ch: string, from = 0, to = s.length): number {
  let n = 0;
  for (let i = s.indexOf(ch, from); i >= 0 && i < to; i = s.indexOf(ch, i + 1)) n++;
  return n;
}
