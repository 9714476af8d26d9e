import { predict } from "../../models/regression/model";
import { arrAtRisk } from "../../models/scenario/renewal-risk";
import { loadJoinedAccounts } from "../data/join";
import type { Env } from "../env";
import { ApiError } from "../errors";
import { isoDate } from "../intake/cells";
import { bookFor } from "./frame";
import { listModels, type StoredModel } from "../data/models-store";

/** One account renewing in the window (GET .../renewals). */
export interface RenewalRow {
  accountId: string;
  renewalDate: string;
  daysToRenewal: number;
  arr: number;
  segment: string | null;
  region: string | null;
  /** Predicted renewal probability from the newest logistic renewal model; null when no model or its predictors are missing. */
  pRenew: number | null;
  /** ARR × (1 − pRenew). */
  arrAtRisk: number | null;
  /** The account's mean NPS answer (0-10) and CSAT answer (1..scale) over its responses; null without responses. */
  nps: number | null;
  csat: number | null;
  responses: number;
}

export interface Renewals {
  asOf: string;
  withinDays: number;
  model: { id: string; outcome: string; createdAt: string } | null;
  accounts: RenewalRow[];
  totals: { accounts: number; arr: number; arrAtRisk: number | null; withoutPrediction: number };
  warnings: string[];
}

const finite = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x : null);

/** The newest logistic model of the renewal outcome, or null. */
const renewalModel = (models: StoredModel[]) => models.find((m) => m.kind === "logistic" && m.outcome === "renewed") ?? null;

/**
 * Accounts whose renewal_date lies in [asOf, asOf + withinDays], soonest first, with the newest logistic renewal
 * model's p and the ARR at risk.
 * @throws ApiError 422 no_renewal_dates when the accounts file has no renewal_date column
 */
export async function renewalsAhead(env: Env, ws: string, asOf: number, withinDays: number): Promise<Renewals> {
  const joined = await loadJoinedAccounts(env, ws);
  const dates = joined.numeric.renewal_date;
  if (!dates || !dates.some((d) => Number.isFinite(d))) {
    throw new ApiError(
      422,
      "no_renewal_dates",
      "The accounts file has no renewal_date column (e.g. “Renewal date”, “Contract end”): upload it with one to see renewals ahead.",
      [{ column: "renewal_date", message: "missing" }],
    );
  }
  const warnings: string[] = [];
  const model = renewalModel(await listModels(env, ws));
  const p = new Float64Array(joined.n).fill(NaN);
  const risk = new Float64Array(joined.n).fill(NaN);
  if (model) {
    const fit = model.result;
    const book = bookFor(joined, { ...fit, outcome: model.outcome, levels: fit.design.levels });
    const pr = predict(fit, book.X);
    const atRisk = arrAtRisk(book.arr, pr);
    for (let i = 0; i < book.n; i++) {
      p[book.rows[i]] = pr[i];
      risk[book.rows[i]] = atRisk[i];
    }
  } else
    warnings.push(
      "No logistic renewal model yet: fit one (Model screen, outcome renewed) to see each account's renewal probability and ARR at risk.",
    );
  const ids = joined.text.account_id;
  const accounts: RenewalRow[] = [];
  for (let i = 0; i < joined.n; i++) {
    const d = dates[i];
    if (!(d >= asOf && d <= asOf + withinDays) || ids[i] === null) continue;
    accounts.push({
      accountId: ids[i] as string,
      renewalDate: isoDate(d),
      daysToRenewal: d - asOf,
      arr: joined.numeric.arr[i],
      segment: joined.text.segment?.[i] ?? null,
      region: joined.text.region?.[i] ?? null,
      pRenew: finite(p[i]),
      arrAtRisk: finite(risk[i]),
      nps: finite(joined.numeric.nps?.[i]),
      csat: finite(joined.numeric.csat?.[i]),
      responses: finite(joined.numeric.responses?.[i]) ?? 0,
    });
  }
  accounts.sort((a, b) => a.daysToRenewal - b.daysToRenewal || b.arr - a.arr);
  const predicted = accounts.filter((a) => a.arrAtRisk !== null);
  if (model && predicted.length < accounts.length)
    warnings.push(
      `${accounts.length - predicted.length} of ${accounts.length} accounts have no prediction: a predictor of the model is missing for them (e.g. no survey response).`,
    );
  return {
    asOf: isoDate(asOf),
    withinDays,
    model: model ? { id: model.id, outcome: model.outcome, createdAt: model.createdAt } : null,
    accounts,
    totals: {
      accounts: accounts.length,
      arr: accounts.reduce((s, a) => s + a.arr, 0),
      arrAtRisk: model ? predicted.reduce((s, a) => s + (a.arrAtRisk as number), 0) : null,
      withoutPrediction: accounts.length - predicted.length,
    },
    warnings,
  };
}
