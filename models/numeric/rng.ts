import { symmetricEigen } from "./eigen";
import { cholesky } from "./linalg";

/**
 * Seeded randomness for simulations (Monte Carlo intervals, splits, synthetic
 * data): the same seed gives the same stream on every runtime (Node, workerd,
 * the browser), so a reported seed reproduces a result exactly.
 */
export interface Rng {
  /** Uniform on [0, 1) with 32 random bits. */
  uniform(): number;
  /** Standard normal draw (Box–Muller, both values of each pair used). */
  normal(): number;
  /** Integer uniform on [0, n). */
  int(n: number): number;
}

/** splitmix32: spreads a (possibly small) seed over the 128-bit state. */
function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * xoshiro128** (Blackman & Vigna 2018) seeded through splitmix32.
 * @param seed any finite number; it is reduced to 32 bits.
 * @example const r = makeRng(42); r.uniform(); // => a number in [0, 1), the same for every run with seed 42
 */
export function makeRng(seed: number): Rng {
  const sm = splitmix32(Number.isFinite(seed) ? Math.trunc(seed) : 0);
  let a = sm(),
    b = sm(),
    c = sm(),
    d = sm();
  if ((a | b | c | d) === 0) a = 1;
  const next = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };
  let spare = NaN;
  const uniform = () => next() / 4294967296;
  return {
    uniform,
    int: (n: number) => Math.floor(uniform() * n),
    normal: () => {
      if (!Number.isNaN(spare)) {
        const v = spare;
        spare = NaN;
        return v;
      }
      // u1 in (0, 1] so the log is finite.
      const u1 = (next() + 1) / 4294967296;
      const u2 = uniform();
      const r = Math.sqrt(-2 * Math.log(u1));
      spare = r * Math.sin(2 * Math.PI * u2);
      return r * Math.cos(2 * Math.PI * u2);
    },
  };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/**
 * A square-root factor L of a covariance matrix (Σ = L Lᵀ), row-major p x p.
 * Cholesky when Σ is positive definite; otherwise (a singular or slightly
 * indefinite Σ from rounding) the symmetric eigen-square-root with negative
 * eigenvalues set to 0, so draws still follow the nearest valid covariance.
 * @throws Error when Σ is not square or holds non-finite entries.
 * @example covarianceFactor([[4, 2], [2, 2]]) // => Float64Array [2, 0, 1, 1]
 */
export function covarianceFactor(cov: number[][]): Float64Array {
  const p = cov.length;
  for (const row of cov) {
    if (row.length !== p) throw new Error(`covariance must be square (row of ${row.length} in a ${p} x ${p} matrix)`);
    for (const v of row) if (!Number.isFinite(v)) throw new Error("covariance holds a non-finite entry");
  }
  const out = new Float64Array(p * p);
  if (p === 0) return out;
  // Symmetrise: stored covariances can differ in the last bits across the diagonal.
  const S = new Float64Array(p * p);
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) S[i * p + j] = (cov[i][j] + cov[j][i]) / 2;
  const L = cholesky(S, p);
  if (L) return L;
  const { values, vectors } = symmetricEigen(S, p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) out[i * p + j] = vectors[i * p + j] * Math.sqrt(Math.max(values[j], 0));
  }
  return out;
}

/**
 * Draws from N(mean, Σ) given L from `covarianceFactor`, written into `out`
 * (no allocation per draw).
 * @example drawMvn(rng, [0, 0], covarianceFactor([[1, 0], [0, 1]]), z, out)
 */
export function drawMvn(rng: Rng, mean: ArrayLike<number>, L: Float64Array, z: Float64Array, out: Float64Array): Float64Array {
  const p = mean.length;
  for (let j = 0; j < p; j++) z[j] = rng.normal();
  for (let i = 0; i < p; i++) {
    let s = mean[i];
    for (let j = 0; j < p; j++) s += L[i * p + j] * z[j];
    out[i] = s;
  }
  return out;
}

/**
 * Quantile of sorted values by linear interpolation (R type 7, numpy default).
 * @example quantileSorted([1, 2, 3, 4], 0.5) // => 2.5
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}
