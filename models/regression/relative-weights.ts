/**
 * Key-driver importance by Johnson's relative weights (Johnson 2000,
 * "A heuristic method for estimating the relative weight of predictor
 * variables in multiple regression", Multivariate Behavioral Research 35(1)):
 * the predictors are replaced by their closest orthogonal counterparts
 * Z = X R_xx^{-1/2}; each predictor's weight εⱼ = Σₖ λⱼₖ² βₖ² with
 * Λ = R_xx^{1/2} and β = Λ⁻¹ r_xy. The weights sum to the model R².
 */
import { buildDesign, type Column, numAt } from "./design";
import { symmetricEigen } from "../numeric/eigen";
import { ModelError } from "../numeric/errors";

export interface RelativeWeight {
  term: string;
  /** Raw relative weight εⱼ: its share of variance explained (the weights sum to R²). */
  weight: number;
  /** εⱼ / R²: share of the explained variance (sums to 1). */
  share: number;
  /** 1 = most important. */
  rank: number;
  /** Correlation of the term with the outcome (sign of the driver). */
  correlation: number;
}

export interface RelativeWeightsResult {
  outcome: string;
  nObs: number;
  excluded: number;
  rSquared: number;
  weights: RelativeWeight[];
}

export interface RelativeWeightsInput {
  data: Record<string, Column>;
  outcome: string;
  /** Numeric columns, or text columns (categorical: one weight per dummy term). */
  predictors: string[];
}

/**
 * Johnson's relative weights of `predictors` for `outcome` (rows with a missing value excluded).
 * @throws ModelError invalid_input, too_few_rows, no_variance (a constant column), collinear_predictors
 * @example relativeWeights({ data, outcome: "renewed", predictors: ["nps", "csat"] }).weights[0].weight
 */
export function relativeWeights(input: RelativeWeightsInput): RelativeWeightsResult {
  const { data, outcome, predictors } = input;
  if (!data[outcome]) throw new ModelError("invalid_input", `No column named "${outcome}" in the data.`, [outcome]);
  if (predictors.length === 0) throw new ModelError("invalid_input", "Relative weights need at least one predictor.");
  const d = buildDesign(data, predictors, { intercept: false, required: [outcome] });
  const { n, p, X, terms } = d;
  if (n < p + 2)
    throw new ModelError("too_few_rows", `Relative weights for ${p} terms need at least ${p + 2} complete rows (got ${n}).`, terms);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = numAt(data[outcome], d.rows[i]);

  // Standardise (centred, unit sum of squares) so that cross-products are correlations.
  const cols: Float64Array[] = [];
  const names = [...terms, outcome];
  for (let j = 0; j <= p; j++) {
    const c = new Float64Array(n);
    let mean = 0;
    for (let i = 0; i < n; i++) mean += j < p ? X[i * p + j] : y[i];
    mean /= n;
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const v = (j < p ? X[i * p + j] : y[i]) - mean;
      c[i] = v;
      ss += v * v;
    }
    if (!(ss > 1e-300)) throw new ModelError("no_variance", `${names[j]} has the same value in every row used: remove it.`, [names[j]]);
    const inv = 1 / Math.sqrt(ss);
    for (let i = 0; i < n; i++) c[i] *= inv;
    cols.push(c);
  }
  const rxx = new Float64Array(p * p);
  const rxy = new Float64Array(p);
  for (let a = 0; a < p; a++) {
    for (let b = a; b < p; b++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += cols[a][i] * cols[b][i];
      rxx[a * p + b] = rxx[b * p + a] = s;
    }
    let s = 0;
    for (let i = 0; i < n; i++) s += cols[a][i] * cols[p][i];
    rxy[a] = s;
  }

  const { values, vectors } = symmetricEigen(rxx, p);
  let maxEv = 0;
  for (let k = 0; k < p; k++) maxEv = Math.max(maxEv, values[k]);
  for (let k = 0; k < p; k++)
    if (!(values[k] > 1e-12 * maxEv)) {
      const involved = terms.filter((_, j) => Math.abs(vectors[j * p + k]) > 1e-6);
      throw new ModelError(
        "collinear_predictors",
        `The predictors ${involved.join(", ")} are collinear: relative weights need each to carry its own information. Remove one of them.`,
        involved,
      );
    }
  // Λ = R_xx^{1/2} = V diag(√λ) Vᵀ and Λ⁻¹ = V diag(1/√λ) Vᵀ.
  const half = new Float64Array(p * p);
  const invHalf = new Float64Array(p * p);
  for (let a = 0; a < p; a++)
    for (let b = 0; b < p; b++) {
      let s1 = 0;
      let s2 = 0;
      for (let k = 0; k < p; k++) {
        const vv = vectors[a * p + k] * vectors[b * p + k];
        s1 += vv * Math.sqrt(values[k]);
        s2 += vv / Math.sqrt(values[k]);
      }
      half[a * p + b] = s1;
      invHalf[a * p + b] = s2;
    }
  const beta = new Float64Array(p);
  for (let k = 0; k < p; k++) {
    let s = 0;
    for (let j = 0; j < p; j++) s += invHalf[k * p + j] * rxy[j];
    beta[k] = s;
  }
  let rSquared = 0;
  for (let k = 0; k < p; k++) rSquared += beta[k] * beta[k];
  const raw = terms.map((_, j) => {
    let s = 0;
    for (let k = 0; k < p; k++) s += half[j * p + k] * half[j * p + k] * beta[k] * beta[k];
    return s;
  });
  const order = raw.map((_, j) => j).sort((a, b) => raw[b] - raw[a]);
  const rank = new Array<number>(p);
  order.forEach((j, r) => (rank[j] = r + 1));
  return {
    outcome,
    nObs: n,
    excluded: d.excluded,
    rSquared,
    weights: terms.map((term, j) => ({
      term,
      weight: raw[j],
      share: rSquared > 0 ? raw[j] / rSquared : 0,
      rank: rank[j],
      correlation: rxy[j],
    })),
  };
}
