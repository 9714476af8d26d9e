import { clvWarnings } from "../../models/clv/clv-warnings";
import { clvIntervals, type ClvIntervals } from "../../models/clv/clv-intervals";
import { type HoldoutResult, holdoutTest } from "../../models/clv/holdout-test";
import { fitParetoNbd, paretoNbdModel } from "../../models/clv/pareto-nbd";
import {
  bgnbdModel,
  clvColumns,
  type ClvColumns,
  clvLayout,
  type ClvMethod,
  customerClv,
  fittable,
} from "../../models/clv/transactions-clv";
import { ModelError } from "../../models/numeric/errors";
import { clvBySatisfaction } from "../../models/clv/satisfaction-clv";
import { loadResponses } from "../data/join";
import type { Env } from "../env";
import { ApiError } from "../errors";
import { latestDataset } from "../data/datasets";
import { summariseTransactionBlocks, type TransactionSummary } from "../data/transactions-rfm";
import { releaseIsolateCaches } from "../data/isolate-cache";

export interface ClvRequest {
  method?: ClvMethod;
  horizonMonths: number;
  annualDiscountRate: number;
  margin: number;
  observationEnd?: string;
  /** Holdout test: fit up to observationEnd (the calibration end), compare with what happened up to holdoutEnd. */
  holdoutEnd?: string;
  /** Fit per satisfaction group of the customers' linked responses (customer_id = the responses' account_id). */
  bySatisfaction?: "nps" | "csat";
}

/** A named warning of the CLV answer (same shape as the fits' warnings elsewhere in the API). */
export interface ClvWarning {
  code: string;
  message: string;
}

/** Most customers (with T > 0) the Pareto/NBD is fitted on: its finite-difference fit costs far more CPU than BG/NBD's. */
export const PARETO_NBD_MAX_CUSTOMERS = 50_000;

/** One row of the model comparison: fit on the same customers, LL, AIC = 2k − 2 LL and the holdout errors. */
export interface ClvModelComparison {
  model: "bgnbd" | "pareto-nbd";
  parameters: Record<string, number>;
  logLik: number;
  aic: number;
  holdout: HoldoutResult["summary"] | null;
  used: boolean;
}

/** Customers listed in the JSON answer by default, and at most (API: `limit`). */
export const CLV_LIMIT_DEFAULT = 10_000;
export const CLV_LIMIT_MAX = 100_000;

const DAY_MS = 86_400_000;
/** From this many transactions a CLV call empties the isolate's caches first (they would not fit beside it). */
const RELEASE_CACHES_AT_ROWS = 1_000_000;

/** "YYYY-MM-DD" → days since 1970-01-01 (UTC), or a 400 naming the field. */
export function dayOf(iso: string, field = "observationEnd"): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  const t = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || !Number.isFinite(t) || new Date(t).getUTCDate() !== Number(m[3])) {
    throw new ApiError(400, "invalid_request", `${field} must be a date YYYY-MM-DD (got ${iso}).`, [
      { column: field, message: "not a date" },
    ]);
  }
  return t / DAY_MS;
}

export const isoOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** The CLV of every customer, in columns (order: first row of the customer in the file). */
export interface ClvRun extends Pick<TransactionSummary, "customer" | "ids" | "frequency" | "recency" | "T" | "monetary"> {
  observationEnd: string;
  horizonMonths: number;
  annualDiscountRate: number;
  margin: number;
  excludedTransactions: number;
  /** Customers first seen on the observation end (T = 0): valued from the fitted population, in the table and the totals. */
  newCustomers: number;
  dataset: string;
  values: ClvColumns;
  /** Delta-method 95% intervals (when asked for). */
  intervals: ClvIntervals | null;
  holdout:
    (Omit<HoldoutResult, "calibrationEnd" | "holdoutEnd"> & { calibrationEnd: string; holdoutEnd: string; newInHoldout: number }) | null;
  /** BG/NBD and Pareto/NBD side by side (Pareto/NBD left out above PARETO_NBD_MAX_CUSTOMERS, with a warning). */
  comparison: ClvModelComparison[];
  warnings: ClvWarning[];
}

/**
 * BG/NBD + Gamma-Gamma CLV on the newest transactions dataset (docs/api.md#clv-on-transactions):
 * the RFM summary in lifetimes' conventions (days) built block by block from R2, both fits, per-customer
 * values as columns (no object per customer); with `intervals`, delta-method 95% intervals; with `compare`, the
 * other purchase model fitted too (`comparison`); with a `holdoutEnd`, the holdout test of the fit(s).
 * @throws ModelError no_transactions, no_repeat_buyers, …; ApiError 400 for a bad observationEnd / holdoutEnd
 */
export async function runClvColumns(
  env: Env,
  ws: string,
  req: ClvRequest,
  opt: { intervals?: boolean; compare?: boolean } = {},
): Promise<ClvRun> {
  const end = req.observationEnd ? dayOf(req.observationEnd) : undefined;
  const holdoutEnd = req.holdoutEnd ? dayOf(req.holdoutEnd, "holdoutEnd") : undefined;
  if (holdoutEnd !== undefined && (end === undefined || holdoutEnd <= end)) {
    throw new ApiError(400, "invalid_request", "holdoutEnd needs an observationEnd (the calibration end) before it.", [
      { column: "holdoutEnd", message: "must come after observationEnd" },
    ]);
  }
  const meta = await latestDataset(env, ws, "transactions");
  if (!meta || meta.rows === 0) {
    throw new ModelError(
      "no_transactions",
      "This workspace has no transactions: upload a transactions dataset (customer_id, date, amount) first.",
    );
  }
  // A large book needs the isolate's memory more than the caches do (README, Scale).
  if (meta.rows >= RELEASE_CACHES_AT_ROWS) releaseIsolateCaches();
  const summary = await summariseTransactionBlocks(env, meta, end);
  const opts = { horizonMonths: req.horizonMonths, annualDiscountRate: req.annualDiscountRate, margin: req.margin };
  const method = req.method ?? "bgnbd-gg";
  const fitted = summary.customer.length - countNew(summary.T);
  const paretoFits = fitted <= PARETO_NBD_MAX_CUSTOMERS;
  if (method === "pareto-nbd-gg" && !paretoFits) {
    throw new ApiError(
      422,
      "too_many_customers",
      `The Pareto/NBD is fitted on at most ${PARETO_NBD_MAX_CUSTOMERS.toLocaleString("en-US")} customers (this dataset has ${fitted.toLocaleString("en-US")}): use method "bgnbd-gg", which fits the same data far faster.`,
      [{ column: "method", message: "Pareto/NBD too large" }],
    );
  }
  const layout = clvLayout(summary);
  const values = clvColumns(summary, opts, layout, method);
  const warnings: ClvWarning[] = values.bgnbd.warnings.map((message) => ({ code: "bgnbd_penalised", message }));
  const bg = values.bgnbd;
  // The other model of the comparison (Pareto/NBD when the values come from BG/NBD); a failed fit is a warning, not an error.
  let pnbd = values.paretoNbd;
  if (!opt.compare) {
    // No comparison asked for (exports, segments): no second fit.
  } else if (!pnbd && paretoFits && repeatBuyers(summary) < COMPARE_MIN_REPEAT_BUYERS) {
    warnings.push({
      code: "pareto_nbd_skipped",
      message: `Only ${repeatBuyers(summary)} customers bought more than once: too few to compare purchase models (the Pareto/NBD comparison needs ${COMPARE_MIN_REPEAT_BUYERS}); BG/NBD is shown alone.`,
    });
  } else if (!pnbd && paretoFits) {
    try {
      pnbd = fitParetoNbd(fittable(summary).rows);
    } catch (e) {
      if (!(e instanceof ModelError)) throw e;
      warnings.push({ code: "pareto_nbd_failed", message: `The Pareto/NBD comparison fit failed: ${e.message}` });
    }
  } else if (!paretoFits) {
    warnings.push({
      code: "pareto_nbd_skipped",
      message: `The Pareto/NBD comparison is left out above ${PARETO_NBD_MAX_CUSTOMERS.toLocaleString("en-US")} customers (CPU); BG/NBD is shown alone.`,
    });
  }
  const used = values.paretoNbd ? paretoNbdModel(values.paretoNbd) : bgnbdModel(bg);
  let intervals: ClvIntervals | null = null;
  // The intervals value every customer 7 more times: bounded by the ₂F₁ evaluations that costs (pairs × months).
  const intervalCost = 7 * layout.pairX.length * opts.horizonMonths;
  if (opt.intervals && intervalCost > INTERVAL_BUDGET) {
    warnings.push({
      code: "clv_interval_skipped",
      message: `No 95% intervals: with ${layout.pairX.length.toLocaleString("en-US")} distinct (frequency, age) pairs over ${opts.horizonMonths} months they would cost too much CPU for one request; shorten horizonMonths (e.g. to ${Math.max(1, Math.floor(INTERVAL_BUDGET / (7 * layout.pairX.length)))}) to get them.`,
    });
  } else if (opt.intervals) {
    const pn = values.paretoNbd;
    intervals = pn
      ? clvIntervals(
          (f) => paretoNbdModel({ r: f[0], alpha: f[1], s: f[2], beta: f[3] }),
          [pn.r, pn.alpha, pn.s, pn.beta],
          pn.covariance,
          values.gammaGamma,
          values.gammaGamma.covariance,
          summary,
          layout,
          opts,
          values.clv,
          values.totals.clv,
        )
      : clvIntervals(
          (f) => bgnbdModel({ r: f[0], alpha: f[1], a: f[2], b: f[3] }),
          [bg.r, bg.alpha, bg.a, bg.b],
          bg.covariance,
          values.gammaGamma,
          values.gammaGamma.covariance,
          summary,
          layout,
          opts,
          values.clv,
          values.totals.clv,
        );
    if (!intervals.totalCi95)
      warnings.push({
        code: "clv_interval_unavailable",
        message:
          "The fits' information matrix is not positive definite, so CLV has no interval: treat the point values as unreliable and collect more purchase history.",
      });
  }
  let holdout: ClvRun["holdout"] = null;
  const comparison: ClvModelComparison[] = [
    {
      model: "bgnbd",
      parameters: { r: bg.r, alpha: bg.alpha, a: bg.a, b: bg.b },
      logLik: bg.logLik,
      aic: 8 - 2 * bg.logLik,
      holdout: null,
      used: !values.paretoNbd,
    },
  ];
  if (pnbd)
    comparison.push({
      model: "pareto-nbd",
      parameters: { r: pnbd.r, alpha: pnbd.alpha, s: pnbd.s, beta: pnbd.beta },
      logLik: pnbd.logLik,
      aic: 8 - 2 * pnbd.logLik,
      holdout: null,
      used: !!values.paretoNbd,
    });
  if (holdoutEnd !== undefined) {
    const full = await summariseTransactionBlocks(env, meta, holdoutEnd, undefined, summary.observationEnd);
    const acc = full.accumulator;
    const input = {
      frequency: summary.frequency,
      recency: summary.recency,
      T: summary.T,
      firstDay: summary.firstDay,
      actual: Float64Array.from(summary.customer, (c) => acc.holdoutDays(c)),
      repeatsByDay: acc.repeatsByDay,
      calibrationEnd: summary.observationEnd,
      holdoutEnd,
    };
    const test = holdoutTest(used, input, layout);
    holdout = {
      ...test,
      calibrationEnd: isoOf(summary.observationEnd),
      holdoutEnd: isoOf(holdoutEnd),
      newInHoldout: full.customer.length - summary.customer.length,
    };
    for (const row of comparison)
      row.holdout = row.used
        ? test.summary
        : holdoutTest(row.model === "bgnbd" ? bgnbdModel(bg) : paretoNbdModel(pnbd!), input, layout).summary;
    if (test.summary.actualTotal === 0)
      warnings.push({
        code: "holdout_empty",
        message: `No calibration customer bought again between ${isoOf(summary.observationEnd)} and ${isoOf(holdoutEnd)}: the holdout test has nothing to compare; choose an earlier observationEnd.`,
      });
  }
  return {
    observationEnd: isoOf(summary.observationEnd),
    horizonMonths: req.horizonMonths,
    annualDiscountRate: req.annualDiscountRate,
    margin: req.margin,
    excludedTransactions: summary.excludedTransactions,
    newCustomers: values.newCustomers,
    dataset: meta.id,
    ids: summary.ids,
    customer: summary.customer,
    frequency: summary.frequency,
    recency: summary.recency,
    T: summary.T,
    monetary: summary.monetary,
    values,
    intervals,
    holdout,
    comparison,
    warnings,
  };
}

/** Most extra ₂F₁ evaluations (7 × distinct (x, T) pairs × horizon months) spent on CLV intervals in one request. */
export const INTERVAL_BUDGET = 1_500_000;

/** Fewer repeat buyers than this: no Pareto/NBD comparison (neither model is identified well enough to rank them). */
export const COMPARE_MIN_REPEAT_BUYERS = 100;

/** Customers with at least one repeat purchase. */
function repeatBuyers(s: { frequency: ArrayLike<number> }): number {
  let k = 0;
  for (let j = 0; j < s.frequency.length; j++) if (s.frequency[j] > 0) k++;
  return k;
}

/** Customers with T = 0 (first purchase on the observation end). */
function countNew(T: ArrayLike<number>): number {
  let k = 0;
  for (let j = 0; j < T.length; j++) if (!(T[j] > 0)) k++;
  return k;
}

/**
 * The rows listed when there are more customers than `limit`: the `limit` customers with the highest
 * CLV (null CLV ranks last; ties go to the earlier customer), kept in file order.
 */
export function listedCustomers(clv: Float64Array, limit: number): Int32Array {
  const n = clv.length;
  if (n <= limit) return Int32Array.from({ length: n }, (_, i) => i);
  if (limit === 0) return new Int32Array(0);
  const ranked = Float64Array.from(clv, (v) => (Number.isFinite(v) ? v : -Infinity)).sort();
  const cut = ranked[n - limit];
  let above = 0;
  for (let i = 0; i < n; i++) if ((Number.isFinite(clv[i]) ? clv[i] : -Infinity) > cut) above++;
  let ties = limit - above;
  const out = new Int32Array(limit);
  let j = 0;
  for (let i = 0; i < n && j < limit; i++) {
    const v = Number.isFinite(clv[i]) ? clv[i] : -Infinity;
    if (v > cut || (v === cut && ties-- > 0)) out[j++] = i;
  }
  return out;
}

/**
 * The JSON answer of POST .../clv: fits, totals over all customers, and the customers listed up to
 * `limit` (all of them, in file order, when there are at most `limit`).
 */
export async function runClv(env: Env, ws: string, req: ClvRequest & { limit?: number }) {
  const r = await runClvColumns(env, ws, req, { intervals: true, compare: true });
  const sat = req.bySatisfaction ? await satisfactionGroups(env, ws, r, req.bySatisfaction) : null;
  const limit = Math.min(CLV_LIMIT_MAX, Math.max(0, Math.floor(req.limit ?? CLV_LIMIT_DEFAULT)));
  const v = r.values;
  const iv = r.intervals;
  const listed = listedCustomers(v.clv, limit);
  const ci = (j: number): [number, number] | null => iv?.customerCi95At(j) ?? null;
  const customers = Array.from(listed, (j) => ({ ...customerClv(r.ids.name(r.customer[j]), r, v, j), clvCi95: ci(j) }));
  let repeatBuyers = 0;
  for (let i = 0; i < r.frequency.length; i++) if (r.frequency[i] > 0) repeatBuyers++;
  return {
    method: v.method,
    observationEnd: r.observationEnd,
    horizonMonths: r.horizonMonths,
    annualDiscountRate: r.annualDiscountRate,
    margin: r.margin,
    excludedTransactions: r.excludedTransactions,
    /** Kept for older clients: every customer is valued now, so always 0 (see newCustomers). */
    excludedNewCustomers: 0,
    newCustomers: r.newCustomers,
    dataset: r.dataset,
    bgnbd: v.bgnbd,
    paretoNbd: v.paretoNbd,
    gammaGamma: v.gammaGamma,
    comparison: r.comparison,
    customers,
    customersTotal: r.customer.length,
    customersTruncated: listed.length < r.customer.length,
    totals: {
      ...v.totals,
      meanClv: v.totals.customers ? v.totals.clv / v.totals.customers : null,
      clvCi95: iv?.totalCi95 ?? null,
      meanClvCi95: iv?.meanCi95 ?? null,
    },
    intervals: {
      method: "delta-method-log-scale" as const,
      covers:
        "95% intervals from the sampling uncertainty of the purchase model's (BG/NBD or Pareto/NBD) and Gamma-Gamma parameters (delta method on the log scale, the fits' asymptotic covariances); not model misfit (see the holdout test) and not each customer's own purchase randomness.",
    },
    holdout: r.holdout,
    bySatisfaction: req.bySatisfaction ?? null,
    groups: sat?.groups ?? null,
    test: sat?.test ?? null,
    gap: sat?.gap ?? null,
    satisfaction: sat ? { by: sat.by, linkedCustomers: r.customer.length - sat.ungrouped, ungrouped: sat.ungrouped, rule: sat.rule } : null,
    repeatBuyers,
    // The fit's own warnings (few repeat buyers, implausible parameters, a penalised fit, one-time buyers' P(alive)),
    // then this run's (intervals, holdout, comparison) and the satisfaction groups'.
    warnings: [
      ...clvWarnings(v.bgnbd, v.gammaGamma, { customers: r.customer.length, repeatBuyers }),
      ...r.warnings.filter((w) => w.code !== "bgnbd_penalised"),
      ...(sat?.warnings ?? []),
    ],
  };
}

/**
 * Each customer's satisfaction group from the newest responses (matched by customer_id = account_id; the mean of the
 * customer's answers), then BG/NBD + Gamma-Gamma per group with the LR test and the CLV gap (models/clv/satisfaction-clv.ts).
 * NPS: promoters (mean ≥ 9), passives (≥ 7), detractors; CSAT: satisfied (mean in the top two boxes, ≥ scale − 1) or not.
 * @throws ApiError 422 no_responses when there are no responses with that score, or none matches a customer
 */
async function satisfactionGroups(env: Env, ws: string, r: ClvRun, by: "nps" | "csat") {
  const resp = await loadResponses(env, ws);
  const score = resp?.[by];
  if (!resp || !score || !score.some((v) => Number.isFinite(v))) {
    throw new ApiError(
      422,
      "no_responses",
      `CLV by ${by.toUpperCase()} needs a responses dataset with a ${by} column: upload responses first.`,
      [{ column: by, message: "no scores" }],
    );
  }
  const sum = new Map<string, [number, number]>();
  for (let i = 0; i < resp.n; i++) {
    const id = resp.accountId[i];
    const v = score[i];
    if (id === null || !Number.isFinite(v)) continue;
    const acc = sum.get(id) ?? [0, 0];
    acc[0] += v;
    acc[1]++;
    sum.set(id, acc);
  }
  const top = resp.csatScale - 1;
  const groupOf = (mean: number) =>
    by === "nps" ? (mean >= 9 ? "promoters" : mean >= 7 ? "passives" : "detractors") : mean >= top ? "satisfied" : "not satisfied";
  const group = Array.from(r.customer, (code) => {
    const acc = sum.get(r.ids.name(code));
    return acc ? groupOf(acc[0] / acc[1]) : null;
  });
  if (group.every((g) => g === null)) {
    throw new ApiError(
      422,
      "no_responses",
      "No customer_id of the transactions matches an account_id of the responses: CLV by satisfaction needs the same ids in both files.",
      [{ column: "account_id", message: "no match with customer_id" }],
    );
  }
  const order = by === "nps" ? ["promoters", "passives", "detractors"] : ["satisfied", "not satisfied"];
  const gap: [string, string] = by === "nps" ? ["promoters", "detractors"] : ["satisfied", "not satisfied"];
  const opts = { horizonMonths: r.horizonMonths, annualDiscountRate: r.annualDiscountRate, margin: r.margin };
  const out = clvBySatisfaction(r, group, order, gap, opts);
  const rule =
    by === "nps"
      ? "Each customer's mean NPS answer (0-10) over their responses: promoters ≥ 9, passives 7-8, detractors ≤ 6."
      : `Each customer's mean CSAT answer (1-${resp.csatScale}): satisfied when ≥ ${top} (top two boxes), else not satisfied.`;
  return { ...out, by, rule };
}
