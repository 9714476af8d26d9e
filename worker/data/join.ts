import type { Env } from "../env";
import { ApiError } from "../errors";
import type { SurveyType } from "../intake/cells";
import { type DatasetMeta, latestDataset, readColumns } from "./datasets";
import { aggregateResponses, indexOf, type ResponseAggregates } from "./join-blocks";

/** How accounts and responses matched (docs/api.md#workspaces: GET /api/workspaces/:ws → join). */
export interface JoinReport {
  accounts: number;
  responses: number;
  matchedAccounts: number;
  orphanResponses: number;
  accountsWithoutResponses: number;
}

/** Which responses an account-level mean uses: one survey type, or all (unspecified ones included). */
export type SurveyChoice = SurveyType | "all";

/** Responses of each survey type in a dataset, as counted at ingest (none for datasets stored before survey types). */
export function surveyTypeCounts(meta: DatasetMeta | null): { relationship: number; transactional: number; unspecified: number } | null {
  const c = meta?.options.surveyTypes as { relationship: number; transactional: number; unspecified: number } | undefined;
  return c ?? null;
}

/**
 * The default survey type of a use (docs/methods.md#survey-type): account health (models, segments, retention)
 * reads relationship responses when the dataset has any, touchpoint drivers transactional ones; otherwise all.
 */
export function defaultSurveyType(c: ReturnType<typeof surveyTypeCounts>, use: "account" | "touchpoint"): SurveyChoice {
  const want: SurveyType = use === "account" ? "relationship" : "transactional";
  return c && c[want] > 0 ? want : "all";
}

/** Account-level features: the accounts' columns plus per-account response means. */
export interface JoinedAccounts {
  n: number;
  /** arr, renewed, tenure_months, expansion, nps, csat, ces, responses, log_arr,
   *  renewal_date (days since 1970-01-01), and numeric extra columns; NaN = missing. */
  numeric: Record<string, Float64Array>;
  /** account_id, segment, region, and text extra columns. */
  text: Record<string, (string | null)[]>;
  report: JoinReport;
  /** The datasets joined (ids), for caching and provenance. */
  datasets: { accounts: string; responses: string | null };
  /** CSAT scale of the responses dataset (5 when there is none). */
  csatScale: number;
  /** The responses the per-account means use. */
  surveyType: SurveyChoice;
}

/** Response rows of the newest responses dataset. */
export interface ResponseColumns {
  n: number;
  accountId: (string | null)[];
  /** days since 1970-01-01, NaN = missing */
  date: Float64Array;
  nps: Float64Array;
  csat: Float64Array;
  ces: Float64Array;
  touchpoint: (string | null)[];
  /** relationship / transactional, null = unspecified */
  surveyType: (string | null)[];
  csatScale: number;
  datasetId: string;
  /** Responses of each survey type counted at ingest (null for datasets stored before survey types). */
  surveyTypes: { relationship: number; transactional: number; unspecified: number } | null;
}

/** Transactions of the newest transactions dataset. */
export interface TransactionColumns {
  n: number;
  customerId: string[];
  /** days since 1970-01-01 */
  date: Float64Array;
  amount: Float64Array;
  datasetId: string;
}

const nanArray = (n: number) => new Float64Array(n).fill(NaN);

/** Reads the newest responses dataset's columns; null when the workspace has none. */
export async function loadResponses(env: Env, workspaceId: string): Promise<ResponseColumns | null> {
  const meta = await latestDataset(env, workspaceId, "responses");
  return meta ? responsesOf(env, meta) : null;
}

async function responsesOf(env: Env, meta: DatasetMeta): Promise<ResponseColumns> {
  const cols = await readColumns(env, meta, ["account_id", "date", "nps", "csat", "ces", "touchpoint", "survey_type"]);
  const n = cols.n;
  return {
    n,
    accountId: cols.text.account_id ?? new Array(n).fill(null),
    date: cols.numeric.date ?? nanArray(n),
    nps: cols.numeric.nps ?? nanArray(n),
    csat: cols.numeric.csat ?? nanArray(n),
    ces: cols.numeric.ces ?? nanArray(n),
    touchpoint: cols.text.touchpoint ?? new Array(n).fill(null),
    surveyType: cols.text.survey_type ?? new Array(n).fill(null),
    csatScale: Number(meta.options.csatScale ?? 5),
    datasetId: meta.id,
    surveyTypes: surveyTypeCounts(meta),
  };
}

/** Reads the newest transactions dataset; null when the workspace has none. */
export async function loadTransactions(env: Env, workspaceId: string): Promise<TransactionColumns | null> {
  const meta = await latestDataset(env, workspaceId, "transactions");
  if (!meta) return null;
  const cols = await readColumns(env, meta, ["customer_id", "date", "amount"]);
  return {
    n: cols.n,
    customerId: (cols.text.customer_id ?? []).map((v) => v ?? ""),
    date: cols.numeric.date ?? nanArray(cols.n),
    amount: cols.numeric.amount ?? nanArray(cols.n),
    datasetId: meta.id,
  };
}

/** The join report alone (works with either dataset missing). */
export async function joinReport(env: Env, workspaceId: string): Promise<JoinReport> {
  const [accMeta, respMeta] = await Promise.all([
    latestDataset(env, workspaceId, "accounts"),
    latestDataset(env, workspaceId, "responses"),
  ]);
  const ids = accMeta ? (await readColumns(env, accMeta, ["account_id"])).text.account_id : [];
  const agg = respMeta ? await aggregateResponses(env, respMeta, indexOf(ids), ids.length, false) : null;
  return reportFromAggregates(ids.length, agg);
}

/** The join report from block-wise aggregates (the counts a pass over the response rows gives). */
function reportFromAggregates(accounts: number, agg: ResponseAggregates | null): JoinReport {
  let matched = 0;
  if (agg) for (let i = 0; i < accounts; i++) if (agg.count[i] > 0) matched++;
  return {
    accounts,
    responses: agg?.responses ?? 0,
    matchedAccounts: matched,
    orphanResponses: agg?.orphans ?? 0,
    accountsWithoutResponses: accounts - matched,
  };
}

/**
 * Accounts joined with the means of their responses (docs/methods.md#the-join):
 * nps, csat, ces = mean of the account's non-missing answers (NaN if none),
 * responses = number of the account's responses, log_arr = ln(arr) (NaN if arr ≤ 0).
 * Only responses of `surveyType` count (default: `defaultSurveyType(…, "account")`); the join report counts those.
 * @throws ApiError 422 no_accounts when the workspace has no accounts dataset
 */
export async function loadJoinedAccounts(env: Env, workspaceId: string, surveyType?: SurveyChoice): Promise<JoinedAccounts> {
  const { accounts, responses } = await joinDatasets(env, workspaceId);
  return joinAccounts(env, accounts, responses, surveyType);
}

/**
 * The newest ready accounts and responses datasets (the ones `loadJoinedAccounts` joins).
 * @throws ApiError 422 no_accounts when the workspace has no accounts dataset
 */
export async function joinDatasets(env: Env, workspaceId: string): Promise<{ accounts: DatasetMeta; responses: DatasetMeta | null }> {
  const [accMeta, respMeta] = await Promise.all([
    latestDataset(env, workspaceId, "accounts"),
    latestDataset(env, workspaceId, "responses"),
  ]);
  if (!accMeta) {
    throw new ApiError(422, "no_accounts", "This workspace has no accounts dataset yet: upload one with kind=accounts first.");
  }
  return { accounts: accMeta, responses: respMeta };
}

/** `loadJoinedAccounts` on given datasets (as `joinDatasets` found them). */
export async function joinAccounts(
  env: Env,
  accMeta: DatasetMeta,
  respMeta: DatasetMeta | null,
  surveyType?: SurveyChoice,
): Promise<JoinedAccounts> {
  const acc = await readColumns(env, accMeta);
  const n = acc.n;
  // Responses are added up per account block by block (join-blocks.ts): never materialised.
  const used = surveyType ?? defaultSurveyType(surveyTypeCounts(respMeta), "account");
  const only = used === "all" ? undefined : used;
  const agg = respMeta ? await aggregateResponses(env, respMeta, indexOf(acc.text.account_id), n, true, only) : null;
  const numeric: Record<string, Float64Array> = { ...acc.numeric };
  const text: Record<string, (string | null)[]> = { ...acc.text };
  for (const k of ["arr", "renewed", "tenure_months", "expansion", "renewal_date"]) numeric[k] ??= nanArray(n);
  for (const k of ["segment", "region"]) text[k] ??= new Array(n).fill(null);

  const nps = nanArray(n),
    csat = nanArray(n),
    ces = nanArray(n),
    count = new Float64Array(n),
    logArr = nanArray(n);
  for (let i = 0; i < n; i++) {
    if (agg && agg.count[i] > 0) {
      count[i] = agg.count[i];
      if (agg.npsN[i]) nps[i] = agg.npsSum[i] / agg.npsN[i];
      if (agg.csatN[i]) csat[i] = agg.csatSum[i] / agg.csatN[i];
      if (agg.cesN[i]) ces[i] = agg.cesSum[i] / agg.cesN[i];
    }
    const arr = numeric.arr[i];
    if (arr > 0) logArr[i] = Math.log(arr);
  }
  Object.assign(numeric, { nps, csat, ces, responses: count, log_arr: logArr });
  return {
    n,
    numeric,
    text,
    report: reportFromAggregates(n, agg),
    datasets: { accounts: accMeta.id, responses: respMeta?.id ?? null },
    csatScale: respMeta ? Number(respMeta.options.csatScale ?? 5) : 5,
    surveyType: used,
  };
}
