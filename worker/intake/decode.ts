import { ApiError } from "../errors";

/** What the bytes of an upload are. */
export type FileFormat = "csv" | "xlsx";

/**
 * Tells CSV from xlsx by the bytes (a zip starts with PK\3\4), whatever the
 * content type claims, and rejects formats we cannot read with a clear message.
 * @throws ApiError 422 invalid_file for legacy .xls, PDFs and other binaries
 */
export function sniffFormat(bytes: Uint8Array): FileFormat {
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) return "xlsx";
  if (bytes.length >= 8 && bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0) {
    throw new ApiError(422, "invalid_file", "This is a legacy Excel .xls file; save it as .xlsx or CSV and upload again.");
  }
  if (bytes.length >= 4 && bytes[0] === 0x25 && bytes[1] === 0x50 && bytes[2] === 0x44 && bytes[3] === 0x46) {
    throw new ApiError(422, "invalid_file", "This is a PDF; upload the data as CSV or xlsx.");
  }
  return "csv";
}

/**
 * Decodes a text upload: UTF-8 (BOM stripped), UTF-16 LE/BE (by BOM, or by the
 * NUL pattern of ASCII text), or Windows-1252 when the bytes are not valid UTF-8
 * (Excel's "CSV" on Windows). Binary data is refused.
 * @throws ApiError 422 invalid_file for binary data
 */
export function decodeText(bytes: Uint8Array, warnings: string[]): string {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return utf8OrCp1252(bytes.subarray(3), warnings);
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder("utf-16le").decode(bytes.subarray(2));
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder("utf-16be").decode(bytes.subarray(2));
  const head = bytes.subarray(0, 4096);
  let nulEven = 0, nulOdd = 0;
  for (let i = 0; i < head.length; i++) if (head[i] === 0) (i % 2 === 0 ? nulEven++ : nulOdd++);
  if (nulEven + nulOdd > 0) {
    // ASCII text in UTF-16 without a BOM has a NUL in every other byte.
    if (nulOdd > head.length * 0.4 && nulEven === 0) return new TextDecoder("utf-16le").decode(bytes);
    if (nulEven > head.length * 0.4 && nulOdd === 0) return new TextDecoder("utf-16be").decode(bytes);
    throw new ApiError(422, "invalid_file", "The file is binary, not CSV or xlsx text; export the data as CSV (UTF-8) or xlsx.");
  }
  return utf8OrCp1252(bytes, warnings);
}

function utf8OrCp1252(bytes: Uint8Array, warnings: string[]): string {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    text = new TextDecoder("windows-1252").decode(bytes);
    warnings.push("the file is not UTF-8; it was read as Windows-1252 (Excel's default on Windows)");
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // Control characters other than tab, CR and LF mean binary data.
  let control = 0;
  const n = Math.min(text.length, 65536);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 32 && c !== 9 && c !== 10 && c !== 13) control++;
  }
  if (control > 0 && control > n * 0.001) {
    throw new ApiError(422, "invalid_file", "The file is binary, not CSV or xlsx text; export the data as CSV (UTF-8) or xlsx.");
  }
  return text;
}
