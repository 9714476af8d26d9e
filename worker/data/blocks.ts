/**
 * The columnar block format of parsed datasets in R2 (`cols/<ws>/<datasetId>/<blockNo>.bin`).
 *
 * Each block holds up to BLOCK_ROWS consecutive rows and describes itself:
 *
 *   bytes 0-3   magic "CXB1"
 *   bytes 4-7   header length H (uint32, little endian)
 *   bytes 8..   header: UTF-8 JSON { rows, firstRow, columns: [{ name, storage, offset, dict? }] }
 *   then        column sections, each starting on an 8-byte boundary; `offset` counts from the
 *               data start, the first 8-byte boundary after the header:
 *               storage "num"  Float64Array(rows), NaN = missing
 *               storage "date" Float64Array(rows), days since 1970-01-01 (UTC), NaN = missing
 *               storage "text" Uint32Array(rows) codes; 0 = missing, k = dict[k − 1]
 *
 * `firstRow` is the 0-based index of the block's first data row in the dataset, so a
 * block can be read on its own (large datasets are streamed one block at a time).
 */

export const BLOCK_ROWS = 65536;
const MAGIC = 0x31425843; // "CXB1" little endian

export type Storage = "num" | "date" | "text";

/** One column of a block, decoded. */
export type BlockColumn =
  { name: string; storage: "num" | "date"; values: Float64Array } | { name: string; storage: "text"; codes: Uint32Array; dict: string[] };

export interface Block {
  rows: number;
  firstRow: number;
  columns: BlockColumn[];
}

interface HeaderColumn {
  name: string;
  storage: Storage;
  offset: number;
  dict?: string[];
}

/** Dictionary-encodes text values (null or "" = missing). */
export function encodeText(values: readonly (string | null)[]): { codes: Uint32Array; dict: string[] } {
  const codes = new Uint32Array(values.length);
  const index = new Map<string, number>();
  const dict: string[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === "") continue;
    let k = index.get(v);
    if (k === undefined) {
      dict.push(v);
      k = dict.length;
      index.set(v, k);
    }
    codes[i] = k;
  }
  return { codes, dict };
}

const align8 = (n: number) => Math.ceil(n / 8) * 8;

/** Serialises one block. */
export function encodeBlock(block: Block): Uint8Array {
  let off = 0;
  const headerCols: HeaderColumn[] = block.columns.map((c) => {
    const size = c.storage === "text" ? c.codes.byteLength : c.values.byteLength;
    const col: HeaderColumn = { name: c.name, storage: c.storage, offset: off, ...(c.storage === "text" ? { dict: c.dict } : {}) };
    off = align8(off + size);
    return col;
  });
  const headerBytes = new TextEncoder().encode(JSON.stringify({ rows: block.rows, firstRow: block.firstRow, columns: headerCols }));
  const dataStart = align8(8 + headerBytes.length);
  const out = new Uint8Array(dataStart + off);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, headerBytes.length, true);
  out.set(headerBytes, 8);
  block.columns.forEach((c, i) => {
    const src = c.storage === "text" ? c.codes : c.values;
    out.set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength), dataStart + headerCols[i].offset);
  });
  return out;
}

/**
 * Decodes a block. Column arrays are views on `buf` (no copy), so keep `buf` alive.
 * @param only when given, decode just these columns (others are skipped)
 * @throws Error when the bytes are not a CXB1 block
 */
export function decodeBlock(buf: ArrayBuffer, only?: readonly string[]): Block {
  const view = new DataView(buf);
  if (buf.byteLength < 8 || view.getUint32(0, true) !== MAGIC) throw new Error("not a CXB1 column block");
  const h = view.getUint32(4, true);
  const header: { rows: number; firstRow: number; columns: HeaderColumn[] } = JSON.parse(
    new TextDecoder().decode(new Uint8Array(buf, 8, h)),
  );
  const dataStart = align8(8 + h);
  const want = only ? new Set(only) : null;
  const columns: BlockColumn[] = [];
  for (const c of header.columns) {
    if (want && !want.has(c.name)) continue;
    if (c.storage === "text") {
      columns.push({ name: c.name, storage: "text", codes: new Uint32Array(buf, dataStart + c.offset, header.rows), dict: c.dict ?? [] });
    } else {
      columns.push({ name: c.name, storage: c.storage, values: new Float64Array(buf, dataStart + c.offset, header.rows) });
    }
  }
  return { rows: header.rows, firstRow: header.firstRow, columns };
}

/** The text of a text column at row i, or null. */
export function textAt(col: Extract<BlockColumn, { storage: "text" }>, i: number): string | null {
  const k = col.codes[i];
  return k === 0 ? null : col.dict[k - 1];
}
