"""Independent numpy/scipy fits of the Pareto/NBD (Fader & Hardie 2005 note "A note on deriving the Pareto/NBD model and
related expressions", eq. 22 with the 2F1 form of Hardie's note 008) on cdnow_customers_summary.csv (weeks) and of the
BG/BB (Fader, Hardie & Shang 2010, eq. 5) on donations.csv, written without the TypeScript code. Prints JSON with the MLEs
and log-likelihoods, and a few Pareto/NBD predictions, for test/models/clv-more-models.test.ts.
Run: python3 bench/peers/pareto_nbd_bgbb.py /work/shared/datasets/cdnow"""
import json
import sys

import numpy as np
from scipy.optimize import minimize
from scipy.special import betaln, gammaln, hyp2f1

d = sys.argv[1]
cd = np.loadtxt(f"{d}/cdnow_customers_summary.csv", delimiter=",", skiprows=1)
x, tx, T = cd[:, 1], cd[:, 2], cd[:, 3]


def pnbd_ll_terms(p, x, tx, T):
    r, alpha, s, beta = p
    maxab = max(alpha, beta)
    absab = abs(alpha - beta)
    param2 = s + 1 if alpha >= beta else r + x
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    log_a2 = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
    f1 = hyp2f1(r + s + x, param2, r + s + x + 1, absab / (maxab + tx))
    f2 = hyp2f1(r + s + x, param2, r + s + x + 1, absab / (maxab + T))
    a0 = f1 / (maxab + tx) ** (r + s + x) - f2 / (maxab + T) ** (r + s + x)
    return a1 + np.log(np.exp(log_a2) + (s / (r + s + x)) * a0), a0


def pnbd_negll(logp):
    return -np.sum(pnbd_ll_terms(np.exp(logp), x, tx, T)[0])


res = minimize(pnbd_negll, np.log([0.5, 10.0, 0.5, 10.0]), method="Nelder-Mead",
               options={"xatol": 1e-10, "fatol": 1e-10, "maxiter": 20000, "maxfev": 40000})
res = minimize(pnbd_negll, res.x, method="BFGS", options={"gtol": 1e-8})
pp = np.exp(res.x)
r, alpha, s, beta = pp


def pnbd_palive(x, tx, T):
    _, a0 = pnbd_ll_terms(pp, np.array([x], float), np.array([tx], float), np.array([T], float))
    return float(1 / (1 + (s / (r + s + x)) * (alpha + T) ** (r + x) * (beta + T) ** s * a0[0]))


def pnbd_cond(t, x, tx, T):
    return float((r + x) * (beta + T) / ((alpha + T) * (s - 1)) * (1 - ((beta + T) / (beta + T + t)) ** (s - 1)) * pnbd_palive(x, tx, T))


don = np.loadtxt(f"{d}/donations.csv", delimiter=",", skiprows=1)
fx, ftx, fn, fw = don[:, 0], don[:, 1], don[:, 2], don[:, 3]


def bgbb_negll(logp):
    a, b, g, dd = np.exp(logp)
    tot = 0.0
    for x_, tx_, n_, w_ in zip(fx, ftx, fn, fw):
        terms = [betaln(a + x_, b + n_ - x_) - betaln(a, b) + betaln(g, dd + n_) - betaln(g, dd)]
        for i in range(int(n_ - tx_)):
            terms.append(betaln(a + x_, b + tx_ - x_ + i) - betaln(a, b) + betaln(g + 1, dd + tx_ + i) - betaln(g, dd))
        tot += w_ * np.logaddexp.reduce(terms)
    return -tot


rb = minimize(bgbb_negll, np.log([1.0, 1.0, 1.0, 1.0]), method="Nelder-Mead",
              options={"xatol": 1e-10, "fatol": 1e-10, "maxiter": 20000, "maxfev": 40000})
rb = minimize(bgbb_negll, rb.x, method="BFGS", options={"gtol": 1e-8})
print(json.dumps({
    "paretoNbd": {"params": list(map(float, pp)), "logLik": float(-res.fun),
                  "pAlive_2_30.43_38.86": pnbd_palive(2, 30.43, 38.86),
                  "pAlive_0_0_38.86": pnbd_palive(0, 0, 38.86),
                  "cond_39_2_30.43_38.86": pnbd_cond(39, 2, 30.43, 38.86)},
    "bgbb": {"params": list(map(float, np.exp(rb.x))), "logLik": float(-rb.fun)},
}))
