import { Inflate } from "fflate";
import { ApiError } from "../errors";

/**
 * A zip archive read from its central directory, entries inflated as streams (fflate's Inflate) in small
 * compressed slices, with one running cap on the bytes inflated across every entry read. So an entry's work
 * and memory are bounded by what it really holds, not by what the directory claims: an entry that inflates
 * to more (or less) than its declared size, a name that appears twice, an encrypted or ZIP64 entry are
 * refused before the archive is trusted further.
 */

/** One entry of the central directory. */
export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/** Compressed bytes pushed into the inflater at a time: a deflate stream inflates at most ~1032× that per push. */
const SLICE = 4096;

const broken = (why: string) =>
  new ApiError(
    422,
    "invalid_file",
    `The file looks like a zip/xlsx but cannot be unpacked (${why}); save it again from Excel as .xlsx or CSV.`,
  );

export class ZipReader {
  readonly entries = new Map<string, ZipEntry>();
  /** Bytes inflated so far across all entries (the running cap applies to this). */
  inflated = 0;

  /**
   * @param maxInflated the running cap across entries (413 xlsx_too_large beyond)
   * @throws ApiError 422 invalid_file (no central directory, ZIP64, encrypted), 422 zip_duplicate_entry
   */
  constructor(
    private readonly bytes: Uint8Array,
    private readonly maxInflated: number,
  ) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let eocd = -1;
    for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--) {
      if (view.getUint32(i, true) === 0x06054b50) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw broken("no central directory");
    const count = view.getUint16(eocd + 10, true);
    let p = view.getUint32(eocd + 16, true);
    if (count === 0xffff || p === 0xffffffff) throw broken("ZIP64 archives are not supported");
    const dec = new TextDecoder();
    for (let k = 0; k < count; k++) {
      if (p + 46 > bytes.length || view.getUint32(p, true) !== 0x02014b50) throw broken("damaged central directory");
      const flags = view.getUint16(p + 8, true);
      const method = view.getUint16(p + 10, true);
      const compressedSize = view.getUint32(p + 20, true);
      const size = view.getUint32(p + 24, true);
      const nameLen = view.getUint16(p + 28, true);
      const extraLen = view.getUint16(p + 30, true);
      const commentLen = view.getUint16(p + 32, true);
      const localOffset = view.getUint32(p + 42, true);
      const name = dec.decode(bytes.subarray(p + 46, p + 46 + nameLen));
      if (this.entries.has(name)) {
        throw new ApiError(
          422,
          "zip_duplicate_entry",
          `The xlsx file holds the part ${name.slice(0, 200)} twice; a workbook has each part once. Save it again from Excel.`,
        );
      }
      this.entries.set(name, { name, method, flags, compressedSize, size, localOffset });
      p += 46 + nameLen + extraLen + commentLen;
    }
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /**
   * Streams the inflated bytes of `name` to `onChunk` (chunks of at most ~4 MB).
   * @throws ApiError 422 zip_size_mismatch when the entry inflates to more or less than its declared size,
   *   413 xlsx_too_large past the running cap, 422 invalid_file when it cannot be inflated
   */
  read(name: string, onChunk: (chunk: Uint8Array) => void): void {
    const e = this.entries.get(name);
    if (!e) throw broken(`no part ${name.slice(0, 200)}`);
    if (e.flags & 1) throw broken("the workbook is encrypted");
    if (e.compressedSize === 0xffffffff || e.size === 0xffffffff) throw broken("ZIP64 entries are not supported");
    const view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    const lo = e.localOffset;
    if (lo + 30 > this.bytes.length || view.getUint32(lo, true) !== 0x04034b50) throw broken("damaged local header");
    // Without a data descriptor (flag bit 3) the local header repeats the sizes: they must agree too.
    if (!(e.flags & 8)) {
      const lc = view.getUint32(lo + 18, true);
      const ls = view.getUint32(lo + 22, true);
      if (lc !== e.compressedSize || ls !== e.size) throw this.mismatch(e, `its local header says ${ls} bytes, its directory ${e.size}`);
    }
    const start = lo + 30 + view.getUint16(lo + 26, true) + view.getUint16(lo + 28, true);
    const end = start + e.compressedSize;
    if (end > this.bytes.length) throw broken("an entry runs past the end of the file");
    const data = this.bytes.subarray(start, end);
    let got = 0;
    const take = (chunk: Uint8Array) => {
      got += chunk.length;
      this.inflated += chunk.length;
      if (got > e.size) throw this.mismatch(e, `it holds more than its declared ${e.size} bytes`);
      if (this.inflated > this.maxInflated) {
        throw new ApiError(
          413,
          "xlsx_too_large",
          `The xlsx file unpacks to more than ${this.maxInflated} bytes of XML, more than one request can read; save the sheet as CSV (no size cap but the body limit) or split it.`,
        );
      }
      if (chunk.length) onChunk(chunk);
    };
    if (e.method === 0) {
      for (let i = 0; i < data.length; i += 1 << 20) take(data.subarray(i, i + (1 << 20)));
    } else if (e.method === 8) {
      const inf = new Inflate((chunk) => take(chunk));
      try {
        for (let i = 0; i < data.length; i += SLICE) inf.push(data.subarray(i, i + SLICE), i + SLICE >= data.length);
        if (!data.length) inf.push(new Uint8Array(0), true);
      } catch (err) {
        if (err instanceof ApiError) throw err;
        throw broken(`the part ${name.slice(0, 200)} is damaged`);
      }
    } else {
      throw broken(`compression method ${e.method} is not supported`);
    }
    if (got !== e.size) throw this.mismatch(e, `it holds ${got} bytes, not its declared ${e.size}`);
  }

  /** The whole inflated entry (for the small workbook parts), or undefined when absent. */
  readAll(name: string): Uint8Array | undefined {
    if (!this.has(name)) return undefined;
    const chunks: Uint8Array[] = [];
    let n = 0;
    this.read(name, (c) => {
      chunks.push(c.slice());
      n += c.length;
    });
    const out = new Uint8Array(n);
    let off = 0;
    for (const c of chunks) {
      out.set(c, off);
      off += c.length;
    }
    return out;
  }

  private mismatch(e: ZipEntry, why: string): ApiError {
    return new ApiError(
      422,
      "zip_size_mismatch",
      `The xlsx part ${e.name.slice(0, 200)} is not the size the file declares (${why}); the file is damaged or crafted. Save it again from Excel.`,
    );
  }
}
