import type { BacktestGroup, BacktestResult, BacktestSplit } from "../../models/regression/backtest";
import { csvCell } from "./csv";

/** A stored back-test's body (docs/api.md#back-tests). */
export type BacktestBody = BacktestResult & { id: string; createdAt: string };

/** CSV columns of the back-test export; money = renewed ARR in the split's window, undiscounted. */
export const BACKTEST_CSV_HEADER = [
  "backtest_id",
  "split",
  "window_from",
  "window_to_exclusive",
  "group",
  "train_accounts",
  "test_accounts",
  "no_earlier_response_test",
  "predicted_renewals",
  "predicted_renewals_lo",
  "predicted_renewals_hi",
  "actual_renewals",
  "predicted_renewed_arr",
  "predicted_renewed_arr_lo",
  "predicted_renewed_arr_hi",
  "actual_renewed_arr",
  "baseline_rate",
  "baseline_renewed_arr",
  "model_error_arr",
  "baseline_error_arr",
  "auc",
  "warnings",
];

/**
 * The back-test as CSV (CRLF): one row per split for all later accounts, then one per segment. Text cells are
 * neutralised by csvCell (a leading = + - @ gets a single quote).
 */
export function backtestCsv(b: BacktestBody): string {
  const lines = [BACKTEST_CSV_HEADER.map(csvCell).join(",")];
  const row = (s: BacktestSplit, group: string, g: BacktestGroup, whole: boolean) =>
    [
      b.id,
      s.split,
      s.testWindow.from,
      s.testWindow.to,
      group,
      whole ? s.trainAccounts : null,
      g.testAccounts,
      whole ? s.noEarlierResponse.test : null,
      g.predictedRenewals,
      g.predictedRenewalsCi95?.[0] ?? null,
      g.predictedRenewalsCi95?.[1] ?? null,
      g.actualRenewals,
      g.predictedArr,
      g.predictedArrCi95?.[0] ?? null,
      g.predictedArrCi95?.[1] ?? null,
      g.actualArr,
      s.baselineRate,
      g.baselineArr,
      g.predictedArr === null ? null : g.predictedArr - g.actualArr,
      g.baselineArr === null ? null : g.baselineArr - g.actualArr,
      whole ? s.auc : null,
      whole ? s.warnings.map((w) => w.code).join("; ") : null,
    ]
      .map(csvCell)
      .join(",");
  for (const s of b.splits) {
    lines.push(row(s, "all", s, true));
    for (const g of s.segments) lines.push(row(s, g.segment, g, false));
  }
  return lines.join("\r\n") + "\r\n";
}
