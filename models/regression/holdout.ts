import { type Column, designRowsAt, isTextColumn, numAt, planDesign } from "./design";
import { chi2Sf } from "../numeric/distributions";
import { ModelError } from "../numeric/errors";
import { fitRegression, type RegressionInput } from "./fit";
import { fitRegressionBlocks } from "./fit-blocks";
import { makeRng } from "../numeric/rng";
import { logistic } from "../numeric/logistic";

/**
 * Out-of-sample checks of a fitted model: a seeded 80/20 split, AUC
 * (Mann–Whitney), a calibration table by decile of predicted probability,
 * and R² on the holdout for linear models.
 */

/**
 * A seeded random split: 1 = holdout (test) row, 0 = training row. Exactly
 * round(n · testFraction) rows are held out (Fisher–Yates on the indices).
 * @example holdoutMask(10, 1).reduce((s, v) => s + v, 0) // => 2
 */
export function holdoutMask(n: number, seed: number, testFraction = 0.2): Uint8Array {
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  const rng = makeRng(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
  const k = Math.round(n * testFraction);
  const mask = new Uint8Array(n);
  for (let i = 0; i < k; i++) mask[idx[i]] = 1;
  return mask;
}

/**
 * Area under the ROC curve by the Mann–Whitney statistic: the share of
 * (positive, negative) pairs where the positive scores higher, ties counted
 * half (average ranks). null when either class is absent.
 * @example auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]) // => 0.75
 */
export function auc(scores: ArrayLike<number>, labels: ArrayLike<number>): number | null {
  const n = scores.length;
  if (labels.length !== n) throw new ModelError("invalid_input", `auc: ${n} scores but ${labels.length} labels`);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let n1 = 0;
  let rankSum = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]] === scores[order[i]]) j++;
    const avgRank = (i + j + 2) / 2; // ranks are 1-based: i+1 .. j+1
    for (let k = i; k <= j; k++) {
      if (labels[order[k]] === 1) {
        n1++;
        rankSum += avgRank;
      }
    }
    i = j + 1;
  }
  const n0 = n - n1;
  if (n1 === 0 || n0 === 0) return null;
  return (rankSum - (n1 * (n1 + 1)) / 2) / (n1 * n0);
}

export interface CalibrationBin {
  bin: number;
  n: number;
  /** Smallest and largest predicted probability in the bin. */
  minPredicted: number;
  maxPredicted: number;
  meanPredicted: number;
  observedRate: number;
}

/**
 * Calibration table: rows sorted by predicted probability and cut into
 * `bins` groups of (almost) equal size (deciles by default, as in the
 * Hosmer–Lemeshow table); each gives the mean prediction and the observed rate.
 * Empty bins (fewer rows than bins) are left out.
 * @example calibrationTable([0.1, 0.9], [0, 1], 2) // => [{bin:1,n:1,...,observedRate:0}, {bin:2,...,observedRate:1}]
 */
export function calibrationTable(predicted: ArrayLike<number>, outcome: ArrayLike<number>, bins = 10): CalibrationBin[] {
  const n = predicted.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => predicted[a] - predicted[b]);
  const out: CalibrationBin[] = [];
  for (let b = 0; b < bins; b++) {
    const start = Math.floor((b * n) / bins);
    const end = Math.floor(((b + 1) * n) / bins);
    if (end <= start) continue;
    let sp = 0;
    let sy = 0;
    for (let k = start; k < end; k++) {
      sp += predicted[order[k]];
      sy += outcome[order[k]];
    }
    out.push({
      bin: b + 1,
      n: end - start,
      minPredicted: predicted[order[start]],
      maxPredicted: predicted[order[end - 1]],
      meanPredicted: sp / (end - start),
      observedRate: sy / (end - start),
    });
  }
  return out;
}

/**
 * Hosmer–Lemeshow goodness of fit from a calibration table:
 * C = Σ_g (O_g − E_g)² / (E_g (1 − E_g / n_g)), O_g observed events and E_g = Σ p in bin g.
 * On a validation sample (not the data of the fit) C ~ χ² with g degrees of freedom
 * (Hosmer, Lemeshow & Sturdivant 2013, Applied Logistic Regression 3rd ed., §5.2.2).
 * Bins whose E_g (1 − E_g/n_g) is 0 are skipped. null with no usable bin.
 * @example hosmerLemeshow([{ n: 10, meanPredicted: 0.5, observedRate: 0.7 }, ...])
 */
export function hosmerLemeshow(
  table: Pick<CalibrationBin, "n" | "meanPredicted" | "observedRate">[],
): { statistic: number; df: number; pValue: number } | null {
  let c = 0;
  let df = 0;
  for (const b of table) {
    const e = b.n * b.meanPredicted;
    const o = b.n * b.observedRate;
    const v = e * (1 - b.meanPredicted);
    if (!(v > 0)) continue;
    c += ((o - e) * (o - e)) / v;
    df++;
  }
  return df > 0 ? { statistic: c, df, pValue: chi2Sf(c, df) } : null;
}

/**
 * Out-of-sample R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)², ȳ the holdout mean (as
 * scikit-learn's r2_score); can be negative. null with fewer than 2 rows or
 * no variance in y.
 * @example holdoutRSquared([1, 2, 3], [1, 2, 4]) // => 0.5
 */
export function holdoutRSquared(y: ArrayLike<number>, yHat: ArrayLike<number>): number | null {
  const n = y.length;
  if (n < 2) return null;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i];
  mean /= n;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < n; i++) {
    ssRes += (y[i] - yHat[i]) ** 2;
    ssTot += (y[i] - mean) ** 2;
  }
  return ssTot > 0 ? 1 - ssRes / ssTot : null;
}

export interface HoldoutValidation {
  method: string;
  seed: number;
  nTrain: number;
  nTest: number;
  /** Logistic: AUC on the holdout (null when it holds one class only) and the calibration table. */
  auc?: number | null;
  calibration?: CalibrationBin[];
  /** Logistic: Hosmer–Lemeshow test on the holdout deciles (χ² with g df on validation data). */
  hosmerLemeshow?: { statistic: number; df: number; pValue: number } | null;
  /** Linear: R² of the training fit's predictions on the holdout. */
  holdoutRSquared?: number | null;
  /** When the training fit fails (e.g. separation in the 80%), why. */
  error?: { code: string; message: string };
}

export const DEFAULT_HOLDOUT_SEED = 20240601;

export interface HoldoutOptions {
  /** Fit the 80% over blocks of this many design rows (fitRegressionBlocks) and score the 20% in such blocks. */
  blockRows?: number;
}

/**
 * Refits the model on a seeded 80% of its complete rows and scores the other
 * 20%: AUC and decile calibration for logistic models, R² for linear ones.
 * Categorical levels are fixed to the full fit's, so terms line up.
 * A training fit that fails is reported in `error`, not thrown. Only the holdout's design rows are built
 * (`blockRows` at a time with `opts.blockRows`, which also fits the 80% over blocks: fitRegressionBlocks).
 * @example validateHoldout({ kind: "logistic", data, outcome: "renewed", predictors: ["nps"] }).auc
 */
export function validateHoldout(input: RegressionInput, seed = DEFAULT_HOLDOUT_SEED, opts: HoldoutOptions = {}): HoldoutValidation {
  const d = planDesign(input.data, input.predictors, { levels: input.levels, required: [input.outcome] });
  const mask = holdoutMask(d.n, seed);
  const method =
    `Seeded (seed ${seed}) random 80/20 split of the ${d.n} complete rows; the model is refitted on the 80% ` +
    (input.kind === "logistic"
      ? "and scored on the 20%: AUC (Mann–Whitney, ties half) and observed vs predicted renewal by decile of prediction."
      : "and R² = 1 − SSres/SStot of its predictions on the 20%.");
  const trainIdx: number[] = [];
  const testIdx: number[] = [];
  for (let i = 0; i < d.n; i++) (mask[i] ? testIdx : trainIdx).push(i);
  const out: HoldoutValidation = { method, seed, nTrain: trainIdx.length, nTest: testIdx.length };
  const needed = [input.outcome, ...input.predictors];
  const train: Record<string, Column> = {};
  // Plain loops: TypedArray.from / Array.from with a map function cost several times more on 100k rows.
  const src = new Int32Array(trainIdx.length);
  for (let k = 0; k < src.length; k++) src[k] = d.rows[trainIdx[k]];
  for (const name of needed) {
    const col = input.data[name];
    if (isTextColumn(col)) {
      const text = col as readonly (string | null)[];
      const out: (string | null)[] = new Array(src.length);
      for (let k = 0; k < src.length; k++) out[k] = text[src[k]];
      train[name] = out;
    } else {
      const out = new Float64Array(src.length);
      for (let k = 0; k < src.length; k++) out[k] = numAt(col, src[k]);
      train[name] = out;
    }
  }
  let fit;
  try {
    const trainInput = { ...input, data: train, levels: d.levels };
    fit = opts.blockRows ? fitRegressionBlocks(trainInput, opts.blockRows) : fitRegression(trainInput);
  } catch (e) {
    if (e instanceof ModelError) {
      out.error = { code: e.code, message: `The 80% training refit failed: ${e.message}` };
      return out;
    }
    throw e;
  }
  if (fit.terms.join("\u0000") !== d.terms.join("\u0000")) {
    out.error = { code: "invalid_input", message: "The training refit's terms differ from the full fit's." };
    return out;
  }
  const beta = fit.coefficients.map((c) => c.estimate);
  const ycol = input.data[input.outcome];
  const pred = new Float64Array(testIdx.length);
  const y = new Float64Array(testIdx.length);
  const size = Math.max(1, Math.floor(opts.blockRows ?? testIdx.length));
  for (let from = 0; from < testIdx.length; from += size) {
    const idx = testIdx.slice(from, from + size);
    const X = designRowsAt(d, input.data, idx);
    idx.forEach((i, b) => {
      let eta = 0;
      for (let j = 0; j < d.p; j++) eta += X[b * d.p + j] * beta[j];
      const k = from + b;
      pred[k] = input.kind === "logistic" ? logistic(eta) : eta;
      y[k] = numAt(ycol, d.rows[i]);
    });
  }
  if (input.kind === "logistic") {
    out.auc = auc(pred, y);
    out.calibration = calibrationTable(pred, y, 10);
    out.hosmerLemeshow = hosmerLemeshow(out.calibration);
  } else {
    out.holdoutRSquared = holdoutRSquared(y, pred);
  }
  return out;
}
