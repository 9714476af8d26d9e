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

/** Text encodings of uploads: UTF-8 (BOM or not; Windows-1252 when it turns out not to be UTF-8), UTF-16 LE/BE. */
export type Encoding = "utf-8" | "utf-16le" | "utf-16be" | "windows-1252";

/** Bytes looked at to tell UTF-16 without a BOM (NUL in every other byte) from binary data. */
export const HEAD_BYTES = 4096;

/**
 * The encoding of a text upload from its first bytes: UTF-8 (BOM or not), UTF-16 LE/BE by BOM, or by the
 * NUL pattern of ASCII text in UTF-16. A UTF-8 guess may still turn out to be Windows-1252 (Excel's "CSV"
 * on Windows) further on; the intake then reads the file again (worker/intake/stream.ts).
 * @throws ApiError 422 invalid_file for binary data (NULs in no UTF-16 pattern)
 */
export function encodingOf(head: Uint8Array): Encoding {
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return "utf-8";
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return "utf-16le";
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return "utf-16be";
  const h = head.subarray(0, HEAD_BYTES);
  let nulEven = 0,
    nulOdd = 0;
  for (let i = 0; i < h.length; i++) if (h[i] === 0) i % 2 === 0 ? nulEven++ : nulOdd++;
  if (nulEven + nulOdd > 0) {
    // ASCII text in UTF-16 without a BOM has a NUL in every other byte.
    if (nulOdd > h.length * 0.4 && nulEven === 0) return "utf-16le";
    if (nulEven > h.length * 0.4 && nulOdd === 0) return "utf-16be";
    throw binary();
  }
  return "utf-8";
}

/** Characters of decoded text checked for control characters. */
export const CHECK_CHARS = 65536;

/**
 * Control characters other than tab, CR and LF in more than 0.1% of the first 64K characters mean binary data.
 * @throws ApiError 422 invalid_file
 */
export function checkBinary(text: string): void {
  let control = 0;
  const n = Math.min(text.length, CHECK_CHARS);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 32 && c !== 9 && c !== 10 && c !== 13) control++;
  }
  if (control > 0 && control > n * 0.001) throw binary();
}

const binary = () => new ApiError(422, "invalid_file", "The file is binary, not CSV or xlsx text; export the data as CSV (UTF-8) or xlsx.");
