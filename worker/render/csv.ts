/**
 * CSV writing for exports: RFC 4180 quoting, and text cells that a spreadsheet
 * would run as a formula (starting with = + - @, their full-width forms ＝ ＋ － ＠, which
 * spreadsheets with East Asian input read as the same operators, or tab / carriage return)
 * neutralised with a leading single quote (OWASP "CSV injection").
 * Numbers we format ourselves are written as numbers.
 */
export function csvCell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "";
  let s = v;
  if (/^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A CSV document (CRLF line ends, as Excel writes them). */
export function toCsv(header: string[], rows: (string | number | null)[][]): string {
  const lines = [header.map(csvCell).join(",")];
  for (const r of rows) lines.push(r.map(csvCell).join(","));
  return lines.join("\r\n") + "\r\n";
}
