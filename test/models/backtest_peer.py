"""Independent peer of the back-test (models/regression/backtest.ts) for test/models/backtest.test.ts.

Reads a book written by scripts/synthetic-book.mjs, builds the time-honest features with pandas (an account's
responses dated strictly before min(its renewal date, the split); docs/methods.md#time-honest-features), fits
statsmodels' Logit on the accounts renewing before each split and applies it to those renewing in the split's
window, and prints the numbers the test asserts.

  node scripts/synthetic-book.mjs --accounts 800 --seed 5 --start 2023-01-01 --days 365 \
      --renewal-start 2024-01-01 --renewal-days 730 --after-renewal 2 --out /tmp/btpeer
  /usr/bin/python3 test/models/backtest_peer.py /tmp/btpeer 2025-01-01 2025-07-01 2026-01-01
"""
import sys

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf

folder, *dates = sys.argv[1:]
splits, end = [pd.Timestamp(d) for d in dates[:-1]], pd.Timestamp(dates[-1])
acc = pd.read_csv(f"{folder}/accounts.csv", parse_dates=["renewal_date"])
resp = pd.read_csv(f"{folder}/responses.csv", parse_dates=["date"])
acc["log_arr"] = np.log(acc["arr"])
for k, split in enumerate(splits):
    to = splits[k + 1] if k + 1 < len(splits) else end
    r = resp.merge(acc[["account_id", "renewal_date"]], on="account_id", how="inner")
    own_cutoff = r["renewal_date"].where(r["renewal_date"] < split, split)
    means = r[r["date"] < own_cutoff].groupby("account_id")[["nps", "csat", "ces"]].mean()
    a = acc.drop(columns=[c for c in ("nps", "csat", "ces") if c in acc]).merge(means, on="account_id", how="left")
    train = a[a["renewal_date"] < split].dropna(subset=["nps", "csat", "log_arr", "segment", "renewed"])
    test = a[(a["renewal_date"] >= split) & (a["renewal_date"] < to)].dropna(subset=["nps", "csat", "log_arr", "segment", "renewed"])
    fit = smf.logit("renewed ~ nps + csat + log_arr + C(segment)", data=train).fit(method="newton", tol=1e-12, maxiter=100, disp=0)
    p = fit.predict(test)
    length = to - split
    base = a[(a["renewal_date"] >= split - length) & (a["renewal_date"] < split)]
    rate = base["renewed"].mean()
    print(
        f"split {split.date()}: trainAccounts={len(train)} testAccounts={len(test)} "
        f"predictedRenewals={p.sum():.10f} predictedArr={(p * test['arr']).sum():.6f} "
        f"actualRenewals={int(test['renewed'].sum())} actualArr={int((test['renewed'] * test['arr']).sum())} "
        f"baselineRate={rate:.12f} baselineArr={rate * test['arr'].sum():.6f} "
        f"beta_nps={fit.params['nps']:.10f}"
    )
