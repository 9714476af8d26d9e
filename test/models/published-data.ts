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

/**
 * admit ~ gre + gpa + C(rank) on the UCLA data: UCLA IDRE "Logit regression | R data analysis examples" (glm output;
 * the same in statsmodels), also in PROVENANCE.md. Terms: Intercept, gre, gpa, rank[T.2], rank[T.3], rank[T.4].
 */
export const UCLA_LOGIT = {
  terms: ["Intercept", "gre", "gpa", "rank[T.2]", "rank[T.3]", "rank[T.4]"],
  estimates: [-3.989979, 0.002264, 0.804038, -0.675443, -1.340204, -1.551464],
  stdErrors: [1.139951, 0.001094, 0.331819, 0.31649, 0.345306, 0.417832],
};
