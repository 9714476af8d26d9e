import type { ClvRun } from "../linking/clv-run";
import { csvCell } from "./csv";

/** Header of GET .../export/clv.csv: times in days, money in the data's currency rounded to cents. */
export const CLV_CSV_HEADER = [
  "customer_id",
  "frequency",
  "recency_days",
  "T_days",
  "monetary",
  "p_alive",
  "expected_purchases",
  "expected_avg_value",
  "clv",
  "clv_ci95_low",
  "clv_ci95_high",
];

/** Money to cents (NaN stays NaN, so the cell is empty). @example cents(12.345) // => 12.35 */
export const cents = (v: number) => (Number.isFinite(v) ? Math.round(v * 100) / 100 : v);

/**
 * Every customer row of a CLV run as a CSV stream (CRLF line ends, cells as `csvCell`), produced a
 * few thousand rows per chunk, so the export of a million customers is never one string.
 */
export function clvCsvStream(r: ClvRun, rowsPerChunk = 4096): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  const n = r.customer.length;
  const v = r.values;
  const iv = r.intervals;
  let next = -1;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (next < 0) {
        controller.enqueue(enc.encode(CLV_CSV_HEADER.map(csvCell).join(",") + "\r\n"));
        next = 0;
        return;
      }
      if (next >= n) {
        controller.close();
        return;
      }
      const stop = Math.min(n, next + rowsPerChunk);
      let s = "";
      for (let j = next; j < stop; j++) {
        const ci = iv?.customerCi95At(j);
        s +=
          [
            r.ids.name(r.customer[j]),
            r.frequency[j],
            r.recency[j],
            r.T[j],
            cents(r.monetary[j]),
            v.pAliveAt(j),
            v.expectedPurchasesAt(j),
            cents(v.expectedAvgValueAt(j)),
            cents(v.clv[j]),
            ci ? cents(ci[0]) : NaN,
            ci ? cents(ci[1]) : NaN,
          ]
            .map(csvCell)
            .join(",") + "\r\n";
      }
      next = stop;
      controller.enqueue(enc.encode(s));
    },
  });
}
