import {
  beyondObservedWarnings,
  emptyCounts,
  LEVER_KEYS,
  observedSpread,
  resolveLevers,
  type ResolvedLevers,
  type Warning,
} from "../../models/scenario/levers";
import { coefficientEstimates } from "../../models/regression/model";
import { runScenario, runScenarioBlocks, type ScenarioResult } from "../../models/scenario/scenario";
import { ModelError } from "../../models/numeric/errors";
import { bookAnswers } from "../data/answer-counts";
import type { Env } from "../env";
import { limit } from "../env";
import { ApiError, notFound } from "../errors";
import { joinAccounts, joinDatasets } from "../data/join";
import { approxBytes } from "../data/isolate-cache";
import { type BookData, cachedBook } from "./scenario-cache";
import { type BlockBook, type Book, bookFor, bookInBlocks, clipFor, modelBlockRows } from "./frame";
import { getModel, modelSurveyType, type StoredModel } from "../data/models-store";

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
  /** NPS / CSAT before → after (absent on scenarios saved before levers in business units). */
  scores?: ResolvedLevers["scores"];
  levers?: {
    applied: { change: Record<string, number>; bands: ResolvedLevers["bands"] };
    shift: ResolvedLevers["shift"];
    meanAnswerChange: ResolvedLevers["meanAnswerChange"];
    explained: string[];
    observedSpread: ReturnType<typeof observedSpread>;
  };
  warnings?: Warning[];
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
  // The model and the newest datasets are independent lookups: one D1 round trip's wait instead of two. A missing
  // model is reported before missing accounts, as when they ran in turn.
  const [found, data] = await Promise.allSettled([getModel(env, ws, req.modelId), joinDatasets(env, ws)]);
  if (found.status === "rejected") throw found.reason;
  const model = found.value;
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
  // A lever in business units needs the predictor it moves.
  const leverOf: Record<string, string> = { npsScore: "nps", detractorsToPassives: "nps", passivesToPromoters: "nps", csatPp: "csat" };
  for (const k of Object.keys(req.change)) {
    if ((LEVER_KEYS as readonly string[]).includes(k)) {
      if (!numericPredictors.has(leverOf[k])) {
        throw new ApiError(
          422,
          "unknown_change",
          `The change "${k}" moves ${leverOf[k]}, which is not a predictor of model ${model.id} (its numeric predictors: ${[...numericPredictors].join(", ") || "none"}).`,
          [{ column: `change.${k}`, message: `needs ${leverOf[k]} among the model's predictors` }],
        );
      }
      continue;
    }
    if (!numericPredictors.has(k)) {
      throw new ApiError(
        422,
        "unknown_change",
        `The change names "${k}", which is not a numeric predictor of model ${model.id} (its numeric predictors: ${[...numericPredictors].join(", ") || "none"}).`,
        [{ column: `change.${k}`, message: "not a numeric predictor of the model" }],
      );
    }
  }
  // The model's book on the newest datasets (ids looked up above, on every request) and the answers counted on it
  // come from the isolate's cache when this model was run on the same datasets before (scenario-cache.ts).
  if (data.status === "rejected") throw data.reason;
  const { accounts, responses } = data.value;
  const bookData: BookData = { workspaceId: ws, accounts, responses, surveyType: modelSurveyType(model) };
  const csatScale = responses ? Number(responses.options.csatScale ?? 5) : 5;
  const datasets = { accounts: accounts.id, responses: responses?.id ?? null };
  const { book, segment, answers } = await cachedBook(env, bookData, model.id, async () => {
    const joined = await joinAccounts(env, accounts, responses, bookData.surveyType);
    const recipe = { ...model.result, outcome: model.outcome, levels: model.result.design.levels };
    // Over MODEL_BLOCK_CELLS the design is never held whole: the scenario reads it a block of rows at a time.
    const blockRows = modelBlockRows(env, joined.numeric.arr?.length ?? 0, terms.length);
    const b: Book | BlockBook = blockRows ? bookInBlocks(joined, recipe, {}, blockRows) : bookFor(joined, recipe);
    const seg = joined.text.segment ?? [];
    const segment = "segment" in b ? b.segment : Array.from(b.rows, (r) => seg[r] ?? null);
    // The answers of every account in the book, and per segment and quarter (models/scenario/levers.ts): a
    // segment's what-if takes that segment's counts, which are the counts of the accounts it changes.
    const inBook = new Uint8Array(joined.n);
    for (let i = 0; i < b.n; i++) inBook[b.rows[i]] = 1;
    const answers = await bookAnswers(env, ws, joined, inBook, inBook, responses);
    // A book built block by block holds the joined accounts (its blocks are built from them when read).
    const bytes = approxBytes(b) + ("segment" in b ? 0 : approxBytes(segment) + approxBytes(joined)) + approxBytes(answers);
    return { book: b, segment, answers, bytes };
  });
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
  let rowMask: Uint8Array | undefined;
  let target = answers.target;
  if (req.segment) {
    rowMask = new Uint8Array(book.n);
    let hits = 0;
    for (let i = 0; i < book.n; i++)
      if (segment[i] === req.segment) {
        rowMask[i] = 1;
        hits++;
      }
    if (hits === 0) {
      const known = [...new Set(segment.filter((v): v is string => v !== null))].sort();
      throw new ApiError(
        422,
        "unknown_segment",
        `No account of segment "${req.segment}" in the book (segments: ${known.join(", ") || "none"}).`,
        [{ column: "segment", message: "no account of this segment" }],
      );
    }
    // Levers → per-account changes (models/scenario/levers.ts), on the answers of the accounts changed.
    target = Object.hasOwn(answers.groups, `segment ${req.segment}`) ? answers.groups[`segment ${req.segment}`] : emptyCounts(csatScale);
  }
  let levers: ResolvedLevers;
  try {
    levers = resolveLevers(req.change, target);
  } catch (err) {
    if (err instanceof ModelError) {
      throw new ApiError(422, err.code === "change_out_of_range" ? "change_out_of_range" : "invalid_change", err.message, [
        { column: `change.${err.terms[0] ?? "nps"}`, message: err.message },
      ]);
    }
    throw err;
  }
  const spread = observedSpread(answers.groups);
  const warnings: Warning[] = beyondObservedWarnings(levers.scores, spread);
  const common = {
    terms: book.terms,
    beta: coefficientEstimates(model.result),
    cov: model.result.covariance,
    change: levers.change,
    bands: levers.bands,
    clip: clipFor(csatScale),
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
    scores: levers.scores,
    levers: {
      applied: { change: levers.change, bands: levers.bands },
      shift: levers.shift,
      meanAnswerChange: levers.meanAnswerChange,
      explained: levers.explained,
      observedSpread: spread,
    },
    warnings,
    accounts: book.n,
    excludedAccounts: book.excluded,
    assumptions: assumptions(req, model, csatScale, levers),
    data: {
      datasets,
      modelDatasets: model.datasets,
      dataChangedSinceFit: datasets.accounts !== model.datasets.accounts || datasets.responses !== model.datasets.responses,
    },
  };
  return { model, book, rowMask, result, body };
}

const usd = (v: number) => `$${Math.round(v).toLocaleString("en-US")}`;
const percent = (v: number) => `${Number((100 * v).toFixed(2))}%`;

/** The scenario's assumptions in words, each with its unit (the report and the one-pager list them). */
function assumptions(req: ScenarioRequest, model: StoredModel, csatScale: number, levers: ResolvedLevers): string[] {
  const other = Object.entries(req.change)
    .filter(([k, v]) => v !== 0 && !["nps", "csat", ...LEVER_KEYS].includes(k))
    .map(([k, v]) => `${k} ${v >= 0 ? "+" : ""}${v}.`);
  const changes = [...levers.explained, ...other].join(" ") || "No change.";
  const H = req.horizonYears;
  return [
    `${changes}${req.segment ? ` Segment ${req.segment} only.` : " Every account."} Answers stay on their scale (NPS 0-10, CSAT 1-${csatScale}, CES 1-7).`,
    `Investment ${usd(req.investment)}, spent at the start; gross margin ${percent(req.grossMargin)} of revenue; discount rate ${percent(req.annualDiscountRate)} a year; horizon ${H} year${H === 1 ? "" : "s"}.`,
    `Each account renews each year with the probability the renewal model (logistic regression of ${model.outcome}) gives it; year 1's revenue is already contracted, so gains start in year 2.`,
    "Only today's accounts are counted: no new sales, no price changes, no expansion.",
    "ROI = (margin gain − investment) / investment; NPV = discounted margin gain − investment; payback counts each year's gain as earned evenly over that year.",
    req.draws > 0
      ? `95% interval: from ${req.draws.toLocaleString("en-US")} draws of the model's coefficients (repeatable: the same request gives the same answer).`
      : "No interval was computed (draws = 0).",
    "The model measures association in historical data; it does not prove that lifting satisfaction causes the renewals.",
  ];
}
