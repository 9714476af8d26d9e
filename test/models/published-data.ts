import { readFileSync } from "node:fs";
import Papa from "papaparse";

/** The shared public datasets (../shared/datasets, see its PROVENANCE.md). */
export const DATA = "/work/shared/datasets";

/** A CSV file as columns of strings by header. */
export function readCsv(path: string): Record<string, string[]> {
  const parsed = Papa.parse<string[]>(readFileSync(path, "utf8"), { skipEmptyLines: true });
  const [head, ...rows] = parsed.data;
  return Object.fromEntries(head.map((h, j) => [h, rows.map((r) => r[j])]));
}

export const num = (col: string[]) => col.map(Number);

/** UCLA admissions (binary.csv); rank as text makes it categorical: rank[T.2], rank[T.3], rank[T.4] against rank 1. */
export function ucla() {
  const c = readCsv(`${DATA}/ucla/binary.csv`);
  return { admit: num(c.admit), gre: num(c.gre), gpa: num(c.gpa), rank: c.rank };
}
