import type { Env } from "../env";
import { ApiError } from "../errors";
import { type DatasetMeta, latestDataset, readColumns } from "./datasets";

/** How accounts and responses matched (API.md: GET /api/workspaces/:ws → join). */
export interface JoinReport {
  accounts: number;
  responses: number;
  matchedAccounts: number;
  orphanResponses: number;
  accountsWithoutResponses: number;
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
  csatScale: number;
  datasetId: string;
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
  const cols = await readColumns(env, meta, ["account_id", "date", "nps", "csat", "ces", "touchpoint"]);
  const n = cols.n;
  return {
    n,
    accountId: cols.text.account_id ?? new Array(n).fill(null),
    date: cols.numeric.date ?? nanArray(n),
    nps: cols.numeric.nps ?? nanArray(n),
    csat: cols.numeric.csat ?? nanArray(n),
    ces: cols.numeric.ces ?? nanArray(n),
    touchpoint: cols.text.touchpoint ?? new Array(n).fill(null),
    csatScale: Number(meta.options.csatScale ?? 5),
    datasetId: meta.id,
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

/** Per-account response aggregates keyed by account id. */
interface Agg {
  count: number;
  npsSum: number; npsN: number;
  csatSum: number; csatN: number;
  cesSum: number; cesN: number;
}

function aggregate(r: ResponseColumns): Map<string, Agg> {
  const by = new Map<string, Agg>();
  for (let i = 0; i < r.n; i++) {
    const id = r.accountId[i];
    if (id === null) continue;
    let a = by.get(id);
    if (!a) by.set(id, (a = { count: 0, npsSum: 0, npsN: 0, csatSum: 0, csatN: 0, cesSum: 0, cesN: 0 }));
    a.count++;
    if (!Number.isNaN(r.nps[i])) { a.npsSum += r.nps[i]; a.npsN++; }
    if (!Number.isNaN(r.csat[i])) { a.csatSum += r.csat[i]; a.csatN++; }
    if (!Number.isNaN(r.ces[i])) { a.cesSum += r.ces[i]; a.cesN++; }
  }
  return by;
}

/** The join report alone (works with either dataset missing). */
export async function joinReport(env: Env, workspaceId: string): Promise<JoinReport> {
  const [accMeta, respMeta] = await Promise.all([
    latestDataset(env, workspaceId, "accounts"),
    latestDataset(env, workspaceId, "responses"),
  ]);
  const ids = accMeta ? (await readColumns(env, accMeta, ["account_id"])).text.account_id : [];
  const resp = respMeta ? (await readColumns(env, respMeta, ["account_id"])).text.account_id : [];
  return reportOf(ids, resp);
}

function reportOf(accountIds: readonly (string | null)[], responseIds: readonly (string | null)[]): JoinReport {
  const known = new Set<string>();
  for (const id of accountIds) if (id !== null) known.add(id);
  const matched = new Set<string>();
  let orphans = 0;
  for (const id of responseIds) {
    if (id !== null && known.has(id)) matched.add(id);
    else orphans++;
  }
  return {
    accounts: accountIds.length,
    responses: responseIds.length,
    matchedAccounts: matched.size,
    orphanResponses: orphans,
    accountsWithoutResponses: accountIds.length - matched.size,
  };
}

/**
 * Accounts joined with the means of their responses (API.md "The join"):
 * nps, csat, ces = mean of the account's non-missing answers (NaN if none),
 * responses = number of the account's responses, log_arr = ln(arr) (NaN if arr ≤ 0).
 * @throws ApiError 422 no_accounts when the workspace has no accounts dataset
 */
export async function loadJoinedAccounts(env: Env, workspaceId: string): Promise<JoinedAccounts> {
  const [accMeta, respMeta] = await Promise.all([
    latestDataset(env, workspaceId, "accounts"),
    latestDataset(env, workspaceId, "responses"),
  ]);
  if (!accMeta) {
    throw new ApiError(422, "no_accounts", "This workspace has no accounts dataset yet: upload one with kind=accounts first.");
  }
  const acc = await readColumns(env, accMeta);
  const resp = respMeta ? await responsesOf(env, respMeta) : null;
  const n = acc.n;
  const ids = acc.text.account_id;
  const numeric: Record<string, Float64Array> = { ...acc.numeric };
  const text: Record<string, (string | null)[]> = { ...acc.text };
  for (const k of ["arr", "renewed", "tenure_months", "expansion", "renewal_date"]) numeric[k] ??= nanArray(n);
  for (const k of ["segment", "region"]) text[k] ??= new Array(n).fill(null);

  const nps = nanArray(n), csat = nanArray(n), ces = nanArray(n), count = new Float64Array(n), logArr = nanArray(n);
  const aggs = resp ? aggregate(resp) : new Map<string, Agg>();
  for (let i = 0; i < n; i++) {
    const a = ids[i] === null ? undefined : aggs.get(ids[i] as string);
    if (a) {
      count[i] = a.count;
      if (a.npsN) nps[i] = a.npsSum / a.npsN;
      if (a.csatN) csat[i] = a.csatSum / a.csatN;
      if (a.cesN) ces[i] = a.cesSum / a.cesN;
    }
    const arr = numeric.arr[i];
    if (arr > 0) logArr[i] = Math.log(arr);
  }
  Object.assign(numeric, { nps, csat, ces, responses: count, log_arr: logArr });
  return {
    n,
    numeric,
    text,
    report: reportOf(ids, resp ? resp.accountId : []),
    datasets: { accounts: accMeta.id, responses: respMeta?.id ?? null },
    csatScale: resp?.csatScale ?? 5,
  };
}
