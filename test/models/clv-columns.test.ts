/**
 * clvColumns (models/clv/transactions-clv.ts) computes each customer's expected purchases once per distinct (x, T) and
 * scales by P(alive). The independent computation here is discountedClv, which calls bgnbdExpectedPurchases for
 * each month of each customer and is itself checked against scipy in test/models/clv.test.ts.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { bgnbdPAlive } from "../../models/clv/bgnbd";
import { clvColumns, clvTable, discountedClv } from "../../models/clv/transactions-clv";

const CDNOW = "/work/shared/datasets/cdnow";
// cdnow_customers_summary_with_transactions.csv: ID, x, t_x, T (weeks), zbar (PROVENANCE.md "cdnow").
const rows = readFileSync(`${CDNOW}/cdnow_customers_summary_with_transactions.csv`, "utf8")
  .trim()
  .split(/\r?\n/)
  .slice(1)
  .map((l) => l.split(",").map(Number));
const s = {
  customerId: rows.map((r) => String(r[0])),
  frequency: rows.map((r) => r[1]),
  recency: rows.map((r) => r[2]),
  T: rows.map((r) => r[3]),
  monetary: rows.map((r) => r[4]),
};
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1e-300, Math.abs(b));

describe("clvColumns", () => {
  for (const opts of [
    { horizonMonths: 12, annualDiscountRate: 0.1, margin: 0.3, daysPerTimeUnit: 7 },
    { horizonMonths: 36, annualDiscountRate: 0.05, margin: 1, daysPerTimeUnit: 7 },
  ]) {
    it(`equals discountedClv customer by customer (${opts.horizonMonths} months, weeks)`, () => {
      const c = clvColumns(s, opts);
      let worst = 0;
      let sumClv = 0;
      for (let j = 0; j < rows.length; j++) {
        const x = s.frequency[j],
          tx = s.recency[j],
          T = s.T[j],
          m = s.monetary[j];
        const ref = discountedClv(c.bgnbd, c.gammaGamma, x, tx, T, m, opts);
        worst = Math.max(
          worst,
          rel(c.clv[j], ref.clv),
          rel(c.expectedPurchasesAt(j), ref.expectedPurchases),
          rel(c.expectedAvgValueAt(j), ref.expectedAvgValue),
          rel(c.pAliveAt(j), bgnbdPAlive(c.bgnbd, x, tx, T)),
        );
        sumClv += ref.clv;
      }
      expect(worst).toBeLessThan(1e-12);
      expect(rel(c.totals.clv, sumClv)).toBeLessThan(1e-12);
      expect(c.totals.customers).toBe(2357); // PROVENANCE.md: 2,357 customers
    });
  }

  it("clvTable lists the same values as objects (null for non-finite)", () => {
    const opts = { horizonMonths: 12, annualDiscountRate: 0.1, margin: 0.3, daysPerTimeUnit: 7 };
    const c = clvColumns(s, opts);
    const t = clvTable(s, opts);
    expect(t.customers.map((x) => x.clv)).toEqual(Array.from(c.clv, (v) => (Number.isFinite(v) ? v : null)));
    expect(t.totals).toEqual(c.totals);
  });
});
