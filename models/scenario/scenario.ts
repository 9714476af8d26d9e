import { ModelError } from "../numeric/errors";
import { logistic } from "../numeric/logistic";
import { discountFactors, moneyFromYears, type Money } from "./money";
import { covarianceFactor, drawMvn, makeRng, quantileSorted } from "../numeric/rng";
import { type Band, rowDelta } from "./levers";

/**
 * What-if scenarios on a fitted logistic renewal model (docs/methods.md#scenarios).
 * For each row i, p_i = logistic(x_i·β) and p'_i = logistic(x'_i·β) where x'_i
 * is x_i with the change (and any band moves of levers.ts) added to the named columns, clipped to their scale.
 * Year t revenue = Σ arr_i · p_i^(t−1) / (1 + d)^(t−1) (year 1 already
 * contracted). The interval comes from seeded draws β ~ N(β̂, Σ̂).
 */

export interface ScenarioInput {
  terms: string[];
  beta: number[];
  cov: number[][];
  /** n x p row-major baseline design rows (as the fit built them). */
  X: Float64Array;
  /** ARR per row. */
  arr: Float64Array;
  /** Points to add, by term/column name, e.g. { nps: 5 }. */
  change: Record<string, number>;
  /** Band moves by column (levers.ts: shares of detractors / passives), added to the change; clipped too. */
  bands?: Record<string, Band[]>;
  /** Scale bounds per column; defaults in DEFAULT_CLIP. */
  clip?: Record<string, [number, number]>;
  /** 1 = the change applies to this row (segment filter); default all rows. */
  rowMask?: Uint8Array;
  /** The rows' baseline under `beta` (baselineOf), computed once for many changes; same answer without it. */
  baseline?: RowsBaseline;
  horizonYears: number;
  annualDiscountRate: number;
  grossMargin: number;
  investment: number;
  /** Number of draws of β for the interval (default 1000); 0 = point estimate only. */
  draws?: number;
  /** Seed of the draws (default DEFAULT_SEED). */
  seed?: number;
}

export interface ScenarioSide {
  /** Mean predicted renewal probability over all rows. */
  renewalRate: number;
  /** Σ_t revenueByYear[t]. */
  revenue: number;
  /** Discounted revenue of year t (index 0 = year 1). */
  revenueByYear: number[];
}

export interface ScenarioResult extends Omit<Money, "roi"> {
  baseline: ScenarioSide;
  scenario: ScenarioSide;
  roi: number | null;
  ci95: {
    revenueGain: [number, number];
    marginGain: [number, number];
    npv: [number, number];
    roi: [number, number] | null;
  } | null;
  /** 95% band of the scenario's revenue by year from the draws. */
  bandByYear?: { lo: number[]; hi: number[] };
  /** 95% band of the baseline's revenue by year from the draws. */
  baselineBandByYear?: { lo: number[]; hi: number[] };
  draws: number;
  seed: number;
  /** Rows in the book and rows the change applies to. */
  rows: number;
  changedRows: number;
}

/** Scale bounds used when the caller gives none: NPS 0-10, CSAT 1-5, CES 1-7. */
export const DEFAULT_CLIP: Record<string, [number, number]> = { nps: [0, 10], csat: [1, 5], ces: [1, 7] };
export const DEFAULT_DRAWS = 1000;
export const DEFAULT_SEED = 20240601;

/**
 * The shifted value of one feature: x + change clipped to [lo, hi], but never
 * moved against the change (a value already outside the scale stays put).
 * @example shiftValue(9, 5, 0, 10) // => 10
 */
export function shiftValue(x: number, change: number, lo: number, hi: number): number {
  const y = x + change;
  if (change >= 0) return Math.max(x, Math.min(y, hi));
  return Math.min(x, Math.max(y, lo));
}

/** Rows of a book (all of them, or one block of a book too large to hold whole). */
export interface ScenarioRows {
  /** n x p row-major design rows. */
  X: Float64Array;
  /** ARR per row. */
  arr: Float64Array;
  /** 1 = the change applies to this row; default all rows. */
  rowMask?: Uint8Array;
  /** The rows' baseline under the model's β (baselineOf), when many changes are run on the same rows. */
  baseline?: RowsBaseline;
}

/**
 * What does not move when only the change does (a what-if slider), computed once for one β and one set of rows:
 * each row's linear predictor η_i = x_i·β and renewal probability p_i = logistic(η_i), and (filled on first use,
 * extended when a longer horizon asks) the baseline's sums Σ arr_i·p_i^t and Σ p_i. A scenario given it skips
 * them and answers bit for bit as without it: the same numbers, summed in the same order. The rows must not be
 * changed in place afterwards.
 */
export interface RowsBaseline {
  /** The β and the rows it was computed with (used only by a scenario on the same arrays with the same β). */
  beta: Float64Array;
  X: Float64Array;
  arr: Float64Array;
  eta: Float64Array;
  p: Float64Array;
  /** Σ_i arr_i·p_i^t for t = 0 … byYear.length − 1 (undiscounted), once a scenario has asked. */
  byYear?: Float64Array;
  /** Σ_i p_i, with byYear. */
  sumP?: number;
}

/**
 * The baseline of rows under β, for ScenarioRows.baseline.
 * @example baselineOf([0, 0.2], { X: Float64Array.of(1, 5), arr: Float64Array.of(1000) }).p // => [logistic(1)]
 */
export function baselineOf(beta: ArrayLike<number>, rows: Pick<ScenarioRows, "X" | "arr">): RowsBaseline {
  const p = beta.length;
  const { X, arr } = rows;
  const n = arr.length;
  const out: RowsBaseline = { beta: Float64Array.from(beta), X, arr, eta: new Float64Array(n), p: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const off = i * p;
    let eta = 0;
    for (let j = 0; j < p; j++) eta += X[off + j] * beta[j];
    out.eta[i] = eta;
    out.p[i] = logistic(eta);
  }
  return out;
}

/** The rows' baseline when it was computed on these very arrays with exactly these coefficients, else null. */
function baselineFor(rows: ScenarioRows, b: Float64Array): RowsBaseline | null {
  const c = rows.baseline;
  if (!c || c.X !== rows.X || c.arr !== rows.arr || c.beta.length !== b.length) return null;
  for (let j = 0; j < b.length; j++) if (c.beta[j] !== b[j]) return null;
  return c;
}

/** The baseline's sums over H years (computed as accumulate does, row by row from zero), kept on the baseline. */
function baselineSums(c: RowsBaseline, H: number): { byYear: Float64Array; sumP: number } {
  if (c.byYear === undefined || c.sumP === undefined || c.byYear.length < H) {
    const byYear = new Float64Array(H);
    let sumP = 0;
    for (let i = 0; i < c.p.length; i++) {
      const p1 = c.p[i];
      sumP += p1;
      let pb = c.arr[i];
      for (let t = 0; t < H; t++) {
        byYear[t] += pb;
        pb *= p1;
      }
    }
    c.byYear = byYear;
    c.sumP = sumP;
  }
  return { byYear: c.byYear, sumP: c.sumP };
}

/** A scenario over a book given as blocks of rows (read in order, once): the same answer as over the whole book. */
export interface ScenarioBlocksInput extends Omit<ScenarioInput, "X" | "arr" | "rowMask" | "baseline"> {
  blocks: () => Iterable<ScenarioRows>;
}

/** A change prepared against a model's terms: the changed columns, their shifts and scale bounds. */
export interface ShiftPlan {
  /** Changed term names, in the change's order (zero changes left out). */
  keys: string[];
  /** Column of each changed term in the design. */
  cols: Int32Array;
  delta: Float64Array;
  /** Band moves of each changed column (levers.ts), or undefined. */
  bands: (Band[] | undefined)[];
  lo: Float64Array;
  hi: Float64Array;
}

interface Prepared extends ShiftPlan {
  p: number;
  H: number;
  disc: Float64Array;
}

/**
 * Checks a change against a model's terms and prepares it (columns, shifts, bounds from `clip`, else DEFAULT_CLIP).
 * @throws ModelError invalid_input when the change names a term the model does not have (or the intercept), or is not a number
 * @example shiftPlan(["Intercept", "nps"], { nps: 5 }).cols // => Int32Array [1]
 */
export function shiftPlan(
  terms: string[],
  change: Record<string, number>,
  clip?: Record<string, [number, number]>,
  bandsByTerm?: Record<string, Band[]>,
): ShiftPlan {
  const keys = [...new Set([...Object.keys(change).filter((k) => change[k] !== 0), ...Object.keys(bandsByTerm ?? {})])];
  const bands = keys.map((k) => bandsByTerm?.[k]);
  const cols = new Int32Array(keys.length);
  const delta = new Float64Array(keys.length);
  const lo = new Float64Array(keys.length);
  const hi = new Float64Array(keys.length);
  keys.forEach((k, j) => {
    const idx = terms.indexOf(k);
    if (idx < 0 || k === "Intercept") {
      throw new ModelError(
        "invalid_input",
        `change names "${k}", which is not a numeric predictor of the model (terms: ${terms.join(", ")})`,
        [k],
      );
    }
    if (!Number.isFinite(change[k] ?? 0)) throw new ModelError("invalid_input", `change of "${k}" is not a number`, [k]);
    const bounds = clip?.[k] ?? DEFAULT_CLIP[k] ?? [-Infinity, Infinity];
    cols[j] = idx;
    delta[j] = change[k] ?? 0;
    lo[j] = bounds[0];
    hi[j] = bounds[1];
  });
  return { keys, cols, delta, bands, lo, hi };
}

/**
 * The linear predictor after the change of one row: η' = η + Σ_j (x'_j − x_j)·b_j over the changed columns, x'_j =
 * shiftValue(x_j, …) (the scenario's shift → clip); `shifted`, when given, receives the x'_j.
 * @example shiftedEta(Float64Array.of(1, 9), 0, 0.2 * 9, [0, 0.2], shiftPlan(["Intercept", "nps"], { nps: 5 })) // => 0.2 · 10
 */
export function shiftedEta(
  X: ArrayLike<number>,
  off: number,
  eta: number,
  b: ArrayLike<number>,
  plan: ShiftPlan,
  shifted?: Float64Array,
): number {
  const { cols, delta, bands, lo, hi } = plan;
  let eta2 = eta;
  for (let j = 0; j < cols.length; j++) {
    const c = cols[j];
    const x = X[off + c];
    const x2 = shiftValue(x, rowDelta(x, delta[j], bands[j]), lo[j], hi[j]);
    if (shifted) shifted[j] = x2;
    eta2 += (x2 - x) * b[c];
  }
  return eta2;
}

/** Renewal probabilities of a block of rows before and after a change (see `predictRenewal`). */
export interface RenewalPrediction {
  /** p_i = logistic(x_i·β). */
  p: Float64Array;
  /** p'_i = logistic(x'_i·β); p_i where the change does not apply. */
  pScenario: Float64Array;
  /** x' of the changed columns, n × plan.keys.length row-major (x where the change does not apply). */
  shifted: Float64Array;
}

/**
 * Each row's renewal probability under a fitted logistic model, before and after the change: the per-account
 * numbers behind a scenario's sums (runScenario) and the accounts export.
 * @example predictRenewal([0, 0.2], { X: Float64Array.of(1, 9), arr: Float64Array.of(1000) }, shiftPlan(["Intercept", "nps"], { nps: 5 })).pScenario // => [logistic(2)]
 */
export function predictRenewal(beta: ArrayLike<number>, rows: ScenarioRows, plan: ShiftPlan): RenewalPrediction {
  const p = beta.length;
  const n = rows.arr.length;
  const k = plan.cols.length;
  const out: RenewalPrediction = { p: new Float64Array(n), pScenario: new Float64Array(n), shifted: new Float64Array(n * k) };
  for (let i = 0; i < n; i++) {
    const off = i * p;
    let eta = 0;
    for (let j = 0; j < p; j++) eta += rows.X[off + j] * beta[j];
    const shifted = out.shifted.subarray(i * k, i * k + k);
    let eta2 = eta;
    if (!rows.rowMask || rows.rowMask[i] === 1) eta2 = shiftedEta(rows.X, off, eta, beta, plan, shifted);
    else for (let j = 0; j < k; j++) shifted[j] = rows.X[off + plan.cols[j]];
    out.p[i] = logistic(eta);
    out.pScenario[i] = eta2 === eta ? out.p[i] : logistic(eta2);
  }
  return out;
}

function prepare(input: ScenarioBlocksInput): Prepared {
  const { terms, beta } = input;
  const p = terms.length;
  if (beta.length !== p) throw new ModelError("invalid_input", `beta has ${beta.length} entries for ${p} terms`);
  const H = input.horizonYears;
  if (!Number.isInteger(H) || H < 1 || H > 100) {
    throw new ModelError("invalid_input", `horizonYears must be a whole number from 1 to 100 (got ${H})`);
  }
  if (!(input.annualDiscountRate > -1) || !Number.isFinite(input.annualDiscountRate)) {
    throw new ModelError("invalid_input", `annualDiscountRate must be above -1 (got ${input.annualDiscountRate})`);
  }
  for (const [name, v] of [
    ["grossMargin", input.grossMargin],
    ["investment", input.investment],
  ] as const) {
    if (!Number.isFinite(v) || v < 0) throw new ModelError("invalid_input", `${name} must be a number >= 0 (got ${v})`);
  }
  return { ...shiftPlan(terms, input.change, input.clip, input.bands), p, H, disc: discountFactors(H, input.annualDiscountRate) };
}

/** Checks one block's shapes and ARR; `rowBase` numbers its rows in the book. */
function checkRows(rows: ScenarioRows, p: number, rowBase: number): number {
  const n = rows.arr.length;
  if (rows.X.length !== n * p) throw new ModelError("invalid_input", `X has ${rows.X.length} entries; expected ${n} rows x ${p} terms`);
  if (rows.rowMask && rows.rowMask.length !== n) {
    throw new ModelError("invalid_input", `rowMask has ${rows.rowMask.length} entries for ${n} rows`);
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(rows.arr[i])) throw new ModelError("invalid_input", `arr of row ${rowBase + i + 1} is not a number`);
  }
  return n;
}

/**
 * One pass over a block's rows for coefficients b: adds arr_i·p_i^(t−1) into base[t] and arr_i·p'_i^(t−1) into
 * scen[t] (undiscounted), and Σp, Σp' into sums[0], sums[1]. The running sums go on from block to block, so the
 * blocks of a book give bit for bit the sums of the whole book. No allocation per row.
 */
function accumulate(
  rows: ScenarioRows,
  prep: Prepared,
  b: Float64Array,
  base: Float64Array,
  scen: Float64Array,
  sums: Float64Array,
  shifts: Float64Array | null,
): void {
  const { X, arr, rowMask } = rows;
  const { p, H, cols } = prep;
  const n = arr.length;
  const k = cols.length;
  const known = baselineFor(rows, b);
  // With the baseline known and the running sums starting here (the first or only block), its sums are known too.
  let fromZero = sums[0] === 0;
  for (let t = 0; t < H; t++) fromZero &&= base[t] === 0;
  const knownSums = known !== null && fromZero ? baselineSums(known, H) : null;
  let sp = sums[0];
  let sp2 = sums[1];
  for (let i = 0; i < n; i++) {
    const off = i * p;
    let eta = 0;
    if (known !== null) eta = known.eta[i];
    else for (let j = 0; j < p; j++) eta += X[off + j] * b[j];
    let eta2 = eta;
    if (shifts !== null) {
      // Precomputed x' − x of the changed columns (0 where the change does not apply).
      for (let j = 0; j < k; j++) eta2 += shifts[i * k + j] * b[cols[j]];
    } else if (k > 0 && (!rowMask || rowMask[i] === 1)) {
      eta2 = shiftedEta(X, off, eta, b, prep);
    }
    const p1 = known !== null ? known.p[i] : logistic(eta);
    const p2 = eta2 === eta ? p1 : logistic(eta2);
    sp2 += p2;
    const a = arr[i];
    let ps = a;
    if (knownSums === null) {
      sp += p1;
      let pb = a;
      for (let t = 0; t < H; t++) {
        base[t] += pb;
        scen[t] += ps;
        pb *= p1;
        ps *= p2;
      }
    } else {
      for (let t = 0; t < H; t++) {
        scen[t] += ps;
        ps *= p2;
      }
    }
  }
  if (knownSums !== null) {
    base.set(knownSums.byYear.subarray(0, H));
    sp = knownSums.sumP;
  }
  sums[0] = sp;
  sums[1] = sp2;
}

/** x' − x of each changed column per row (n x k), once for all draws. */
function shiftTable(rows: ScenarioRows, prep: Prepared): Float64Array {
  const { X, rowMask } = rows;
  const { p, cols, delta, bands, lo, hi } = prep;
  const n = rows.arr.length;
  const k = cols.length;
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    if (rowMask && rowMask[i] !== 1) continue;
    for (let j = 0; j < k; j++) {
      const x = X[i * p + cols[j]];
      out[i * k + j] = shiftValue(x, rowDelta(x, delta[j], bands[j]), lo[j], hi[j]) - x;
    }
  }
  return out;
}

function side(byYearRaw: Float64Array, disc: Float64Array, rate: number): ScenarioSide {
  const revenueByYear = Array.from(byYearRaw, (v, t) => v * disc[t]);
  return { renewalRate: rate, revenue: revenueByYear.reduce((s, v) => s + v, 0), revenueByYear };
}

const interval = (values: Float64Array): [number, number] => {
  const s = Float64Array.from(values).sort();
  return [quantileSorted(s, 0.025), quantileSorted(s, 0.975)];
};

/**
 * Runs a what-if on a fitted logistic renewal model: baseline and scenario
 * renewal rate and revenue by year, revenue and margin gain, ROI, NPV,
 * payback, and a 95% percentile interval from `draws` seeded draws of β.
 * @throws ModelError("invalid_input") for mismatched shapes, an unknown changed column or bad money inputs.
 * @example runScenario({ terms: ["Intercept", "nps"], beta: [0, 0.2], cov: [[0.01, 0], [0, 0.001]],
 *   X: new Float64Array([1, 5, 1, 8]), arr: new Float64Array([1000, 2000]), change: { nps: 1 },
 *   horizonYears: 3, annualDiscountRate: 0, grossMargin: 0.8, investment: 100, draws: 0 })
 */
export function runScenario(input: ScenarioInput): ScenarioResult {
  const { X, arr, rowMask, baseline, ...rest } = input;
  return runScenarioBlocks({ ...rest, blocks: () => [{ X, arr, rowMask, baseline }] });
}

/**
 * `runScenario` over a book given as blocks of rows, read once in order: all draws of β are made first (the
 * same seeded sequence), and each block adds its rows to every draw's sums, so the answer is the whole book's
 * bit for bit while only one block of design rows is held.
 * @example runScenarioBlocks({ ...request, blocks: () => bookBlocks(...)() })
 */
export function runScenarioBlocks(input: ScenarioBlocksInput): ScenarioResult {
  const prep = prepare(input);
  const { p, H, disc } = prep;
  const draws = input.draws ?? DEFAULT_DRAWS;
  const seed = input.seed ?? DEFAULT_SEED;
  if (!Number.isInteger(draws) || draws < 0) throw new ModelError("invalid_input", `draws must be a whole number >= 0 (got ${draws})`);
  const betas = new Float64Array(draws * p);
  if (draws > 0) {
    if (input.cov.length !== p) throw new ModelError("invalid_input", `cov is ${input.cov.length} x ? for ${p} terms`);
    const L = covarianceFactor(input.cov);
    const rng = makeRng(seed);
    const z = new Float64Array(p);
    const b = new Float64Array(p);
    for (let d = 0; d < draws; d++) {
      drawMvn(rng, input.beta, L, z, b);
      betas.set(b, d * p);
    }
  }
  const beta = Float64Array.from(input.beta);
  const base = new Float64Array(H);
  const scen = new Float64Array(H);
  const sums = new Float64Array(2);
  const drawBase = new Float64Array(draws * H);
  const drawScen = new Float64Array(draws * H);
  const drawSums = new Float64Array(2 * draws);
  let n = 0;
  let changedRows = 0;
  for (const rows of input.blocks()) {
    const nb = checkRows(rows, p, n);
    accumulate(rows, prep, beta, base, scen, sums, null);
    if (prep.cols.length > 0) {
      if (!rows.rowMask) changedRows += nb;
      else for (let i = 0; i < nb; i++) changedRows += rows.rowMask[i] === 1 ? 1 : 0;
    }
    if (draws > 0) {
      const shifts = shiftTable(rows, prep);
      for (let d = 0; d < draws; d++) {
        const at = d * H;
        accumulate(
          rows,
          prep,
          betas.subarray(d * p, d * p + p),
          drawBase.subarray(at, at + H),
          drawScen.subarray(at, at + H),
          drawSums.subarray(2 * d, 2 * d + 2),
          shifts,
        );
      }
    }
    n += nb;
  }
  const baseline = side(base, disc, n > 0 ? sums[0] / n : 0);
  const scenario = side(scen, disc, n > 0 ? sums[1] / n : 0);
  const money = moneyFromYears(baseline.revenueByYear, scenario.revenueByYear, input);
  const result: ScenarioResult = { baseline, scenario, ...money, ci95: null, draws, seed, rows: n, changedRows };
  if (draws === 0) return result;

  const gains = new Float64Array(draws);
  const scenYears = new Float64Array(draws * H);
  const baseYears = new Float64Array(draws * H);
  for (let d = 0; d < draws; d++) {
    let g = 0;
    for (let t = 0; t < H; t++) {
      const bv = drawBase[d * H + t] * disc[t];
      const sv = drawScen[d * H + t] * disc[t];
      baseYears[t * draws + d] = bv;
      scenYears[t * draws + d] = sv;
      g += sv - bv;
    }
    gains[d] = g;
  }
  const gm = input.grossMargin;
  const inv = input.investment;
  const gi = interval(gains);
  // Margin gain, NPV and ROI are increasing affine maps of the revenue gain, so their percentiles map too.
  result.ci95 = {
    revenueGain: gi,
    marginGain: [gm * gi[0], gm * gi[1]],
    npv: [gm * gi[0] - inv, gm * gi[1] - inv],
    roi: inv > 0 ? [(gm * gi[0] - inv) / inv, (gm * gi[1] - inv) / inv] : null,
  };
  const band = (years: Float64Array) => {
    const lo: number[] = [];
    const hi: number[] = [];
    for (let t = 0; t < H; t++) {
      const [l, h] = interval(years.subarray(t * draws, (t + 1) * draws));
      lo.push(l);
      hi.push(h);
    }
    return { lo, hi };
  };
  result.bandByYear = band(scenYears);
  result.baselineBandByYear = band(baseYears);
  return result;
}

export interface EffectScenarioInput {
  /** Number of accounts (when arr is one figure per account for all) — or per-account arrays. */
  accounts?: number;
  /** ARR per account: one number for all accounts, or one per account. */
  arr: number | Float64Array;
  /** Baseline renewal rate (fraction), one for all or one per account. */
  baselineRenewal: number | Float64Array;
  /** Renewal-rate lift as a fraction (+6 points = 0.06); the new rate is clipped to [0, 1]. */
  renewalLift: number;
  horizonYears: number;
  annualDiscountRate: number;
  grossMargin: number;
  investment: number;
}

/**
 * A scenario with the effect given directly (not fitted): every account's
 * renewal rate moves from r to r + lift (docs/methods.md#renewal-uplift, worked example 7).
 * @example runEffectScenario({ accounts: 10000, arr: 12000, baselineRenewal: 0.85, renewalLift: 0.06,
 *   horizonYears: 3, annualDiscountRate: 0, grossMargin: 0.8, investment: 2_000_000 }).revenueGain // => 19_872_000
 */
export function runEffectScenario(input: EffectScenarioInput): Omit<ScenarioResult, "ci95" | "draws" | "seed" | "changedRows"> {
  const H = input.horizonYears;
  if (!Number.isInteger(H) || H < 1 || H > 100) {
    throw new ModelError("invalid_input", `horizonYears must be a whole number from 1 to 100 (got ${H})`);
  }
  const n =
    typeof input.arr !== "number"
      ? input.arr.length
      : typeof input.baselineRenewal !== "number"
        ? input.baselineRenewal.length
        : (input.accounts ?? 1);
  if (!Number.isInteger(n) || n < 0) throw new ModelError("invalid_input", `accounts must be a whole number (got ${n})`);
  const arrAt = (i: number) => (typeof input.arr === "number" ? input.arr : input.arr[i]);
  const rAt = (i: number) => (typeof input.baselineRenewal === "number" ? input.baselineRenewal : input.baselineRenewal[i]);
  const disc = discountFactors(H, input.annualDiscountRate);
  const base = new Float64Array(H);
  const scen = new Float64Array(H);
  let sr = 0;
  let sr2 = 0;
  // With one ARR and one rate for all, one account stands for all (times n): exact and O(H).
  const uniform = typeof input.arr === "number" && typeof input.baselineRenewal === "number";
  const m = uniform ? Math.min(n, 1) : n;
  const weight = uniform ? n : 1;
  for (let i = 0; i < m; i++) {
    const r = rAt(i);
    if (!(r >= 0 && r <= 1)) throw new ModelError("invalid_input", `baselineRenewal must be in [0, 1] (got ${r})`);
    // The new rate as r + lift, not rounded: worked example 7 needs (0.91 − 0.85) = 0.06 from the lift itself.
    const r2 = Math.min(1, Math.max(0, r + input.renewalLift));
    sr += r * weight;
    sr2 += r2 * weight;
    const a = arrAt(i) * weight;
    for (let t = 0; t < H; t++) {
      base[t] += a * Math.pow(r, t);
      scen[t] += a * Math.pow(r2, t);
    }
  }
  const baseline = side(base, disc, n > 0 ? sr / n : 0);
  const scenario = side(scen, disc, n > 0 ? sr2 / n : 0);
  // Gains are computed from the differences per year (r'^k − r^k), which is how the example is written.
  const money = moneyFromYears(baseline.revenueByYear, scenario.revenueByYear, input);
  return { baseline, scenario, ...money, rows: n };
}
