"""Peer for `npm run bench`: BG/NBD maximum likelihood with scipy's L-BFGS-B on log parameters, duplicates
collapsed into weights as lifetimes does (np.unique over rows), exact gradient (lifetimes uses autograd);
likelihood and gradient in bgnbd_ll.py."""
import json, sys, time
import numpy as np
from scipy.optimize import minimize
from bgnbd_ll import negll_grad

d, n = sys.argv[1], int(sys.argv[2])
x = np.fromfile(f"{d}/bg_x.f64", dtype="<f8")
tx = np.fromfile(f"{d}/bg_tx.f64", dtype="<f8")
T = np.fromfile(f"{d}/bg_T.f64", dtype="<f8")
t0 = time.perf_counter()
c0 = time.process_time()
rows, w = np.unique(np.stack([x, tx, T], axis=1), axis=0, return_counts=True)
scale = 10.0 / rows[:, 2].max()
xs, txs, Ts = rows[:, 0], rows[:, 1] * scale, rows[:, 2] * scale
w = w.astype(float)
res = minimize(negll_grad, np.zeros(4), args=(xs, txs, Ts, w), jac=True, method="L-BFGS-B",
               options={"ftol": 1e-14, "gtol": 1e-9, "maxiter": 1000})
r, alpha, a, b = np.exp(res.x)
t = time.process_time() - c0
wall = time.perf_counter() - t0
print(json.dumps({"seconds": t, "wall": wall, "params": [r, alpha / scale, a, b], "patterns": int(len(w)), "converged": bool(res.success),
                  "ll": float(-res.fun + np.sum(w * xs) * np.log(scale))}))
