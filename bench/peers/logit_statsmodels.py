"""Peer for `npm run bench`: statsmodels Logit (Newton) with standard errors on the bench's generated data
(one warm-up, best of three; bench/peers/timing.py)."""
import json, sys
import numpy as np
import statsmodels.api as sm
from timing import best_of

d, n, p = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
X = np.fromfile(f"{d}/logit_X.f64", dtype="<f8").reshape(n, p)
y = np.fromfile(f"{d}/logit_y.f64", dtype="<f8")


def fit():
    res = sm.Logit(y, X).fit(method="newton", disp=0, tol=1e-10, maxiter=100)
    return res, np.asarray(res.bse)


(res, bse), cpu, wall = best_of(fit)
print(json.dumps({"seconds": cpu, "wall": wall, "params": list(map(float, res.params)), "bse": list(map(float, bse)), "llf": float(res.llf)}))
