"""BG/NBD log-likelihood (Fader, Hardie & Lee 2005, eq. 6) in numpy/scipy, written independently of models/bgnbd.ts.
Used as the scipy L-BFGS peer by bench/run.mjs and for independent reference values in tests."""
import numpy as np
from scipy.special import gammaln, hyp2f1


def negll(logp, x, tx, T, w):
    r, alpha, a, b = np.exp(logp)
    A1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    A2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    A3 = -(r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        A4 = np.where(x > 0, np.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) - (r + x) * np.log(alpha + tx), -np.inf)
    return -np.sum(w * (A1 + A2 + np.logaddexp(A3, A4)))


def expected(params, t, x, tx, T):
    r, alpha, a, b = params
    hyp = hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t))
    first = (a + b + x - 1) / (a - 1)
    second = 1 - hyp * ((alpha + T) / (alpha + t + T)) ** (r + x)
    den = 1 + (x > 0) * (a / (b + x - 1)) * ((alpha + T) / (alpha + tx)) ** (r + x)
    return first * second / den


def p_alive(params, x, tx, T):
    r, alpha, a, b = params
    return np.where(x > 0, 1 / (1 + (a / (b + x - 1)) * ((alpha + T) / (alpha + tx)) ** (r + x)), 1.0)
