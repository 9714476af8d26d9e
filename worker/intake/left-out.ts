import { CellError, parseNumber } from "./cells";

/**
 * Rows of a spreadsheet export that are not data: totals and subtotals, and notes under the table.
 * They are listed (`skippedRows: [{row, reason}]`) and left out of the stored dataset, never stored silently.
 */

export interface SkippedRow {
  /** File row (header = 1; Excel's row number for xlsx). */
  row: number;
  reason: string;
  /** The row's non-blank cells, for the user to recognise it. */
  text: string;
}

/** At most this many left-out rows are listed (all are counted in the warning). */
export const MAX_SKIPPED_LISTED = 200;

/** A label that starts a totals row: "Total", "Totals", "Grand total", "Subtotal", "Sum" (and common non-English forms). */
const TOTAL_WORD = /^(?:grand[\s-]*total|sub[\s-]*total|totals?|sum|summe|gesamt(?:summe)?|total g[ée]n[ée]ral)\b/i;
/** The label alone, maybe with a colon or a period after it ("Total", "TOTAL:", "Grand Total 2024"). */
const TOTAL_ONLY =
  /^(?:grand[\s-]*total|sub[\s-]*total|totals?|sum|summe|gesamt(?:summe)?|total g[ée]n[ée]ral)\s*[:.]?\s*(?:\d{4}|q[1-4](?:\s*\d{4})?)?$/i;

export const isTotalLabel = (s: string) => TOTAL_WORD.test(s.trim());

/** Text of a row for the listing: its non-blank cells joined, at most 120 characters. */
export const rowText = (cells: string[]) =>
  cells
    .map((c) => c.trim())
    .filter(Boolean)
    .join(" · ")
    .slice(0, 120);

/**
 * A note under (or inside) the table: one non-blank cell of prose ("Source: CRM export 2025-03-31", "* ARR in USD")
 * in a table of several columns.
 */
export function isNoteRow(cells: string[], width: number): boolean {
  if (width < 2) return false;
  const filled = cells.filter((c) => c.trim() !== "");
  if (filled.length !== 1) return false;
  const s = filled[0].trim();
  return /[A-Za-z]/.test(s) && (/\s/.test(s) || /^[^A-Za-z0-9]/.test(s)) && !/^-?[\d.,\s$€£%]+$/.test(s);
}

/**
 * Tracks the money column to recognise totals rows: the sum of the rows kept so far, and since the last subtotal.
 */
export class TotalsDetector {
  private sumAll = 0;
  private sumSince = 0;
  private kept = 0;
  private keptSince = 0;

  constructor(
    private readonly idIndex: number,
    private readonly moneyIndex: number | null,
    private readonly decimalComma: boolean,
  ) {}

  private money(cells: string[]): number | null {
    if (this.moneyIndex === null) return null;
    const s = (cells[this.moneyIndex] ?? "").trim();
    if (!s) return null;
    const v = parseNumber(s, { decimalComma: this.decimalComma });
    return v instanceof CellError ? null : v;
  }

  /** Why this row is a totals row, or null when it is data. */
  check(cells: string[]): string | null {
    const id = (cells[this.idIndex] ?? "").trim();
    const labelled = cells.some((c) => isTotalLabel(c));
    const m = this.money(cells);
    const equals = (sum: number, n: number) => m !== null && n >= 2 && Math.abs(m - sum) < 0.005 * Math.max(1, Math.abs(sum) / 1e6) + 0.005;
    const sumsAbove = equals(this.sumAll, this.kept)
      ? "all rows above"
      : equals(this.sumSince, this.keptSince)
        ? "the rows since the last subtotal"
        : null;
    if (TOTAL_ONLY.test(id)) return `a totals row (id "${id}")`;
    if ((id === "" || labelled || isTotalLabel(id)) && sumsAbove) return `a totals row (its amount ${m} is the sum of ${sumsAbove})`;
    if (id === "" && labelled) return `a totals row (labelled "${rowText(cells.filter((c) => isTotalLabel(c)))}")`;
    return null;
  }

  /** A row that was kept as data. */
  keep(cells: string[]): void {
    const m = this.money(cells);
    this.kept++;
    this.keptSince++;
    if (m !== null) {
      this.sumAll += m;
      this.sumSince += m;
    }
  }

  /** A totals row was left out: subtotals start again after it. */
  reset(): void {
    this.sumSince = 0;
    this.keptSince = 0;
  }
}
