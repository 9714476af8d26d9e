import type { Block } from "../data/blocks";
import type { DatasetColumn, DatasetKind } from "../data/datasets";
import { parseCsv } from "./csv";
import { decodeText, sniffFormat } from "./decode";
import { type TableLimits, TableIntake } from "./table";
import { parseXlsx } from "./xlsx";

export interface IntakeRequest {
  kind: DatasetKind;
  bytes: Uint8Array;
  mapping: Record<string, string>;
  /** xlsx sheet name or 1-based number. */
  sheet?: string;
  csatScale: number;
  limits: TableLimits;
}

export interface IntakeResult {
  rows: number;
  columns: DatasetColumn[];
  warnings: string[];
  blocks: Block[];
  format: "csv" | "xlsx";
  /** CSV delimiter, or the xlsx sheet read. */
  delimiter?: string;
  sheet?: string;
  preview: { headers: string[]; rows: string[][] };
}

/**
 * Parses and validates an upload into columnar blocks (nothing is stored here).
 * CSV `;` files read decimal commas (`1.234,56`); xlsx cells are already plain numbers.
 * @throws ApiError 422 (invalid_file, invalid_mapping, too_many_rows, too_many_columns,
 *   cell_too_long) or 413 too_large for an xlsx part that unpacks too big
 */
export function runIntake(req: IntakeRequest): IntakeResult {
  const format = sniffFormat(req.bytes);
  const warnings: string[] = [];
  if (format === "xlsx") {
    const table = new TableIntake({ kind: req.kind, mapping: req.mapping, csatScale: req.csatScale, decimalComma: false, limits: req.limits });
    const { sheet } = parseXlsx(req.bytes, req.sheet, table, req.limits.maxColumns);
    const out = table.finish();
    return { rows: table.rows, columns: out.columns, warnings: [...warnings, ...out.warnings], blocks: table.blocks, format, sheet, preview: { headers: table.headers, rows: table.preview } };
  }
  const text = decodeText(req.bytes, warnings);
  // The delimiter decides the number format (`;` files use decimal commas), so pick it first.
  const firstLine = text.slice(0, Math.max(0, text.search(/\r\n|\n|\r|$/)));
  const delimiter = guessDelimiter(firstLine);
  const table = new TableIntake({ kind: req.kind, mapping: req.mapping, csatScale: req.csatScale, decimalComma: delimiter === ";", limits: req.limits });
  parseCsv(text, table, delimiter);
  return finishCsv(table, warnings, delimiter);
}

function finishCsv(table: TableIntake, warnings: string[], delimiter: string): IntakeResult {
  const out = table.finish();
  return {
    rows: table.rows,
    columns: out.columns,
    warnings: [...warnings, ...out.warnings],
    blocks: table.blocks,
    format: "csv",
    delimiter,
    preview: { headers: table.headers, rows: table.preview },
  };
}

/** The most frequent of `,` `;` tab `|` outside quotes in the header line (`,` on a tie or none). */
export function guessDelimiter(line: string): string {
  const counts: Record<string, number> = { ",": 0, ";": 0, "\t": 0, "|": 0 };
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch in counts) counts[ch]++;
  }
  let best = ",";
  for (const d of [";", "\t", "|"]) if (counts[d] > counts[best]) best = d;
  return best;
}
