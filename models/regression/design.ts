/**
 * Design matrices from named columns, the patsy / statsmodels way:
 * `Intercept`, numeric predictors by name, then each categorical predictor as
 * treatment dummies `col[T.level]` with the alphabetically first level as the
 * reference. Rows with a missing value in any needed column are excluded and
 * counted.
 */
import { ModelError } from "../numeric/errors";

/** A data column: numbers (NaN / null = missing) or text (null / "" = missing; text means categorical). */
export type Column = ArrayLike<number> | readonly (string | null)[];

export interface DesignOptions {
  /** Fixed levels per categorical column (first = reference), e.g. reused from a fit. */
  levels?: Record<string, string[]>;
  /** Add the `Intercept` column (default true). */
  intercept?: boolean;
  /** Extra columns that must be present (numeric, non-missing) for a row to be kept, e.g. the outcome. */
  required?: string[];
}

export interface Design {
  /** Row-major n × p design. */
  X: Float64Array;
  n: number;
  p: number;
  terms: string[];
  /** Source row index of each design row. */
  rows: Int32Array;
  /** Rows left out for a missing value (or, with fixed levels, a level the fit never saw). */
  excluded: number;
  levels: Record<string, string[]>;
  /** For each term, the predictor (column) it comes from; "Intercept" for the intercept. */
  sources: string[];
}

/** True when the column holds text (any non-null string entry): such a predictor is categorical. @example isTextColumn(["a", null]) // => true */
export function isTextColumn(col: Column): boolean {
  if (ArrayBuffer.isView(col)) return false; // a typed array holds numbers only
  for (let i = 0; i < col.length; i++) {
    const v = (col as ArrayLike<unknown>)[i];
    if (typeof v === "string") return true;
  }
  return false;
}

/** Numeric value of a cell, NaN when missing or not a number. @example numAt([1, null], 1) // => NaN */
export function numAt(col: Column, i: number): number {
  const v = (col as ArrayLike<unknown>)[i];
  return typeof v === "number" ? v : NaN;
}

function textAt(col: Column, i: number): string | null {
  const v = (col as ArrayLike<unknown>)[i];
  if (v === null || v === undefined) return null;
  const s = typeof v === "string" ? v : String(v);
  return s === "" ? null : s;
}

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Everything of a design but its matrix: which rows are kept, the terms and the levels. Rows are built from it by range. */
export interface DesignPlan extends Omit<Design, "X"> {
  intercept: boolean;
  numeric: string[];
  categorical: string[];
  levelIndex: Record<string, Map<string, number>>;
}

/**
 * Builds the design matrix for `predictors` over the columns in `data`.
 * @throws ModelError invalid_input when a column is missing or the columns differ in length
 * @example buildDesign({ x: [1, 2, 3], g: ["a", "b", "a"] }, ["x", "g"]).terms // => ["Intercept", "x", "g[T.b]"]
 */
export function buildDesign(data: Record<string, Column>, predictors: string[], opts: DesignOptions = {}): Design {
  const plan = planDesign(data, predictors, opts);
  const { n, p, terms, rows, excluded, levels, sources } = plan;
  return { X: designBlock(plan, data, 0, n), n, p, terms, rows, excluded, levels, sources };
}

/** `rec[key]` when it is the record's own property (a column named "constructor" is one; Object.prototype's is not). */
const own = <T>(rec: Record<string, T> | undefined, key: string): T | undefined => (rec && Object.hasOwn(rec, key) ? rec[key] : undefined);

/**
 * The design's rows, terms and levels without its matrix (one pass over the columns, n bytes of row flags):
 * `designBlock` then builds any range of design rows, so a large design is never held whole.
 * @throws ModelError invalid_input when a column is missing or the columns differ in length
 * @example const plan = planDesign(data, ["x", "g"]); const X = designBlock(plan, data, 0, Math.min(plan.n, 65536));
 */
export function planDesign(data: Record<string, Column>, predictors: string[], opts: DesignOptions = {}): DesignPlan {
  const intercept = opts.intercept ?? true;
  const needed = [...predictors, ...(opts.required ?? [])];
  let nRows = -1;
  for (const name of needed) {
    // Own properties only: "constructor" or "__proto__" name a column only when the data has one.
    const col = own(data, name);
    if (!col) throw new ModelError("invalid_input", `No column named "${name}" in the data.`, [name]);
    if (nRows >= 0 && col.length !== nRows)
      throw new ModelError("invalid_input", `Column "${name}" has ${col.length} values; the others have ${nRows}.`, [name]);
    nRows = col.length;
  }
  if (nRows < 0) nRows = 0;
  if (new Set(predictors).size !== predictors.length) throw new ModelError("invalid_input", "A predictor is listed twice.", predictors);

  const numeric = predictors.filter((p) => !own(opts.levels, p) && !isTextColumn(data[p]));
  const categorical = predictors.filter((p) => !numeric.includes(p));
  const required = opts.required ?? [];

  // Row filter: every numeric column finite, every categorical present (and known when levels are fixed).
  const keep = new Uint8Array(nRows);
  const levelIndex: Record<string, Map<string, number>> = Object.create(null);
  const levels: Record<string, string[]> = Object.create(null);
  const numCols = numeric.map((name) => data[name]);
  const reqCols = required.map((name) => data[name]);
  const catCols = categorical.map((name) => data[name]);
  for (let i = 0; i < nRows; i++) {
    let ok = 1;
    for (const col of numCols)
      if (!Number.isFinite(numAt(col, i))) {
        ok = 0;
        break;
      }
    if (ok)
      for (const col of reqCols)
        if (!Number.isFinite(numAt(col, i))) {
          ok = 0;
          break;
        }
    if (ok)
      for (const col of catCols)
        if (textAt(col, i) === null) {
          ok = 0;
          break;
        }
    keep[i] = ok;
  }
  for (const name of categorical) {
    let lv = own(opts.levels, name);
    if (!lv) {
      const seen = new Set<string>();
      for (let i = 0; i < nRows; i++) if (keep[i]) seen.add(textAt(data[name], i)!);
      lv = [...seen].sort(byCodePoint);
    }
    levels[name] = lv;
    levelIndex[name] = new Map(lv.map((l, k) => [l, k]));
    if (own(opts.levels, name)) for (let i = 0; i < nRows; i++) if (keep[i] && !levelIndex[name].has(textAt(data[name], i)!)) keep[i] = 0;
  }

  const terms: string[] = [];
  const sources: string[] = [];
  if (intercept) {
    terms.push("Intercept");
    sources.push("Intercept");
  }
  for (const name of numeric) {
    terms.push(name);
    sources.push(name);
  }
  for (const name of categorical)
    for (const l of levels[name].slice(1)) {
      terms.push(`${name}[T.${l}]`);
      sources.push(name);
    }

  let n = 0;
  for (let i = 0; i < nRows; i++) n += keep[i];
  const p = terms.length;
  const rows = new Int32Array(n);
  for (let i = 0, r = 0; i < nRows; i++) if (keep[i]) rows[r++] = i;
  return { n, p, terms, rows, excluded: nRows - n, levels, sources, intercept, numeric, categorical, levelIndex };
}

/**
 * Design rows `from` ≤ r < `to` (row-major (to − from) × p), as `buildDesign` would hold them.
 * @example designBlock(planDesign({ x: [1, 2, 3] }, ["x"]), { x: [1, 2, 3] }, 1, 3) // => Float64Array [1, 2, 1, 3]
 */
export function designBlock(plan: DesignPlan, data: Record<string, Column>, from: number, to: number): Float64Array {
  return fillRows(plan, data, plan.rows, from, to);
}

/**
 * The design rows at the given design-row indices (row-major idx.length × p).
 * @example designRowsAt(plan, data, [0, 10]) // rows 0 and 10 of the design
 */
export function designRowsAt(plan: DesignPlan, data: Record<string, Column>, idx: ArrayLike<number>): Float64Array {
  const src = new Int32Array(idx.length);
  for (let k = 0; k < idx.length; k++) src[k] = plan.rows[idx[k]];
  return fillRows(plan, data, src, 0, src.length);
}

/** Row k of the result is the design row of source row `src[from + k]`. */
function fillRows(plan: DesignPlan, data: Record<string, Column>, src: ArrayLike<number>, from: number, to: number): Float64Array {
  const { p, intercept, numeric, categorical, levelIndex, levels } = plan;
  const X = new Float64Array(Math.max(0, to - from) * p);
  const numCols = numeric.map((name) => data[name]);
  const typed = numCols.map((c) => (c instanceof Float64Array ? c : null));
  for (let r = from; r < to; r++) {
    const i = src[r];
    let o = (r - from) * p;
    if (intercept) X[o++] = 1;
    for (let k = 0; k < numCols.length; k++) X[o++] = typed[k] ? typed[k]![i] : numAt(numCols[k], i);
    for (const name of categorical) {
      const k = levelIndex[name].get(textAt(data[name], i)!)!;
      if (k > 0) X[o + k - 1] = 1;
      o += levels[name].length - 1;
    }
  }
  return X;
}
