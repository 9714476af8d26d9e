import { coefficientEstimates } from "../../models/regression/model";
import { runScenario, runScenarioBlocks, type ScenarioResult } from "../../models/scenario/scenario";
import type { Env } from "../env";
import { limit } from "../env";
import { ApiError, notFound } from "../errors";
import { loadJoinedAccounts } from "../data/join";
import { type BlockBook, type Book, bookFor, bookInBlocks, clipFor, modelBlockRows } from "./frame";
import { getModel, type StoredModel } from "../data/models-store";

/** A scenario request as the API takes it (defaults filled in by the zod schema). */
export interface ScenarioRequest {
  name: string;
  modelId: string;
  change: Record<string, number>;
  horizonYears: number;
  annualDiscountRate: number;
  grossMargin: number;
  investment: number;
  draws: number;
  seed: number;
  segment?: string | null;
  save: boolean;
}

/** The API body of a scenario (without id and createdAt): what a saved scenario stores as its result. */
export interface ScenarioBody extends ScenarioResult {
  name: string;
  modelId: string;
  segment: string | null;
  request: Omit<ScenarioRequest, "save">;
  accounts: number;
  excludedAccounts: number;
  assumptions: string[];
  data: {
    datasets: { accounts: string; responses: string | null };
    modelDatasets: { accounts: string; responses: string | null };
    dataChangedSinceFit: boolean;
  };
}

export interface ScenarioRun {
  model: StoredModel;
  /** The book held whole, or (over MODEL_BLOCK_CELLS) its plan and blocks. */
  book: Book | BlockBook;
  rowMask: Uint8Array | undefined;
  result: ScenarioResult;
  body: ScenarioBody;
}

/** Loads the model and the book, checks the request against them, and runs the scenario. */
export async function runScenarioRequest(env: Env, ws: string, req: ScenarioRequest): Promise<ScenarioRun> {
  const model = await getModel(env, ws, req.modelId);
  if (!model) throw notFound("model");
  if (model.kind !== "logistic") {
    throw new ApiError(
      422,
      "scenario_needs_logistic",
      "Scenarios project renewals: pick a logistic model of renewed (this one is linear).",
      [{ column: "modelId", message: `model ${model.id} is linear on ${model.outcome}` }],
    );
  }
  const maxDraws = limit(env, "MAX_DRAWS", 10_000);
  if (req.draws > maxDraws) {
    throw new ApiError(422, "too_many_draws", `draws may be at most ${maxDraws} (got ${req.draws}).`, [
      { column: "draws", message: `> ${maxDraws}` },
    ]);
  }
  const terms = model.result.terms;
  const numericPredictors = new Set(model.result.predictors.filter((p) => terms.includes(p)));
  for (const k of Object.keys(req.change)) {
    if (!numericPredictors.has(k)) {
      throw new ApiError(
        422,
        "unknown_change",
        `The change names "${k}", which is not a numeric predictor of model ${model.id} (its numeric predictors: ${[...numericPredictors].join(", ") || "none"}).`,
        [{ column: `change.${k}`, message: "not a numeric predictor of the model" }],
      );
    }
  }
  const joined = await loadJoinedAccounts(env, ws);
  const recipe = { ...model.result, outcome: model.outcome, levels: model.result.design.levels };
  // Over MODEL_BLOCK_CELLS the design is never held whole: the scenario reads it a block of rows at a time.
  const blockRows = modelBlockRows(env, joined.numeric.arr?.length ?? 0, terms.length);
  const book: Book | BlockBook = blockRows ? bookInBlocks(joined, recipe, {}, blockRows) : bookFor(joined, recipe);
  if (book.n === 0) throw new ApiError(422, "too_few_rows", "No account has all the model's predictors and ARR: nothing to project.");
  // A budget on the work of the interval: rows × draws × terms (a worker has limited CPU time).
  if (book.n * req.draws * book.p > 2e9) {
    throw new ApiError(
      422,
      "too_large",
      `${book.n} accounts × ${req.draws} draws is too much work for one request: lower draws (e.g. ${Math.max(100, Math.floor(2e9 / (book.n * book.p)))}).`,
      [{ column: "draws", message: "too many for this book" }],
    );
  }
  const segmentOf = (i: number): string | null => joined.text.segment?.[book.rows[i]] ?? null;
  let rowMask: Uint8Array | undefined;
  if (req.segment) {
    rowMask = new Uint8Array(book.n);
    let hits = 0;
    for (let i = 0; i < book.n; i++)
      if (segmentOf(i) === req.segment) {
        rowMask[i] = 1;
        hits++;
      }
    if (hits === 0) {
      const known = [...new Set(Array.from(book.rows, (_, i) => segmentOf(i)).filter((v): v is string => v !== null))].sort();
      throw new ApiError(
        422,
        "unknown_segment",
        `No account of segment "${req.segment}" in the book (segments: ${known.join(", ") || "none"}).`,
        [{ column: "segment", message: "no account of this segment" }],
      );
    }
  }
  const common = {
    terms: book.terms,
    beta: coefficientEstimates(model.result),
    cov: model.result.covariance,
    change: req.change,
    clip: clipFor(joined.csatScale),
    horizonYears: req.horizonYears,
    annualDiscountRate: req.annualDiscountRate,
    grossMargin: req.grossMargin,
    investment: req.investment,
    draws: req.draws,
    seed: req.seed,
  };
  const result =
    "X" in book
      ? runScenario({ ...common, X: book.X, arr: book.arr, rowMask })
      : runScenarioBlocks({
          ...common,
          blocks: function* () {
            for (const b of book.blocks()) yield { X: b.X, arr: b.arr, rowMask: rowMask?.subarray(b.from, b.from + b.n) };
          },
        });
  const { save: _save, ...request } = req;
  const body: ScenarioBody = {
    name: req.name,
    modelId: model.id,
    segment: req.segment ?? null,
    request,
    ...result,
    accounts: book.n,
    excludedAccounts: book.excluded,
    assumptions: assumptions(req, model, joined.csatScale),
    data: {
      datasets: joined.datasets,
      modelDatasets: model.datasets,
      dataChangedSinceFit: joined.datasets.accounts !== model.datasets.accounts || joined.datasets.responses !== model.datasets.responses,
    },
  };
  return { model, book, rowMask, result, body };
}

function assumptions(req: ScenarioRequest, model: StoredModel, csatScale: number): string[] {
  const changes =
    Object.entries(req.change)
      .map(([k, v]) => `${k} ${v >= 0 ? "+" : ""}${v} points`)
      .join(", ") || "no change";
  return [
    `Change: ${changes}${req.segment ? ` for segment ${req.segment} only` : " for every account"}, clipped to the scale (NPS 0-10, CSAT 1-${csatScale}, CES 1-7).`,
    `Renewal probability of each account from the logistic model ${model.id} (outcome ${model.outcome}); each year the account renews with that probability.`,
    `Year-1 revenue is already contracted; year t revenue = ARR · p^(t−1), discounted by (1 + ${req.annualDiscountRate})^(t−1), over ${req.horizonYears} years.`,
    `Gross margin ${req.grossMargin}; investment ${req.investment}; ROI = (margin gain − investment) / investment; NPV = discounted margin gain − investment.`,
    `Payback: year t's gain accrues over (t−1, t]; null if the investment is not recovered within the horizon.`,
    req.draws > 0
      ? `95% interval: percentiles of ${req.draws} draws of the coefficients from N(β̂, Σ̂), seed ${req.seed} (the same request gives the same answer).`
      : "No interval (draws = 0).",
    "The model measures association in historical data; it does not prove that lifting satisfaction causes the renewals.",
  ];
}
