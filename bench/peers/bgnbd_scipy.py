"""Peer for `npm run bench`: BG/NBD maximum likelihood with scipy's L-BFGS-B on log parameters, duplicates
collapsed into weights as lifetimes does (np.unique over rows), exact gradient (lifetimes uses autograd);
likelihood and gradient in bgnbd_ll.py. One warm-up, best of three (bench/peers/timing.py)."""
import json, sys
import numpy as np
from scipy.optimize import minimize
from bgnbd_ll import negll_grad
from timing import best_of

d, n = sys.argv[1], int(sys.argv[2])
x = np.fromfile(f"{d}/bg_x.f64", dtype="<f8")
tx = np.fromfile(f"{d}/bg_tx.f64", dtype="<f8")
T = np.fromfile(f"{d}/bg_T.f64", dtype="<f8")


def fit():
    rows, w = np.unique(np.stack([x, tx, T], axis=1), axis=0, return_counts=True)
    scale = 10.0 / rows[:, 2].max()
    xs, txs, Ts = rows[:, 0], rows[:, 1] * scale, rows[:, 2] * scale
    w = w.astype(float)
    res = minimize(negll_grad, np.zeros(4), args=(xs, txs, Ts, w), jac=True, method="L-BFGS-B",
                   options={"ftol": 1e-14, "gtol": 1e-9, "maxiter": 1000})
    return res, scale, xs, w


(res, scale, xs, w), cpu, wall = best_of(fit)
r, alpha, a, b = np.exp(res.x)
print(json.dumps({"seconds": cpu, "wall": wall, "params": [r, alpha / scale, a, b], "patterns": int(len(w)), "converged": bool(res.success),
                  "ll": float(-res.fun + np.sum(w * xs) * np.log(scale))}))
