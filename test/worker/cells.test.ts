import { describe, expect, it } from "vitest";
import { CellError, detectDateOrder, parseBool, parseDate, parseNumber } from "../../worker/intake/cells";
import { mapHeaders } from "../../worker/intake/mapping";

const us = { decimalComma: false };
const eu = { decimalComma: true };
const day = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d) / 86400000; // independent: the JS calendar

describe("cell parsers (expected values written by hand)", () => {
  it("reads money and numbers as finance exports write them", () => {
    const cases: [string, typeof us, number][] = [
      ["$12,000.00", us, 12000],
      ["12000", us, 12000],
      ["12,000", us, 12000],
      ["1,234,567.5", us, 1234567.5],
      ["(1,200)", us, -1200],
      ["-$12.50", us, -12.5],
      ["$-12.50", us, -12.5],
      ["USD 1,000", us, 1000],
      ["1 000 000", us, 1e6],
      ["1.234,56", eu, 1234.56],
      ["1234,56", eu, 1234.56],
      ["1.234.567", eu, 1234567],
      ["1.234", eu, 1234],
      ["12,5", eu, 12.5],
      ["€ 1.200,00", eu, 1200],
      ["(1.200,00)", eu, -1200],
      ["0.5", eu, 0.5],
      ["1'234.50", us, 1234.5],
      ["1,200-", us, -1200],
      [".5", us, 0.5],
      ["1e3", us, 1000],
    ];
    for (const [raw, opts, want] of cases) expect(parseNumber(raw, opts), raw).toBe(want);
    expect(parseNumber("12%", { decimalComma: false, percent: true })).toBeCloseTo(0.12, 15);
    expect(parseNumber("-5%", { decimalComma: false, percent: true })).toBeCloseTo(-0.05, 15);
    for (const bad of ["twelve", "12.000.00.1", "1e309", "NaN", "Infinity", "$", "--5", "1,2,3,4"]) {
      expect(parseNumber(bad, us), bad).toBeInstanceOf(CellError);
    }
    expect(parseNumber("12%", us)).toBeInstanceOf(CellError); // a percentage where money is expected
  });

  it("reads ISO, M/D/YYYY, D/M/YYYY, YYYYMMDD and Excel serial dates, and refuses impossible ones", () => {
    expect(parseDate("2025-01-31", "mdy")).toBe(day(2025, 1, 31));
    expect(parseDate("2025-01-31T13:45:00Z", "mdy")).toBe(day(2025, 1, 31));
    expect(parseDate("2025-01-31 13:45", "mdy")).toBe(day(2025, 1, 31));
    expect(parseDate("1/31/2025", "mdy")).toBe(day(2025, 1, 31));
    expect(parseDate("31/1/2025", "dmy")).toBe(day(2025, 1, 31));
    expect(parseDate("31.01.2025", "dmy")).toBe(day(2025, 1, 31));
    expect(parseDate("1/31/25", "mdy")).toBe(day(2025, 1, 31));
    expect(parseDate("20250131", "mdy")).toBe(day(2025, 1, 31));
    expect(parseDate("45688", "mdy")).toBe(day(2025, 1, 31)); // Excel: serial 45688 is 2025-01-31
    expect(parseDate("61", "mdy")).toBe(day(1900, 3, 1)); // Excel serial 61 = 1900-03-01 (after the fake 1900-02-29)
    expect(parseDate("2024-02-29", "mdy")).toBe(day(2024, 2, 29));
    for (const bad of ["2025-02-30", "2023-02-29", "31/02/2025", "13/13/2025", "yesterday", "2025-13-01", "0"]) {
      expect(parseDate(bad, bad.includes("/") ? "dmy" : "mdy"), bad).toBeInstanceOf(CellError);
    }
    expect(detectDateOrder(["1/2/2025", "12/31/2025"])).toBe("mdy");
    expect(detectDateOrder(["1/2/2025", "31/12/2025"])).toBe("dmy");
    expect(detectDateOrder(["1/2/2025"])).toBe("mdy"); // the default (docs/api.md#datasets)
  });

  it("reads booleans in their many spellings", () => {
    for (const t of ["1", "yes", "Y", "TRUE", "Renewed", "retained"]) expect(parseBool(t), t).toBe(1);
    for (const f of ["0", "no", "N", "false", "Churned", "cancelled"]) expect(parseBool(f), f).toBe(0);
    expect(parseBool("maybe")).toBeInstanceOf(CellError);
  });

  it("maps headers by synonym, case-insensitively, and keeps the rest as extra columns", () => {
    const { columns, warnings } = mapHeaders("accounts", ["Customer ID", "Annual Revenue", "RENEWED?", "Tier", "Monthly Charge ($)"], {});
    expect(columns.map((c) => [c.name, c.source])).toEqual([
      ["account_id", "Customer ID"],
      ["arr", "Annual Revenue"],
      ["renewed", "RENEWED?"],
      ["segment", "Tier"],
      ["monthly_charge", "Monthly Charge ($)"],
    ]);
    expect(warnings).toHaveLength(1);
    const r = mapHeaders("responses", ["Account", "Likelihood to recommend", "Journey Stage", "Survey Date"], {});
    expect(r.columns.map((c) => c.name)).toEqual(["account_id", "date", "nps", "touchpoint"]);
    // The exact canonical name wins over a synonym; the explicit mapping over both.
    const m = mapHeaders("accounts", ["id", "account_id", "arr"], { account_id: "id" });
    expect(m.columns.find((c) => c.name === "account_id")?.source).toBe("id");
  });
});
