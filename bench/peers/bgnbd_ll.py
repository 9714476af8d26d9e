"""BG/NBD log-likelihood (Fader, Hardie & Lee 2005, eq. 6) in numpy/scipy, written independently of models/clv/bgnbd.ts.
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


def negll_grad(logp, x, tx, T, w):
    """Negative log-likelihood and its exact gradient in log parameters (what lifetimes gets from autograd)."""
    from scipy.special import digamma, expit
    r, alpha, a, b = np.exp(logp)
    pos = x > 0
    d1 = np.log(alpha + T)
    d2 = np.log(alpha + tx)
    bx1 = np.where(pos, b + x - 1, 1.0)
    u = np.where(pos, np.log(a) - np.log(bx1) + (r + x) * (d1 - d2), -np.inf)
    sp = np.logaddexp(0.0, u)
    s = np.where(pos, expit(u), 0.0)
    ll = (gammaln(r + x) - gammaln(r) + r * np.log(alpha) + gammaln(a + b) + gammaln(b + x) - gammaln(b)
          - gammaln(a + b + x) - (r + x) * d1 + sp)
    dab = digamma(a + b) - digamma(a + b + x)
    g_r = digamma(r + x) - digamma(r) + np.log(alpha) - d1 + s * (d1 - d2)
    g_al = r / alpha - (r + x) / (alpha + T) + s * (r + x) * (1 / (alpha + T) - 1 / (alpha + tx))
    g_a = dab + s / a
    g_b = dab + digamma(b + x) - digamma(b) - s / bx1
    grad = np.array([np.sum(w * g_r) * r, np.sum(w * g_al) * alpha, np.sum(w * g_a) * a, np.sum(w * g_b) * b])
    return -np.sum(w * ll), -grad
