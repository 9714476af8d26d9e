"""Independent numpy/scipy computation of the BG/NBD calibration/holdout test on CDNOW_sample (Fader, Hardie & Lee 2005
setting: calibration 1997-01-01..1997-09-30, holdout 1997-10-01..1998-06-30), in days, written without the TypeScript code.
Prints JSON: the MLE (days), mean predicted vs actual holdout repeat purchases by calibration frequency 0..7+, and the weekly
cumulative repeat transactions (week w ends on day 7w - 1 after 1997-01-01). Used for the expected values of
test/models/clv-holdout.test.ts. Run: python3 bench/peers/bgnbd_holdout.py /work/shared/datasets/cdnow/CDNOW_sample.txt"""
import json
import sys
from datetime import date

import numpy as np
from scipy.optimize import minimize
from scipy.special import hyp2f1

from bgnbd_ll import expected, negll

path = sys.argv[1]
origin = date(1997, 1, 1).toordinal()
cal_end = date(1997, 9, 30).toordinal() - origin
hold_end = date(1998, 6, 30).toordinal() - origin
days = {}
for line in open(path):
    f = line.split()
    if len(f) < 5:
        continue
    d = f[2]
    days.setdefault(f[1], set()).add(date(int(d[:4]), int(d[4:6]), int(d[6:])).toordinal() - origin)
x, tx, T, first, act = [], [], [], [], []
repeats_by_day = np.zeros(hold_end + 1)
for cid, ds in days.items():
    ds = sorted(ds)
    if ds[0] > cal_end:
        continue
    cal = [d for d in ds if d <= cal_end]
    x.append(len(cal) - 1)
    tx.append(cal[-1] - cal[0])
    T.append(cal_end - cal[0])
    first.append(ds[0])
    act.append(sum(1 for d in ds if cal_end < d <= hold_end))
    for d in ds[1:]:
        if d <= hold_end:
            repeats_by_day[d] += 1
x, tx, T, first, act = map(np.array, (x, tx, T, first, act))
x = x.astype(float)
w = np.ones_like(x)
res = minimize(negll, np.log([0.3, 30.0, 0.8, 2.5]), args=(x, tx, T, w), method="Nelder-Mead",
               options={"xatol": 1e-10, "fatol": 1e-10, "maxiter": 20000, "maxfev": 40000})
res = minimize(negll, res.x, args=(x, tx, T, w), method="BFGS", options={"gtol": 1e-9})
params = np.exp(res.x)
r, alpha, a, b = params
t_star = hold_end - cal_end
pred = expected(params, t_star, x, tx, T)
by = []
for k in range(8):
    m = (x == k) if k < 7 else (x >= 7)
    by.append({"frequency": k, "customers": int(m.sum()), "predicted": float(pred[m].mean()), "actual": float(act[m].mean())})


def e_new(t):
    t = np.asarray(t, dtype=float)
    return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, t / (alpha + t)))


weekly = []
weeks = int(np.ceil((hold_end + 1) / 7))
for wk in range(1, weeks + 1):
    end = min(7 * wk - 1, hold_end)
    el = end - first[first <= end]
    weekly.append({"week": wk, "predicted": float(e_new(el).sum()), "actual": float(repeats_by_day[: end + 1].sum())})
print(json.dumps({"params": list(map(float, params)), "logLik": float(-res.fun), "customers": int(len(x)),
                  "predictedTotal": float(pred.sum()), "actualTotal": int(act.sum()), "byFrequency": by, "weekly": weekly}))
