/**
 * A book whose surveys all fall in 2023 and whose renewals fall in 2024–2025, so an account's time-honest means are
 * the means its renewal was drawn from (the generator's logistic truth), plus `afterRenewal` responses per account
 * dated after its renewal that leak the outcome and must never be used.
 */
export const bookOptions = (seed: number, accounts: number) => ({
  accounts,
  seed,
  start: "2023-01-01",
  days: 365,
  renewalStart: "2024-01-01",
  renewalDays: 730,
  afterRenewal: 2,
});

/**
 * Printed by test/models/backtest_peer.py (pandas time-honest means + statsmodels 0.13.5 Logit, Newton, tol 1e-12) on
 * the book of bookOptions(5, 800), written by `node scripts/synthetic-book.mjs --accounts 800 --seed 5 --start 2023-01-01
 * --days 365 --renewal-start 2024-01-01 --renewal-days 730 --after-renewal 2 --out /tmp/btpeer`, then
 * `/usr/bin/python3 test/models/backtest_peer.py /tmp/btpeer 2025-01-01 2025-07-01 2026-01-01`; predictors nps, csat,
 * log_arr, segment.
 */
export const PEER_SPLITS = ["2025-01-01", "2025-07-01"];
export const PEER_END = "2026-01-01";
export const PEER = [
  {
    trainAccounts: 388,
    testAccounts: 193,
    predictedRenewals: 164.1754748671,
    predictedArr: 9065389.67749,
    actualRenewals: 150,
    actualArr: 8524763,
    baselineArr: 8302334.857143,
    betaNps: 0.6102207009,
  },
  {
    trainAccounts: 581,
    testAccounts: 181,
    predictedRenewals: 151.3678835632,
    predictedArr: 8477193.200297,
    actualRenewals: 156,
    actualArr: 9313322,
    baselineArr: 7438318.84058,
    betaNps: 0.4248896315,
  },
];
