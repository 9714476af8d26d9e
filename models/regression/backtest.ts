/**
 * Rolling-origin back-test of a logistic renewal model (docs/methods.md#back-test): for each split date, fit on
 * the accounts whose renewal fell before it, with time-honest features (models/regression/time-honest.ts), predict
 * the accounts renewing in the window after it, and compare with what happened and with the naive baseline
 * (last period's renewal rate applied to the later accounts).
 */
import { buildDesign, type Column, isTextColumn, numAt } from "./design";
import { ModelError } from "../numeric/errors";
import { covarianceFactor, drawMvn, makeRng, quantileSorted } from "../numeric/rng";
import { fitRegression } from "./fit";
import { auc as aucOf, calibrationTable, type CalibrationBin } from "./holdout";
import type { TimeHonestFeatures } from "./time-honest";
import { logistic } from "../numeric/logistic";
import { predict } from "./model";

/** Fewest later accounts for a split's numbers; fewest renewals and non-renewals for a fit, and for AUC/calibration. */
export const BACKTEST_MIN_TEST_ACCOUNTS = 20;
export const BACKTEST_MIN_TRAIN_EVENTS = 10;
export const BACKTEST_MIN_TEST_EVENTS = 5;
export const BACKTEST_DEFAULT_DRAWS = 1000;
export const BACKTEST_DEFAULT_SEED = 20240601;

/** The CX columns replaced per split by their time-honest versions. */
export const TIME_HONEST_COLUMNS = ["nps", "csat", "ces", "responses"] as const;

export interface BacktestInput {
  kind: "logistic";
  outcome: string;
  predictors: string[];
  /** Account columns as uploaded (numeric or text); the CX columns are taken from `features` per split. */
  data: Record<string, Column>;
  /** Renewal day of each account (days since 1970-01-01; NaN = unknown, never in a window). */
  renewalDate: ArrayLike<number>;
  /** ARR of each account (the money predicted: renewed ARR). */
  arr: ArrayLike<number>;
  /** Segment of each account, for the per-segment rows (optional). */
  segment?: readonly (string | null)[];
  /** Split days, strictly increasing. */
  splits: number[];
  /** End of the last split's window (exclusive day); default the day after the last renewal. */
  end?: number;
  /** The time-honest features with cut-off = each split, in the order of `splits`. */
  features: TimeHonestFeatures[];
  draws?: number;
  seed?: number;
}

export interface BacktestWarning {
  code: string;
  message: string;
}

/** Money and counts of a group of later accounts (all of them, or one segment). */
export interface BacktestGroup {
  testAccounts: number;
  predictedRenewals: number | null;
  predictedRenewalsCi95: [number, number] | null;
  actualRenewals: number;
  predictedArr: number | null;
  predictedArrCi95: [number, number] | null;
  actualArr: number;
  baselineArr: number | null;
}

export interface BacktestSplit extends BacktestGroup {
  /** ISO day of the split; windows are [from, to) in ISO days. */
  split: string;
  trainWindow: { from: string | null; to: string };
  testWindow: { from: string; to: string };
  baselineWindow: { from: string; to: string };
  trainAccounts: number;
  /** Accounts of each window with no response before their own cut-off (left out of the fit / the prediction). */
  noEarlierResponse: { train: number; test: number };
  /** Accounts of each window left out for another missing predictor, an unknown outcome or ARR, or an unseen level. */
  excluded: { train: number; test: number };
  predictedRate: number | null;
  actualRate: number | null;
  /** Last period's renewal rate (share of accounts renewing in baselineWindow) and its accounts. */
  baselineRate: number | null;
  baselineAccounts: number;
  baselineRenewals: number | null;
  /** Error = predicted − actual renewed ARR ($) and as % of actual, for the model and the baseline. */
  errors: {
    modelArr: number | null;
    modelArrPct: number | null;
    baselineArr: number | null;
    baselineArrPct: number | null;
  };
  auc: number | null;
  calibration: CalibrationBin[] | null;
  /** The training fit's coefficients (log-odds). */
  coefficients: { term: string; estimate: number; stdError: number | null }[] | null;
  segments: ({ segment: string } & BacktestGroup)[];
  warnings: BacktestWarning[];
}

export interface BacktestResult {
  kind: "logistic";
  outcome: string;
  predictors: string[];
  draws: number;
  seed: number;
  splits: BacktestSplit[];
}

/**
 * ISO date of a day number.
 * @example isoDay(19905) // => "2024-07-01"
 */
export function isoDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Day number (days since 1970-01-01) of an ISO date, NaN when it is not a real date.
 * @example dayOf("2024-07-01") // => 19905
 */
export function dayOf(iso: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) return NaN;
  const t = Date.parse(`${iso}T00:00:00Z`);
  return Number.isFinite(t) && isoDay(t / 86_400_000) === iso ? t / 86_400_000 : NaN;
}

const interval = (v: Float64Array): [number, number] => {
  const s = Float64Array.from(v).sort();
  return [quantileSorted(s, 0.025), quantileSorted(s, 0.975)];
};

/**
 * Runs the back-test for every split (rolling origin: split k's window runs to split k+1, the last to `end`).
 * The 95% interval of predicted renewals and renewed ARR covers both the coefficients' uncertainty (seeded draws
 * β ~ N(β̂, Σ̂) of the training fit) and the Bernoulli outcomes (each later account renews with its drawn p).
 * @throws ModelError invalid_input for splits that are not strictly increasing, features not matching the splits,
 *   or an `end` not after the last split
 * @example
 * const features = timeHonestFeatures(renewalDay, [dayOf("2025-01-01")], responses);
 * backtest({ kind: "logistic", outcome: "renewed", predictors: ["nps"], data, renewalDate: renewalDay, arr,
 *   splits: [dayOf("2025-01-01")], features }).splits[0].predictedArr // => Σ p̂ · ARR over accounts renewing from 2025-01-01
 */
export function backtest(input: BacktestInput): BacktestResult {
  const { splits, renewalDate } = input;
  if (input.kind !== "logistic")
    throw new ModelError("invalid_input", `The back-test supports kind "logistic" (got ${String(input.kind)}).`);
  if (splits.length === 0) throw new ModelError("invalid_input", "Give at least one split date.");
  for (let k = 0; k < splits.length; k++) {
    if (!Number.isFinite(splits[k])) throw new ModelError("invalid_input", `Split ${k + 1} is not a date.`);
    if (k > 0 && !(splits[k] > splits[k - 1])) throw new ModelError("invalid_input", "Split dates must be strictly increasing.");
  }
  if (input.features.length !== splits.length || input.features.some((f, k) => f.cutoff !== splits[k]))
    throw new ModelError("invalid_input", "The time-honest features must be computed with the split dates as cut-offs, in order.");
  let lastRenewal = -Infinity;
  for (let i = 0; i < renewalDate.length; i++) if (renewalDate[i] > lastRenewal) lastRenewal = renewalDate[i];
  const end = input.end ?? (Number.isFinite(lastRenewal) ? lastRenewal + 1 : splits[splits.length - 1] + 1);
  if (!(end > splits[splits.length - 1])) throw new ModelError("invalid_input", "end must be after the last split date.");
  const draws = input.draws ?? BACKTEST_DEFAULT_DRAWS;
  const seed = input.seed ?? BACKTEST_DEFAULT_SEED;
  if (!Number.isInteger(draws) || draws < 0) throw new ModelError("invalid_input", `draws must be a whole number >= 0 (got ${draws}).`);
  return {
    kind: "logistic",
    outcome: input.outcome,
    predictors: [...input.predictors],
    draws,
    seed,
    splits: splits.map((split, k) => backtestSplit(input, split, splits[k + 1] ?? end, input.features[k], draws, seed)),
  };
}

/** Rows of `data` picked by `rows`, every needed column copied (text stays text). */
function subset(data: Record<string, Column>, names: string[], rows: number[]): Record<string, Column> {
  const out: Record<string, Column> = {};
  for (const name of names) {
    const col = data[name];
    out[name] = isTextColumn(col) ? rows.map((r) => (col as readonly (string | null)[])[r]) : Float64Array.from(rows, (r) => numAt(col, r));
  }
  return out;
}

const money = (n: number) => `$${Math.round(n).toLocaleString("en-US")}`;

function backtestSplit(
  input: BacktestInput,
  split: number,
  to: number,
  features: TimeHonestFeatures,
  draws: number,
  seed: number,
): BacktestSplit {
  const { outcome, predictors, renewalDate, arr } = input;
  const data: Record<string, Column> = { ...input.data };
  for (const name of TIME_HONEST_COLUMNS) data[name] = features[name];
  const y = input.data[outcome];
  const known = (i: number) => {
    const v = numAt(y, i);
    return v === 0 || v === 1;
  };
  const from = split - (to - split);
  const train: number[] = [];
  const test: number[] = [];
  let trainSeen = 0,
    testSeen = 0,
    trainNone = 0,
    testNone = 0,
    baseN = 0,
    baseY = 0,
    firstTrain = Infinity;
  for (let i = 0; i < renewalDate.length; i++) {
    const r = renewalDate[i];
    if (!Number.isFinite(r)) continue;
    if (r >= from && r < split && known(i)) {
      baseN++;
      baseY += numAt(y, i);
    }
    if (r < split) {
      trainSeen++;
      firstTrain = Math.min(firstTrain, r);
      if (features.responses[i] === 0) trainNone++;
      if (known(i)) train.push(i);
    } else if (r < to) {
      testSeen++;
      if (features.responses[i] === 0) testNone++;
      if (known(i) && Number.isFinite(numAt(arr, i)) && numAt(arr, i) >= 0) test.push(i);
    }
  }
  const usesCx = predictors.some((p) => (TIME_HONEST_COLUMNS as readonly string[]).includes(p));
  const warnings: BacktestWarning[] = [];
  const splitIso = isoDay(split);
  const names = [outcome, ...predictors];
  const trainData = subset(data, names, train);
  const testData = subset(data, names, test);

  // The test rows with every predictor: the later accounts the model can score.
  let fit: ReturnType<typeof fitRegression> | null = null;
  let fitError: BacktestWarning | null = null;
  const trainDesign = buildDesign(trainData, predictors, { required: [outcome] });
  let dTrainY = 0;
  for (let k = 0; k < trainDesign.n; k++) dTrainY += numAt(trainData[outcome], trainDesign.rows[k]);
  const minClass = Math.min(dTrainY, trainDesign.n - dTrainY);
  if (minClass < BACKTEST_MIN_TRAIN_EVENTS) {
    fitError = {
      code: "too_few_train_events",
      message: `Only ${dTrainY} renewals and ${trainDesign.n - dTrainY} non-renewals among the ${trainDesign.n} accounts renewing before ${splitIso} with every predictor: a fit needs at least ${BACKTEST_MIN_TRAIN_EVENTS} of each. Choose a later split date.`,
    };
  } else {
    try {
      fit = fitRegression({ kind: "logistic", data: trainData, outcome, predictors });
    } catch (e) {
      if (!(e instanceof ModelError)) throw e;
      fitError = { code: e.code, message: `The fit on the accounts renewing before ${splitIso} failed: ${e.message}` };
    }
  }
  const testDesign = fit ? buildDesign(testData, predictors, { levels: fit.design.levels, required: [outcome] }) : null;
  const nTest = testDesign ? testDesign.n : 0;
  // Actual values on the accounts the model scores (the same accounts on both sides).
  const rowsTest = testDesign ? Array.from(testDesign.rows, (r) => test[r]) : [];
  const yTest = Float64Array.from(rowsTest, (i) => numAt(y, i));
  const arrTest = Float64Array.from(rowsTest, (i) => numAt(arr, i));
  let actualRenewals = 0,
    actualArr = 0,
    arrSum = 0;
  for (let k = 0; k < nTest; k++) {
    actualRenewals += yTest[k];
    actualArr += yTest[k] * arrTest[k];
    arrSum += arrTest[k];
  }
  const baselineRate = baseN > 0 ? baseY / baseN : null;
  if (baseN === 0)
    warnings.push({
      code: "no_baseline_period",
      message: `No account with a known outcome renewed in ${isoDay(from)} – ${isoDay(split - 1)}, the period before the split of the same length: no naive baseline.`,
    });
  if (fitError) warnings.push(fitError);
  if (usesCx && testNone > 0)
    warnings.push({
      code: "no_earlier_responses",
      message: `${testNone} of the ${testSeen} accounts renewing in ${splitIso} – ${isoDay(to - 1)} had no survey response before ${splitIso}: they are left out of the prediction and of the actual values.`,
    });
  if (usesCx && trainNone > 0 && trainNone === trainSeen)
    warnings.push({
      code: "no_earlier_responses",
      message: `None of the ${trainSeen} accounts renewing before ${splitIso} had a survey response before its renewal: there is nothing to fit. Check the responses' dates.`,
    });

  const segLevels = input.segment ? [...new Set(rowsTest.map((i) => input.segment![i]).filter((s): s is string => !!s))].sort() : [];
  const segOf = Int32Array.from(rowsTest, (i) => (input.segment ? segLevels.indexOf(input.segment[i] ?? "") : -1));

  const enough = nTest >= BACKTEST_MIN_TEST_ACCOUNTS;
  if (fit && !enough)
    warnings.push({
      code: "too_few_test_accounts",
      message: `Only ${nTest} accounts renewing in ${splitIso} – ${isoDay(to - 1)} can be scored (at least ${BACKTEST_MIN_TEST_ACCOUNTS} are needed for a prediction worth showing): choose an earlier split or a later end.`,
    });
  const base = {
    split: splitIso,
    trainWindow: { from: Number.isFinite(firstTrain) ? isoDay(firstTrain) : null, to: splitIso },
    testWindow: { from: splitIso, to: isoDay(to) },
    baselineWindow: { from: isoDay(from), to: splitIso },
    trainAccounts: fit ? fit.nObs : trainDesign.n,
    testAccounts: nTest,
    noEarlierResponse: { train: trainNone, test: testNone },
    excluded: { train: trainSeen - trainDesign.n, test: testSeen - nTest },
    actualRenewals,
    actualArr,
    actualRate: nTest > 0 ? actualRenewals / nTest : null,
    baselineRate,
    baselineAccounts: baseN,
    baselineRenewals: baselineRate === null ? null : baselineRate * nTest,
    baselineArr: baselineRate === null ? null : baselineRate * arrSum,
  };
  if (!fit || !testDesign || !enough) {
    return {
      ...base,
      predictedRenewals: null,
      predictedRenewalsCi95: null,
      predictedArr: null,
      predictedArrCi95: null,
      predictedRate: null,
      errors: {
        modelArr: null,
        modelArrPct: null,
        baselineArr: base.baselineArr === null ? null : base.baselineArr - actualArr,
        baselineArrPct: base.baselineArr === null || actualArr === 0 ? null : ((base.baselineArr - actualArr) / actualArr) * 100,
      },
      auc: null,
      calibration: null,
      coefficients: fit ? fit.coefficients.map((c) => ({ term: c.term, estimate: c.estimate, stdError: c.stdError })) : null,
      segments: segLevels.map((segment, s) => segmentGroup(segment, s, segOf, yTest, arrTest, baselineRate, null)),
      warnings,
    };
  }

  // Point predictions.
  const { p, X } = testDesign;
  const beta = fit.coefficients.map((c) => c.estimate);
  const pHat = predict(fit, X);
  // Draws: β ~ N(β̂, Σ̂), then each later account renews ~ Bernoulli(p(β)).
  const S = segLevels.length;
  const drawCount = new Float64Array(draws);
  const drawArr = new Float64Array(draws);
  const segCount = new Float64Array(draws * S);
  const segArr = new Float64Array(draws * S);
  if (draws > 0) {
    const rng = makeRng(seed);
    const L = covarianceFactor(fit.covariance);
    const z = new Float64Array(p);
    const b = new Float64Array(p);
    for (let d = 0; d < draws; d++) {
      drawMvn(rng, beta, L, z, b);
      let c = 0,
        m = 0;
      for (let k = 0; k < nTest; k++) {
        let eta = 0;
        for (let j = 0; j < p; j++) eta += X[k * p + j] * b[j];
        if (rng.uniform() < logistic(eta)) {
          c++;
          m += arrTest[k];
          const s = segOf[k];
          if (s >= 0) {
            segCount[d * S + s]++;
            segArr[d * S + s] += arrTest[k];
          }
        }
      }
      drawCount[d] = c;
      drawArr[d] = m;
    }
  }
  let predictedRenewals = 0,
    predictedArr = 0;
  for (let k = 0; k < nTest; k++) {
    predictedRenewals += pHat[k];
    predictedArr += pHat[k] * arrTest[k];
  }
  const renewals = Math.min(actualRenewals, nTest - actualRenewals);
  const aucOk = renewals >= BACKTEST_MIN_TEST_EVENTS;
  if (!aucOk)
    warnings.push({
      code: "too_few_test_events",
      message: `The ${nTest} later accounts hold ${actualRenewals} renewals and ${nTest - actualRenewals} non-renewals: AUC and calibration need at least ${BACKTEST_MIN_TEST_EVENTS} of each, so they are not shown.`,
    });
  const pct = (e: number) => (actualArr !== 0 ? (e / actualArr) * 100 : null);
  return {
    ...base,
    predictedRenewals,
    predictedRenewalsCi95: draws > 0 ? interval(drawCount) : null,
    predictedArr,
    predictedArrCi95: draws > 0 ? interval(drawArr) : null,
    predictedRate: predictedRenewals / nTest,
    errors: {
      modelArr: predictedArr - actualArr,
      modelArrPct: pct(predictedArr - actualArr),
      baselineArr: base.baselineArr === null ? null : base.baselineArr - actualArr,
      baselineArrPct: base.baselineArr === null ? null : pct(base.baselineArr - actualArr),
    },
    auc: aucOk ? aucOf(pHat, yTest) : null,
    calibration: aucOk ? calibrationTable(pHat, yTest, 10) : null,
    coefficients: fit.coefficients.map((c) => ({ term: c.term, estimate: c.estimate, stdError: c.stdError })),
    segments: segLevels.map((segment, s) =>
      segmentGroup(segment, s, segOf, yTest, arrTest, baselineRate, {
        pHat,
        draws,
        count: (d) => segCount[d * S + s],
        arr: (d) => segArr[d * S + s],
      }),
    ),
    warnings,
  };
}

function segmentGroup(
  segment: string,
  s: number,
  segOf: Int32Array,
  y: Float64Array,
  arr: Float64Array,
  baselineRate: number | null,
  pred: { pHat: Float64Array; draws: number; count: (d: number) => number; arr: (d: number) => number } | null,
): { segment: string } & BacktestGroup {
  let n = 0,
    ay = 0,
    aArr = 0,
    sumArr = 0,
    pr = 0,
    pArr = 0;
  for (let k = 0; k < segOf.length; k++) {
    if (segOf[k] !== s) continue;
    n++;
    ay += y[k];
    aArr += y[k] * arr[k];
    sumArr += arr[k];
    if (pred) {
      pr += pred.pHat[k];
      pArr += pred.pHat[k] * arr[k];
    }
  }
  const ci = (f: (d: number) => number) =>
    pred && pred.draws > 0 ? interval(Float64Array.from({ length: pred.draws }, (_, d) => f(d))) : null;
  return {
    segment,
    testAccounts: n,
    predictedRenewals: pred ? pr : null,
    predictedRenewalsCi95: pred ? ci(pred.count) : null,
    actualRenewals: ay,
    predictedArr: pred ? pArr : null,
    predictedArrCi95: pred ? ci(pred.arr) : null,
    actualArr: aArr,
    baselineArr: baselineRate === null ? null : baselineRate * sumArr,
  };
}

/**
 * A one-line summary of a split for people (the business case): predicted renewed ARR with its 95% interval and what
 * the interval covers, and the actual, in the window, undiscounted.
 * @example backtestLine(split) // => "Back-tested on renewals 2025-04-01 – 2025-07-03 (model fitted on earlier renewals only): predicted $22,533,155 (95% interval $21,119,474 to $23,536,098, from the coefficients' uncertainty and chance in who renews), actual $22,051,717 of renewed ARR, undiscounted"
 */
export function backtestLine(s: Pick<BacktestSplit, "testWindow" | "predictedArr" | "predictedArrCi95" | "actualArr">): string | null {
  if (s.predictedArr === null) return null;
  const ci = s.predictedArrCi95
    ? ` (95% interval ${money(s.predictedArrCi95[0])} to ${money(s.predictedArrCi95[1])}, from the coefficients' uncertainty and chance in who renews)`
    : "";
  return `Back-tested on renewals ${s.testWindow.from} – ${isoDay(dayOf(s.testWindow.to) - 1)} (model fitted on earlier renewals only): predicted ${money(s.predictedArr)}${ci}, actual ${money(s.actualArr)} of renewed ARR, undiscounted`;
}
