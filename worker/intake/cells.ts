/**
 * Cell parsers for finance exports: money and numbers with thousands separators,
 * decimal commas, currency signs, accounting negatives and percentages; dates as
 * ISO, M/D/YYYY (or D/M/YYYY when the column says so), YYYYMMDD and Excel serials;
 * booleans in their many spellings. Each returns a value or a `CellError` message.
 */

/** A parse failure: the message names the value and what is expected. */
export class CellError {
  constructor(readonly message: string) {}
}

export interface NumberOptions {
  /** `;`-delimited (European) files: `,` is the decimal separator, `.` groups thousands. */
  decimalComma: boolean;
  /** Accept a trailing `%` and divide by 100. */
  percent?: boolean;
}

const CURRENCY = /^(?:[$€£¥₹₩₽]|USD|EUR|GBP|JPY|CHF|CAD|AUD|R\$|kr)\s*|\s*(?:[$€£¥₹₩₽]|USD|EUR|GBP|JPY|CHF|CAD|AUD|kr)$/i;
const SIMPLE = /^-?\d{1,15}(?:\.\d{1,15})?$/;
const PLAIN = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Parses a number as finance files write it.
 * @example parseNumber("$12,000.00", { decimalComma: false }) // => 12000
 * @example parseNumber("1.234,56", { decimalComma: true }) // => 1234.56
 * @example parseNumber("(1,200)", { decimalComma: false }) // => -1200
 * @example parseNumber("12%", { decimalComma: false, percent: true }) // => 0.12
 */
export function parseNumber(raw: string, opts: NumberOptions): number | CellError {
  // Fast path for plain numbers (most cells of a large file); a lone "." is a thousands
  // separator in `;` files, so those take the full path.
  if (SIMPLE.test(raw) && !(opts.decimalComma && raw.includes("."))) return Number(raw);
  let s = raw.trim().replace(/[\u00a0\u202f\u2009 ]/g, "");
  let signs = 0; // parentheses, a leading or a trailing minus: at most one
  if (/^\(.*\)$/.test(s)) {
    signs++;
    s = s.slice(1, -1).trim();
  }
  if (s.startsWith("-") || s.startsWith("−")) {
    signs++;
    s = s.slice(1).trim();
  } else if (s.startsWith("+")) s = s.slice(1).trim();
  s = s.replace(CURRENCY, "").trim();
  if (s.startsWith("-") || s.startsWith("−")) {
    signs++; // "$-12" and "-$12" both mean −12
    s = s.slice(1).trim();
  }
  if (s.endsWith("-")) {
    signs++; // SAP-style trailing minus "1,200-"
    s = s.slice(0, -1).trim();
  }
  if (signs > 1) return new CellError(`"${raw}" is not a number`);
  const negative = signs === 1;
  let scale = 1;
  if (s.endsWith("%")) {
    if (!opts.percent) return new CellError(`"${raw}" is a percentage; a plain number is expected here`);
    scale = 0.01;
    s = s.slice(0, -1).trim();
  }
  s = s.replace(/'/g, ""); // Swiss thousands 1'234.50
  const comma = s.lastIndexOf(",");
  const dot = s.lastIndexOf(".");
  if (comma >= 0 && dot >= 0) {
    // Both present: the later one is the decimal separator.
    s = comma > dot ? s.replace(/\./g, "").replace(",", ".") : s.replace(/,/g, "");
  } else if (comma >= 0) {
    const grouped = /^\d{1,3}(?:,\d{3})+$/.test(s);
    if (opts.decimalComma) {
      if ((s.match(/,/g) ?? []).length > 1) {
        if (!grouped) return new CellError(`"${raw}" is not a number`);
        s = s.replace(/,/g, "");
      } else s = s.replace(",", ".");
    } else s = grouped ? s.replace(/,/g, "") : s.replace(",", ".");
  } else if (dot >= 0 && opts.decimalComma && /^\d{1,3}(?:\.\d{3})+$/.test(s) && (s.match(/\./g) ?? []).length > 1) {
    s = s.replace(/\./g, ""); // 1.234.567 in a European file
  } else if (dot >= 0 && opts.decimalComma && /^\d{1,3}\.\d{3}$/.test(s)) {
    s = s.replace(".", ""); // 1.234 in a European file groups thousands
  }
  if (!PLAIN.test(s)) return new CellError(`"${raw}" is not a number`);
  const v = Number(s) * scale;
  if (!Number.isFinite(v)) return new CellError(`"${raw}" is too large to be a finite number`);
  return negative ? -v : v;
}

/** Booleans as finance and CRM exports spell them: neutral words (yes/no, 1/0) and words that say the outcome. */
const TRUE = new Set(["1", "yes", "y", "true", "t", "x"]);
const FALSE = new Set(["0", "no", "n", "false", "f"]);
const RENEWED_WORDS = new Set(["renewed", "renew", "retained", "active", "won", "closed won"]);
const CHURNED_WORDS = new Set([
  "churned",
  "churn",
  "lost",
  "closed lost",
  "cancelled",
  "canceled",
  "inactive",
  "not renewed",
  "did not renew",
]);

/**
 * A renewal outcome: 1 = renewed, 0 = did not renew. Words that say the outcome are read as they say; neutral
 * ones (yes/no, 1/0, true/false) answer the header's question, so under a churn header (`inverted`) Yes = churned = 0.
 * @example parseBool("Renewed") // => 1
 * @example parseBool("churned") // => 0
 * @example parseBool("Yes", true) // => 0 (header "Churned?")
 */
export function parseBool(raw: string, inverted = false): number | CellError {
  const s = raw.trim().toLowerCase();
  if (RENEWED_WORDS.has(s)) return 1;
  if (CHURNED_WORDS.has(s)) return 0;
  let v: number | null = null;
  if (TRUE.has(s) || s === "1.0") v = 1;
  else if (FALSE.has(s) || s === "0.0") v = 0;
  if (v === null) return new CellError(`"${raw}" is not one of 1/0, yes/no, true/false, renewed/churned`);
  return inverted ? 1 - v : v;
}

/** The two survey programmes (docs/methods.md#survey-type). */
export type SurveyType = "relationship" | "transactional";
export const SURVEY_TYPES: readonly SurveyType[] = ["relationship", "transactional"];

/** Spellings of each survey type, compared with case, spaces and punctuation removed. */
const SURVEY_TYPE_SPELLINGS: Record<string, SurveyType> = {
  relationship: "relationship",
  relational: "relationship",
  rel: "relationship",
  r: "relationship",
  rnps: "relationship",
  relationshipnps: "relationship",
  relationshipsurvey: "relationship",
  transactional: "transactional",
  transaction: "transactional",
  trans: "transactional",
  t: "transactional",
  tnps: "transactional",
  transactionalnps: "transactional",
  transactionalsurvey: "transactional",
};

/**
 * @example parseSurveyType("rNPS") // => "relationship"
 * @example parseSurveyType("Transactional") // => "transactional"
 */
export function parseSurveyType(raw: string): SurveyType | CellError {
  const k = raw.toLowerCase().replace(/[^a-z]/g, "");
  return (
    SURVEY_TYPE_SPELLINGS[k] ?? new CellError(`"${raw}" is not a survey type (use relationship or transactional; rNPS / tNPS are read too)`)
  );
}

/** Days since 1970-01-01 of a calendar date, or null if the date does not exist. */
export function civilDays(y: number, m: number, d: number): number | null {
  if (!(m >= 1 && m <= 12 && d >= 1 && y >= 1 && y <= 9999)) return null;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (d > (m === 2 && leap ? 29 : DAYS_IN_MONTH[m - 1])) return null; // 31/02
  if (y >= 100) return Date.UTC(y, m - 1, d) / 86400000;
  const t = new Date(0);
  t.setUTCFullYear(y, m - 1, d); // Date.UTC maps years 0-99 to 1900-1999
  return Math.round(t.getTime() / 86400000);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Excel's day 0 is 1899-12-30 (this absorbs the 1900 leap-year bug for serials ≥ 61). */
const EXCEL_EPOCH_DAYS = -25569;

/** Order of day and month in slash dates of a column: decided from its values. */
export type DateOrder = "mdy" | "dmy";

/**
 * Looks at a column's slash/dot dates and picks M/D/YYYY (the API default) or
 * D/M/YYYY (when some first number exceeds 12 and no second one does).
 */
export function detectDateOrder(values: Iterable<string>): DateOrder {
  let firstBig = false,
    secondBig = false,
    dots = false;
  for (const v of values) {
    const m = /^\s*(\d{1,2})([/.-])(\d{1,2})\2\d{2,4}/.exec(v);
    if (!m) continue;
    if (m[2] === ".") dots = true;
    if (Number(m[1]) > 12) firstBig = true;
    if (Number(m[3]) > 12) secondBig = true;
  }
  if (secondBig) return "mdy";
  return firstBig || dots ? "dmy" : "mdy";
}

/**
 * Parses a date to days since 1970-01-01 (UTC).
 * @example parseDate("2025-01-31", "mdy") // => 20119
 * @example parseDate("1/31/2025", "mdy") // => 20119
 * @example parseDate("45688", "mdy") // => 20119 (Excel serial)
 */
export function parseDate(raw: string, order: DateOrder): number | CellError {
  const s = raw.trim();
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(s);
  if (m) return orError(civilDays(+m[1], +m[2], +m[3]), raw);
  m = /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/.exec(s);
  if (m) return orError(civilDays(+m[1], +m[2], +m[3]), raw);
  m = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{2}|\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp][Mm])?)?$/.exec(s);
  if (m) {
    let y = +m[4];
    if (m[4].length === 2) y += y < 70 ? 2000 : 1900;
    const [mo, d] = order === "dmy" ? [+m[3], +m[1]] : [+m[1], +m[3]];
    return orError(civilDays(y, mo, d), raw);
  }
  m = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (m && +m[1] >= 1900) return orError(civilDays(+m[1], +m[2], +m[3]), raw);
  if (/^\d+(?:\.\d+)?$/.test(s)) {
    const serial = Number(s);
    // Excel serials 1 (1900-01-01) .. 2958465 (9999-12-31); the time of day is dropped.
    if (serial >= 1 && serial <= 2958465) return Math.floor(serial) + EXCEL_EPOCH_DAYS;
  }
  return new CellError(`"${raw}" is not a date (use YYYY-MM-DD, M/D/YYYY or an Excel date)`);
}

function orError(days: number | null, raw: string): number | CellError {
  return days === null ? new CellError(`"${raw}" is not a real calendar date`) : days;
}

/** ISO YYYY-MM-DD of days since 1970-01-01. */
export function isoDate(days: number): string {
  return new Date(days * 86400000).toISOString().slice(0, 10);
}
