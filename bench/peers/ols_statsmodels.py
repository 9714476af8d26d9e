"""Peer for `npm run bench`: statsmodels OLS with HC3 standard errors on the bench's generated data."""
import json, sys, time
import numpy as np
import statsmodels.api as sm

d, n, p = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
X = np.fromfile(f"{d}/ols_X.f64", dtype="<f8").reshape(n, p)
y = np.fromfile(f"{d}/ols_y.f64", dtype="<f8")
t0 = time.perf_counter()
c0 = time.process_time()
res = sm.OLS(y, X).fit(cov_type="HC3")
bse = np.asarray(res.bse)
t = time.process_time() - c0
wall = time.perf_counter() - t0
print(json.dumps({"seconds": t, "wall": wall, "params": list(map(float, res.params)), "bse": list(map(float, bse))}))
