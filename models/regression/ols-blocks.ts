/**
 * The full OLS result of `fitOls` (coefficients, nonrobust or HC3 covariance, R², F, logLik, AIC, BIC,
 * condition, warnings and named errors) from design rows that arrive in blocks, never holding the design:
 * pass 1 folds each block into the running TSQR triangle of [X y] (`OlsAccumulator`); the same pivoted QR of
 * the column-scaled triangle as `fitOls` gives β and R⁻¹; pass 2 reads the blocks again for the residuals
 * from the data (SSR, TSS) and, for HC3, each row's leverage hᵢ = ‖x̃ᵢR⁻¹‖² and the meat Σ eᵢ²/(1−hᵢ)² zᵢzᵢᵀ
 * (MacKinnon & White 1985). Agrees with `fitOls` to rounding.
 */
import { ModelError } from "../numeric/errors";
import { type OlsResult, olsResult, residualSs, solveTriangle, totalSs } from "./ols";
import { hc3Rows, hc3Work } from "./ols-hc3";
import { OlsAccumulator, type RowBlock } from "./ols-accumulator";
import { constantColumnError, rankOfTriangle } from "./rank";

/**
 * Fits y = Xβ + ε by least squares over blocks of rows, reading them twice.
 * @param blocks called once per pass; yields the same blocks in the same order each time
 * @throws ModelError too_few_rows (n ≤ p, or an HC3 leverage of 1), no_variance, collinear_predictors
 * @example fitOlsOverBlocks(() => blocks, p, terms, "HC3").coefficients
 */
export function fitOlsOverBlocks(
  blocks: () => Iterable<RowBlock>,
  p: number,
  terms: string[],
  covarianceType: "nonrobust" | "HC3" = "nonrobust",
): OlsResult {
  const hasIntercept = terms[0] === "Intercept";
  // Pass 1: the triangle, the outcome's range and sum, and which columns ever differ from the first row.
  const acc = new OlsAccumulator(p);
  let n = 0;
  let ymin = Infinity;
  let ymax = -Infinity;
  let ysum = 0;
  const first = new Float64Array(p);
  const varies = new Uint8Array(p);
  for (const b of blocks()) {
    if (b.n === 0) continue;
    if (n === 0) first.set(b.X.subarray(0, p));
    for (let i = 0; i < b.n; i++) {
      const v = b.y[i];
      if (v < ymin) ymin = v;
      if (v > ymax) ymax = v;
      ysum += v;
      const o = i * p;
      for (let j = 0; j < p; j++) if (b.X[o + j] !== first[j]) varies[j] = 1;
    }
    acc.add(b);
    n += b.n;
  }
  if (n <= p)
    throw new ModelError("too_few_rows", `A linear model with ${p} terms needs at least ${p + 1} complete rows (got ${n}).`, terms);
  if (ymin === ymax) throw new ModelError("no_variance", `The outcome is ${ymin} in every row used: there is nothing to explain.`);
  // Two rows with the same constant columns as the design (the varying ones NaN in the second): constantColumnError
  // on them names the same column, with the same value, as on the whole design.
  const twoRows = new Float64Array(2 * p);
  for (let j = 0; j < p; j++) {
    twoRows[j] = first[j];
    twoRows[p + j] = varies[j] ? NaN : first[j];
  }
  const Rxy = acc.R;
  const { f, scale } = rankOfTriangle(Rxy, p + 1, p, n, terms, () => constantColumnError(twoRows, 2, p, terms));
  const sol = solveTriangle(Rxy, f, scale, p);

  // Pass 2, with fitOls's own row passes: residuals from the data (exact fits give SSR ≈ 0 to rounding), TSS,
  // and the HC3 meat.
  const centre = hasIntercept ? ysum / n : 0;
  const work = covarianceType === "HC3" ? hc3Work(p, sol) : null;
  let ssr = 0;
  let tss = 0;
  let row = 0;
  for (const b of blocks()) {
    ssr += work ? hc3Rows(b.X, b.y, b.n, p, sol, work, row) : residualSs(b.X, b.y, sol.beta, b.n, p);
    tss += totalSs(b.y, b.n, centre);
    row += b.n;
  }
  return olsResult(sol, work?.meat ?? null, ssr, tss, n, p, terms);
}
