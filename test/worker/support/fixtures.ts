/// <reference types="vite/client" />
import manifestDoc from "../../fixtures/bad/manifest.json";
import { dataUrlBytes } from "./api";

/** One bad upload of test/fixtures/bad/manifest.json (written by test/fixtures/make-fixtures.mjs). */
export interface BadCase {
  file: string;
  why: string;
  kind: string | null;
  query: Record<string, string>;
  contentType: string;
  body: "raw" | "multipart" | "multipart-wrong-field";
  expect: {
    status: number;
    code: string;
    cells?: { row?: number; column?: string }[];
    orCells?: { status: number; code: string; cells?: { row?: number; column?: string }[] };
    generate?: { kind: "single-line" | "data-line"; bytes: number };
  };
}

export const badCases = (manifestDoc as unknown as { files: BadCase[] }).files;

// Vite inlines each fixture as a base64 data URL, so binary files survive the trip into workerd.
const badFiles = import.meta.glob("../../fixtures/bad/*.{csv,xlsx}", { query: "?url&inline", import: "default", eager: true }) as Record<
  string,
  string
>;
const goodFiles = import.meta.glob("../../fixtures/good/*.{csv,xlsx}", { query: "?url&inline", import: "default", eager: true }) as Record<
  string,
  string
>;

/** The bytes of a bad fixture (the 60 MB line is generated: see `generated`). */
export function badBytes(c: BadCase): Uint8Array {
  if (c.expect.generate) return generated(c.expect.generate);
  const url = badFiles[`../../fixtures/bad/${c.file}`];
  if (!url) throw new Error(`fixture missing: ${c.file} (run node test/fixtures/make-fixtures.mjs)`);
  return dataUrlBytes(url);
}

export function goodBytes(name: string): Uint8Array {
  const url = goodFiles[`../../fixtures/good/${name}`];
  if (!url) throw new Error(`good fixture missing: ${name}`);
  return dataUrlBytes(url);
}

/**
 * `bytes` bytes, no final newline. single-line: three headers, then one giant fourth
 * header cell. data-line: a header, then a row whose segment cell is giant.
 */
function generated(g: { kind: "single-line" | "data-line"; bytes: number }): Uint8Array {
  const head = new TextEncoder().encode(g.kind === "single-line" ? "account_id,arr,renewed," : "account_id,arr,renewed,segment\nA1,100,1,");
  const out = new Uint8Array(g.bytes);
  out.set(head);
  out.fill(0x53 /* S */, head.length);
  return out;
}
