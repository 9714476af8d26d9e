import { backtest, dayOf, isoDay } from "../../models/regression/backtest";
import { getBacktest, insertBacktest, listBacktests, type StoredBacktest } from "../data/backtests-store";
import { latestDataset, readColumns } from "../data/datasets";
import { loadJoinedAccounts } from "../data/join";
import { loadTimeHonestFeatures } from "../data/time-honest";
import { type Env, limit } from "../env";
import { ApiError, notFound } from "../errors";
import type { BacktestRequestBody } from "../routes/backtests";
import { accountFrame } from "./frame";

const MAX_LEVELS = 100;

/** The rule, said once in every answer. */
const FEATURE_RULE =
  "Time-honest features: an account's NPS, CSAT and CES means (and response count) use only its responses dated before " +
  "its renewal date, or before the split date for accounts renewing after the split; later and undated responses are never used. " +
  "Other account columns are used as uploaded.";

/**
 * Runs and stores a back-test (docs/api.md#back-tests): checks the request against the joined accounts, builds the
 * time-honest features for every split from the dated responses, and runs models/regression/backtest.ts.
 * @throws ApiError 400 for split dates out of order or not real, 422 for unknown columns, too many predictors or draws,
 *   and accounts without renewal dates
 */
export async function runBacktest(env: Env, ws: string, req: BacktestRequestBody): Promise<StoredBacktest> {
  const splits = req.splits.map(dayOf);
  splits.forEach((d, k) => {
    if (!Number.isFinite(d))
      throw new ApiError(400, "bad_request", `splits[${k}] = ${req.splits[k]} is not a real date.`, [
        { column: "splits", message: req.splits[k] },
      ]);
    if (k > 0 && !(d > splits[k - 1]))
      throw new ApiError(400, "bad_request", "Split dates must be strictly increasing.", [{ column: "splits", message: req.splits[k] }]);
  });
  const end = req.end === undefined ? undefined : dayOf(req.end);
  if (end !== undefined && !(end > splits[splits.length - 1]))
    throw new ApiError(400, "bad_request", `end (${req.end}) must be a real date after the last split.`, [
      { column: "end", message: String(req.end) },
    ]);
  const maxPredictors = limit(env, "MAX_PREDICTORS", 30);
  if (req.predictors.length > maxPredictors)
    throw new ApiError(422, "too_many_predictors", `At most ${maxPredictors} predictors per model (got ${req.predictors.length}).`, [
      { column: "predictors", message: `${req.predictors.length} > ${maxPredictors}` },
    ]);
  if (new Set(req.predictors).size !== req.predictors.length)
    throw new ApiError(400, "duplicate_predictors", "Each predictor may appear once.", [{ column: "predictors", message: "duplicates" }]);
  const maxDraws = limit(env, "MAX_DRAWS", 10_000);
  if (req.draws > maxDraws)
    throw new ApiError(422, "too_many_draws", `At most ${maxDraws} draws (got ${req.draws}).`, [
      { column: "draws", message: String(req.draws) },
    ]);

  const joined = await loadJoinedAccounts(env, ws);
  const data = accountFrame(joined);
  for (const name of [req.outcome, ...req.predictors]) {
    if (!(name in data))
      throw new ApiError(
        422,
        "unknown_column",
        `No column "${name}" in the joined accounts. Available: ${Object.keys(data).sort().join(", ")}.`,
        [{ column: name, message: "not a column of the joined accounts" }],
      );
    const col = joined.text[name];
    const levels = col ? new Set(col.filter((v) => v !== null && v !== "")).size : 0;
    if (levels > MAX_LEVELS)
      throw new ApiError(
        422,
        "too_many_levels",
        `${name} is a text column with ${levels} distinct values (at most ${MAX_LEVELS} levels for a categorical predictor). Use a grouping column instead.`,
        [{ column: name, message: `${levels} levels > ${MAX_LEVELS}` }],
      );
  }
  const renewalDate = joined.numeric.renewal_date;
  if (!renewalDate.some((d) => Number.isFinite(d)))
    throw new ApiError(
      422,
      "no_renewal_dates",
      "The accounts dataset has no renewal dates: a back-test needs each account's renewal_date to tell earlier renewals from later ones. Upload accounts with a renewal_date column.",
      [{ column: "renewal_date", message: "missing or empty" }],
    );
  const ids = joined.text.account_id ?? [];
  const { features } = await loadTimeHonestFeatures(env, ws, ids, renewalDate, splits);
  const result = backtest({
    kind: "logistic",
    outcome: req.outcome,
    predictors: req.predictors,
    data,
    renewalDate,
    arr: joined.numeric.arr,
    segment: joined.text.segment,
    splits,
    end,
    features,
    draws: req.draws,
    seed: req.seed,
  });
  const stored = await insertBacktest(env, ws, {
    request: req,
    result: {
      ...result,
      featureRule: FEATURE_RULE,
      undatedResponses: features[0]?.undated ?? 0,
      money: "Renewed ARR of the accounts renewing in each split's window, in the accounts file's currency, undiscounted.",
      datasets: joined.datasets,
    },
    datasets: joined.datasets,
  });
  return stored;
}

/** The workspace's back-tests (newest first), the suggested split dates and the renewal dates' range. */
export async function backtestOverview(env: Env, ws: string) {
  const meta = await latestDataset(env, ws, "accounts");
  const days = meta ? Array.from((await readColumns(env, meta, ["renewal_date"])).numeric.renewal_date ?? []).filter(Number.isFinite) : [];
  days.sort((a, b) => a - b);
  return {
    backtests: await listBacktests(env, ws),
    suggestedSplits: suggestSplits(days),
    renewalDates: {
      count: days.length,
      first: days.length ? isoDay(days[0]) : null,
      last: days.length ? isoDay(days[days.length - 1]) : null,
    },
  };
}

/** A back-test by id, or the newest one when no id is given. @throws ApiError 404 */
export async function backtestOrNewest(env: Env, ws: string, id?: string): Promise<StoredBacktest> {
  const b = id ? await getBacktest(env, ws, id) : ((await listBacktests(env, ws))[0] ?? null);
  if (!b) throw notFound("backtest");
  return b;
}

/**
 * Split dates to offer: quarter starts (else month starts) with ≥ 40% of the dated renewals before and ≥ 10% after,
 * the last three. `days` sorted.
 */
export function suggestSplits(days: number[]): string[] {
  if (days.length < 2) return [];
  const lo = days[Math.floor(days.length * 0.4)];
  const hi = days[Math.min(days.length - 1, Math.floor(days.length * 0.9))];
  for (const months of [3, 1]) {
    const out: string[] = [];
    const d = new Date(lo * 86_400_000);
    let y = d.getUTCFullYear();
    let m = Math.floor(d.getUTCMonth() / months) * months;
    for (;;) {
      const day = Date.UTC(y, m, 1) / 86_400_000;
      if (day > hi) break;
      if (day > lo) out.push(isoDay(day));
      m += months;
      if (m >= 12) {
        m -= 12;
        y++;
      }
    }
    if (out.length) return out.slice(-3);
  }
  return [];
}
