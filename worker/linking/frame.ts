import { buildDesign, type Column, designBlock, planDesign } from "../../models/regression/design";
import type { TranslateBlock } from "../../models/regression/translation";
import { DEFAULT_CLIP } from "../../models/scenario/scenario";
import type { JoinedAccounts } from "../data/join";
import { type Env, limit } from "../env";

/** The joined accounts as named columns for models/: numeric and text columns side by side. */
/**
 * The column a user named, if the record has it as its own property: `constructor`, `__proto__` or `toString` are
 * names of Object.prototype, not columns.
 * @example ownColumn(joined.numeric, "constructor") // => undefined
 */
export function ownColumn<T>(columns: Record<string, T>, name: string): T | undefined {
  return Object.hasOwn(columns, name) ? columns[name] : undefined;
}

export function accountFrame(j: JoinedAccounts): Record<string, Column> {
  return { ...j.numeric, ...j.text };
}

/** Scale bounds for scenario shifts: NPS 0-10, CSAT 1..scale of the responses dataset, CES 1-7. */
export function clipFor(csatScale: number): Record<string, [number, number]> {
  return { ...DEFAULT_CLIP, csat: [1, csatScale] };
}

/** A stored model's recipe: enough to rebuild its design rows on the current data. */
export interface ModelRecipe {
  predictors: string[];
  outcome: string;
  terms: string[];
  levels: Record<string, string[]>;
}

/** The book a model is applied to: design rows of every account with the predictors and ARR present. */
export interface Book {
  X: Float64Array;
  n: number;
  p: number;
  terms: string[];
  /** Source account row of each design row. */
  rows: Int32Array;
  arr: Float64Array;
  accountId: (string | null)[];
  segment: (string | null)[];
  /** Accounts left out (a predictor or ARR missing, or a level the fit never saw). */
  excluded: number;
}

/**
 * Rebuilds a model's design rows on the joined accounts with the fit's levels.
 * The outcome is not required: a scenario projects every account with the
 * predictors, renewal known or not.
 */
export function bookFor(j: JoinedAccounts, recipe: ModelRecipe, opts: { requireOutcome?: boolean } = {}): Book {
  const data = accountFrame(j);
  const required = opts.requireOutcome ? ["arr", recipe.outcome] : ["arr"];
  const d = buildDesign(data, recipe.predictors, { levels: recipe.levels, required });
  const arr = new Float64Array(d.n);
  const accountId: (string | null)[] = new Array(d.n);
  const segment: (string | null)[] = new Array(d.n);
  const ids = j.text.account_id ?? [];
  const seg = j.text.segment ?? [];
  for (let i = 0; i < d.n; i++) {
    const r = d.rows[i];
    arr[i] = j.numeric.arr[r];
    accountId[i] = ids[r] ?? null;
    segment[i] = seg[r] ?? null;
  }
  return { X: d.X, n: d.n, p: d.p, terms: d.terms, rows: d.rows, arr, accountId, segment, excluded: d.excluded };
}

/** A book too large to hold whole: its size and rows, and its design rows built a block at a time. */
export interface BlockBook {
  n: number;
  p: number;
  terms: string[];
  /** Source account row of each design row. */
  rows: Int32Array;
  excluded: number;
  /** The design rows with their ARR in order, `blockRows` at a time; `from` is the first row's index in the book. */
  blocks: () => Iterable<TranslateBlock & { from: number }>;
}

/**
 * The book of `bookFor` without its matrix: the same rows and columns, built `blockRows` at a time when iterated
 * (for a design over MODEL_BLOCK_CELLS: the translation, the holdout and scenarios read it block by block).
 */
export function bookInBlocks(j: JoinedAccounts, recipe: ModelRecipe, opts: { requireOutcome?: boolean }, blockRows: number): BlockBook {
  const data = accountFrame(j);
  const required = opts.requireOutcome ? ["arr", recipe.outcome] : ["arr"];
  const plan = planDesign(data, recipe.predictors, { levels: recipe.levels, required });
  const size = Math.max(1, Math.floor(blockRows));
  return {
    n: plan.n,
    p: plan.p,
    terms: plan.terms,
    rows: plan.rows,
    excluded: plan.excluded,
    blocks: function* () {
      for (let from = 0; from < plan.n; from += size) {
        const to = Math.min(plan.n, from + size);
        const arr = new Float64Array(to - from);
        for (let i = from; i < to; i++) arr[i - from] = j.numeric.arr[plan.rows[i]];
        yield { X: designBlock(plan, data, from, to), arr, n: to - from, from };
      }
    },
  };
}

/** The blocks of `bookInBlocks` alone (for `translateEffects({ blocks })`). */
export function bookBlocks(
  j: JoinedAccounts,
  recipe: ModelRecipe,
  opts: { requireOutcome?: boolean },
  blockRows: number,
): () => Iterable<TranslateBlock> {
  return bookInBlocks(j, recipe, opts, blockRows).blocks;
}

/**
 * Rows per block when a design of `rows` × `terms` is over MODEL_BLOCK_CELLS (default 4,000,000 cells, 32 MB),
 * else 0 (hold it whole). Between 256 and 65,536 rows.
 */
export function modelBlockRows(env: Env, rows: number, terms: number): number {
  const cells = limit(env, "MODEL_BLOCK_CELLS", 4_000_000);
  if (rows * terms <= cells) return 0;
  return Math.max(256, Math.min(65_536, Math.floor(cells / Math.max(terms, 1))));
}
