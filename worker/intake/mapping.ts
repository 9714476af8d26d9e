import type { DatasetKind } from "../data/datasets";
import { ApiError, type ErrorDetail } from "../errors";
import { type CanonicalColumn, KINDS, normalizeHeader, snakeName } from "./schema";

/** Where each column of the stored dataset comes from in the file. */
export interface MappedColumn {
  /** Stored name: canonical, or snake_case of the header for extra columns. */
  name: string;
  /** Index of the header in the file. */
  index: number;
  /** The header as written in the file. */
  source: string;
  /** The canonical definition, or null for an extra column. */
  canonical: CanonicalColumn | null;
  /** The header names the opposite of the canonical 0/1 column (churn for renewed): values are stored inverted. */
  inverted?: boolean;
}

/**
 * Parses the `mapping` query parameter: JSON `{"canonical_name": "Header In File"}`.
 * @throws ApiError 400 when it is not a JSON object of strings
 */
export function parseMappingParam(raw: string | undefined): Record<string, string> {
  if (!raw) return {};
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw new ApiError(400, "invalid_mapping", 'mapping must be a JSON object such as {"account_id": "Customer ID"}.', [
      { column: "mapping", message: "not valid JSON" },
    ]);
  }
  if (!v || typeof v !== "object" || Array.isArray(v) || Object.values(v).some((x) => typeof x !== "string")) {
    throw new ApiError(400, "invalid_mapping", 'mapping must be a JSON object of strings such as {"account_id": "Customer ID"}.', [
      { column: "mapping", message: "not an object of strings" },
    ]);
  }
  return v as Record<string, string>;
}

/**
 * Maps the file's headers to canonical columns: the explicit mapping first, then an
 * exact (case-insensitive) canonical name, then the synonyms in order. Headers left
 * over are kept as extra columns, each with a warning.
 * @throws ApiError 422 invalid_mapping (a mapping to a header the file lacks, or to an
 *   unknown canonical name), 422 invalid_file (duplicate or missing required headers)
 */
export function mapHeaders(
  kind: DatasetKind,
  headers: string[],
  explicit: Record<string, string>,
): { columns: MappedColumn[]; warnings: string[] } {
  const canon = KINDS[kind];
  const norm = headers.map(normalizeHeader);
  const warnings: string[] = [];
  const details: ErrorDetail[] = [];

  const seen = new Map<string, number>();
  norm.forEach((h, i) => {
    if (h === "") return;
    if (seen.has(h)) {
      details.push({ row: 1, column: headers[i], message: `duplicate header: "${headers[i]}" also appears as column ${seen.get(h)! + 1}` });
    } else seen.set(h, i);
  });
  if (details.length)
    throw new ApiError(422, "invalid_file", "The header row has duplicate column names; rename them and upload again.", details);

  const used = new Set<number>();
  const byName = new Map<string, number>();
  const inverted = new Set<string>();
  for (const [given, header] of Object.entries(explicit)) {
    // A mapping may name the opposite of a 0/1 column ({"churned": "Status"}): stored as its canonical, inverted.
    const opp = canon.find((c) => c.opposite?.name === given);
    const canonName = opp ? opp.name : given;
    if (opp) inverted.add(opp.name);
    if (!canon.some((c) => c.name === canonName)) {
      details.push({
        column: canonName,
        message: `"${canonName}" is not a column of ${kind} (use one of ${canon.flatMap((c) => (c.opposite ? [c.name, c.opposite.name] : [c.name])).join(", ")})`,
      });
      continue;
    }
    const i = norm.indexOf(normalizeHeader(header));
    if (i < 0) {
      details.push({
        row: 1,
        column: header,
        message: `mapping names header "${header}" for ${canonName}, but the file has no such header`,
      });
      continue;
    }
    byName.set(canonName, i);
    used.add(i);
  }
  if (details.length) {
    throw new ApiError(422, "invalid_mapping", `The mapping does not fit this file: ${details.map((d) => d.message).join("; ")}.`, details);
  }
  for (const c of canon) {
    if (byName.has(c.name)) continue;
    const candidates = [normalizeHeader(c.name), ...c.synonyms.map(normalizeHeader)];
    let found = false;
    for (const cand of candidates) {
      const i = norm.findIndex((h, j) => h === cand && !used.has(j));
      if (i >= 0) {
        byName.set(c.name, i);
        used.add(i);
        found = true;
        break;
      }
    }
    if (found || !c.opposite) continue;
    for (const cand of [c.opposite.name, ...c.opposite.synonyms].map(normalizeHeader)) {
      const i = norm.findIndex((h, j) => h === cand && !used.has(j));
      if (i >= 0) {
        byName.set(c.name, i);
        used.add(i);
        inverted.add(c.name);
        break;
      }
    }
  }

  for (const c of canon) {
    if (c.required && !byName.has(c.name)) {
      details.push({
        row: 1,
        column: c.name,
        message: `required column ${c.name} is missing; rename a header or pass mapping (the file's headers are in error.headers)`,
      });
    }
  }
  if (kind === "responses" && !["nps", "csat", "ces"].some((n) => byName.has(n))) {
    details.push({ row: 1, column: "nps", message: "a responses file needs at least one of the columns nps, csat, ces" });
  }
  // The header row goes with the error, so that a client (the UI's mapping card) can offer a mapping for an xlsx
  // file too, whose headers it cannot read itself.
  if (details.length)
    throw new ApiError(
      422,
      "invalid_file",
      `The file lacks required columns: ${details.map((d) => d.column).join(", ")}. Headers found: ${headers
        .slice(0, 50)
        .map((h) => `"${h.slice(0, 100)}"`)
        .join(", ")}${headers.length > 50 ? `, … (${headers.length} in all)` : ""}.`,
      details,
      {
        headers,
      },
    );

  const columns: MappedColumn[] = canon
    .filter((c) => byName.has(c.name))
    .map((c) => ({
      name: c.name,
      index: byName.get(c.name)!,
      source: headers[byName.get(c.name)!],
      canonical: c,
      ...(inverted.has(c.name) ? { inverted: true } : {}),
    }));
  const names = new Set(columns.map((c) => c.name));
  headers.forEach((h, i) => {
    if (used.has(i)) return;
    if (norm[i] === "") {
      warnings.push(`column ${i + 1} has no header; it was ignored`);
      return;
    }
    let name = snakeName(h);
    for (let k = 2; names.has(name); k++) name = `${snakeName(h)}_${k}`;
    names.add(name);
    columns.push({ name, index: i, source: h, canonical: null });
    warnings.push(`"${h}" is not a standard ${kind} column; kept as extra column ${name}`);
  });
  return { columns, warnings };
}
