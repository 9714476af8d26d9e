// A seeded synthetic SaaS book: accounts (ARR, renewals) and survey responses (NPS, CSAT, CES)
// whose renewals follow a KNOWN logistic truth, for the demo workspace and for tests that check
// fitted 95% intervals cover the truth. Plain ESM with JSDoc so Node scripts and vitest both import it.
//
//   node scripts/synthetic-book.mjs [--accounts 2000] [--seed 42] [--out dir]   writes accounts.csv, responses.csv
//     [--start 2023-01-01 --days 730 --renewal-start YYYY-MM-DD --renewal-days 365 --after-renewal 0]

/**
 * The logistic truth on the account-level features that the join computes (docs/methods.md#the-join):
 * logit P(renewed = 1) = Intercept + nps · (mean NPS) + csat · (mean CSAT) + log_arr · ln(arr)
 *                        + segment[T.Mid-Market] · [Mid-Market] + segment[T.SMB] · [SMB].
 * Enterprise is the reference level (alphabetically first, patsy style).
 */
export const TRUTH = Object.freeze({
  Intercept: -3.1,
  nps: 0.25,
  csat: 0.5,
  log_arr: 0.15,
  "segment[T.Mid-Market]": -0.2,
  "segment[T.SMB]": -0.45,
});

export const SEGMENTS = /** @type {const} */ (["SMB", "Mid-Market", "Enterprise"]);
export const REGIONS = /** @type {const} */ (["NA", "EMEA", "APAC", "LATAM"]);
export const TOUCHPOINTS = /** @type {const} */ (["onboarding", "support", "billing", "renewal"]);

/**
 * A small seeded generator (mulberry32) with normal draws (Box–Muller). The same seed gives
 * the same book on every runtime.
 * @param {number} seed
 */
export function makeRandom(seed) {
  let a = seed >>> 0;
  let spare = NaN;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => {
    if (!Number.isNaN(spare)) {
      const s = spare;
      spare = NaN;
      return s;
    }
    let u = 0;
    while (u === 0) u = uniform();
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
  /** @param {number} n */
  const int = (n) => Math.floor(uniform() * n);
  /** @param {number} mean */
  const poisson = (mean) => {
    const l = Math.exp(-mean);
    let k = 0;
    let p = uniform();
    while (p > l) {
      k++;
      p *= uniform();
    }
    return k;
  };
  return { uniform, normal, int, poisson };
}

/**
 * @typedef {object} BookOptions
 * @property {number} [accounts]        number of accounts (default 2000)
 * @property {number} [seed]            random seed (default 42)
 * @property {string} [start]           first survey day, ISO (default 2023-01-01)
 * @property {number} [days]            span of survey dates in days (default 730, about 2 years)
 * @property {number} [meanResponses]   mean responses per answering account (default 4)
 * @property {number} [silentShare]     share of accounts without responses (default 0.05)
 * @property {number} [orphans]         responses whose account is not in the book (default 5)
 * @property {string} [renewalStart]    first renewal day, ISO (default: 180 days before the survey span ends)
 * @property {number} [renewalDays]     span of renewal dates in days (default 365)
 * @property {number} [afterRenewal]    responses per answering account dated 1-60 days after its renewal, drawn after
 *                                      the outcome and leaking it (renewed: NPS 9-10; churned: NPS 0-2), which a
 *                                      time-honest feature must never use (default 0)
 */

/**
 * @typedef {object} AccountRow
 * @property {string} account_id
 * @property {number} arr
 * @property {0|1} renewed
 * @property {string} segment
 * @property {string} region
 * @property {number} tenure_months
 * @property {string} renewal_date
 * @property {number} expansion
 * @property {number} meanNps    NaN for accounts without responses
 * @property {number} meanCsat   NaN for accounts without responses
 * @property {number} pRenew     the true renewal probability
 */

/**
 * @typedef {object} ResponseRow
 * @property {string} account_id
 * @property {string} date
 * @property {number} nps
 * @property {number} csat
 * @property {number} ces
 * @property {string} touchpoint
 */

const clamp = (/** @type {number} */ x, /** @type {number} */ lo, /** @type {number} */ hi) => Math.min(hi, Math.max(lo, x));
const isoDay = (/** @type {number} */ days) => new Date(days * 86400000).toISOString().slice(0, 10);

/**
 * Generates the book. Latent satisfaction u ~ N(0, 1) per account drives its answers:
 * NPS = round(7.9 + 1.8u + touchpoint shift + N(0, 1.2)) in 0-10, CSAT = round(3.8 + 0.8u + N(0, 0.6)) in 1-5,
 * CES = round(3.5 − 0.9u + N(0, 0.9)) in 1-7. Renewal is then drawn from TRUTH on the account's
 * mean NPS, mean CSAT (of the answers as written), ln(arr) and segment; accounts without responses
 * renew from TRUTH at the book's average NPS/CSAT (they drop out of a fit anyway).
 * @param {BookOptions} [options]
 * @returns {{ accounts: AccountRow[], responses: ResponseRow[], accountsCsv: string, responsesCsv: string, truth: typeof TRUTH, seed: number }}
 */
export function syntheticBook(options = {}) {
  const n = options.accounts ?? 2000;
  const seed = options.seed ?? 42;
  const startDay = Math.round(Date.parse(`${options.start ?? "2023-01-01"}T00:00:00Z`) / 86400000);
  const span = options.days ?? 730;
  const meanResponses = options.meanResponses ?? 4;
  const silentShare = options.silentShare ?? 0.05;
  const orphans = options.orphans ?? 5;
  const renewalStart =
    options.renewalStart === undefined ? startDay + span - 180 : Math.round(Date.parse(`${options.renewalStart}T00:00:00Z`) / 86400000);
  const renewalDays = options.renewalDays ?? 365;
  const afterRenewal = options.afterRenewal ?? 0;
  const rnd = makeRandom(seed);
  const tpShift = { onboarding: 0.3, support: -0.6, billing: -0.3, renewal: 0.2 };
  const arrMedian = { SMB: 8000, "Mid-Market": 40000, Enterprise: 180000 };

  /** @type {AccountRow[]} */
  const accounts = [];
  /** @type {ResponseRow[]} */
  const responses = [];
  for (let i = 0; i < n; i++) {
    const r = rnd.uniform();
    const segment = r < 0.55 ? "SMB" : r < 0.85 ? "Mid-Market" : "Enterprise";
    const region = REGIONS[rnd.int(REGIONS.length)];
    const arr = Math.round(arrMedian[segment] * Math.exp(0.55 * rnd.normal()));
    const u = rnd.normal();
    const id = `ACC-${String(i + 1).padStart(5, "0")}`;
    const silent = rnd.uniform() < silentShare;
    const k = silent ? 0 : 1 + rnd.poisson(meanResponses - 1);
    let sumNps = 0;
    let sumCsat = 0;
    for (let j = 0; j < k; j++) {
      const touchpoint = TOUCHPOINTS[rnd.int(TOUCHPOINTS.length)];
      const nps = clamp(Math.round(7.9 + 1.8 * u + tpShift[touchpoint] + 1.2 * rnd.normal()), 0, 10);
      const csat = clamp(Math.round(3.8 + 0.8 * u + 0.6 * rnd.normal()), 1, 5);
      const ces = clamp(Math.round(3.5 - 0.9 * u + 0.9 * rnd.normal()), 1, 7);
      responses.push({ account_id: id, date: isoDay(startDay + rnd.int(span)), nps, csat, ces, touchpoint });
      sumNps += nps;
      sumCsat += csat;
    }
    const meanNps = k ? sumNps / k : NaN;
    const meanCsat = k ? sumCsat / k : NaN;
    accounts.push({
      account_id: id,
      arr,
      renewed: 0,
      segment,
      region,
      tenure_months: 1 + rnd.int(72),
      renewal_date: isoDay(renewalStart + rnd.int(renewalDays)),
      expansion: Math.round((0.05 + 0.04 * u + 0.08 * rnd.normal()) * 1000) / 1000,
      meanNps,
      meanCsat,
      pRenew: NaN,
    });
  }
  const answered = accounts.filter((a) => !Number.isNaN(a.meanNps));
  const avgNps = answered.reduce((s, a) => s + a.meanNps, 0) / Math.max(1, answered.length);
  const avgCsat = answered.reduce((s, a) => s + a.meanCsat, 0) / Math.max(1, answered.length);
  for (const a of accounts) {
    const eta =
      TRUTH.Intercept +
      TRUTH.nps * (Number.isNaN(a.meanNps) ? avgNps : a.meanNps) +
      TRUTH.csat * (Number.isNaN(a.meanCsat) ? avgCsat : a.meanCsat) +
      TRUTH.log_arr * Math.log(a.arr) +
      (a.segment === "Mid-Market" ? TRUTH["segment[T.Mid-Market]"] : 0) +
      (a.segment === "SMB" ? TRUTH["segment[T.SMB]"] : 0);
    a.pRenew = 1 / (1 + Math.exp(-eta));
    a.renewed = rnd.uniform() < a.pRenew ? 1 : 0;
  }
  // Responses after the renewal, drawn after every outcome (so the default book's random stream is unchanged).
  for (const a of afterRenewal > 0 ? answered : []) {
    const renewalDay = Math.round(Date.parse(`${a.renewal_date}T00:00:00Z`) / 86400000);
    for (let j = 0; j < afterRenewal; j++) {
      const nps = a.renewed ? 9 + rnd.int(2) : rnd.int(3);
      const touchpoint = TOUCHPOINTS[rnd.int(TOUCHPOINTS.length)];
      responses.push({
        account_id: a.account_id,
        date: isoDay(renewalDay + 1 + rnd.int(60)),
        nps,
        csat: a.renewed ? 5 : 1,
        ces: a.renewed ? 1 : 7,
        touchpoint,
      });
    }
  }
  for (let j = 0; j < orphans; j++) {
    responses.push({
      account_id: `GONE-${j + 1}`,
      date: isoDay(startDay + rnd.int(span)),
      nps: rnd.int(11),
      csat: 1 + rnd.int(5),
      ces: 1 + rnd.int(7),
      touchpoint: TOUCHPOINTS[rnd.int(TOUCHPOINTS.length)],
    });
  }
  responses.sort((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : 0));
  return {
    accounts,
    responses,
    accountsCsv: toCsv(accounts, ["account_id", "arr", "renewed", "segment", "region", "tenure_months", "renewal_date", "expansion"]),
    responsesCsv: toCsv(responses, ["account_id", "date", "nps", "csat", "ces", "touchpoint"]),
    truth: TRUTH,
    seed,
  };
}

/**
 * Rows to CSV text (LF, header first, fields quoted only when needed).
 * @param {Record<string, unknown>[]} rows
 * @param {string[]} columns
 */
export function toCsv(rows, columns) {
  const cell = (/** @type {unknown} */ v) => {
    const s = v === null || v === undefined || (typeof v === "number" && Number.isNaN(v)) ? "" : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [columns.join(","), ...rows.map((r) => columns.map((c) => cell(r[c])).join(","))].join("\n") + "\n";
}

// CLI: write the two CSV files.
if (typeof process !== "undefined" && process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const arg = (/** @type {string} */ name, /** @type {string} */ dflt) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : dflt;
  };
  const { writeFileSync, mkdirSync } = await import("node:fs");
  const path = await import("node:path");
  const out = arg("out", ".");
  const book = syntheticBook({
    accounts: Number(arg("accounts", "2000")),
    seed: Number(arg("seed", "42")),
    start: arg("start", "2023-01-01"),
    days: Number(arg("days", "730")),
    renewalStart: arg("renewal-start", "") || undefined,
    renewalDays: Number(arg("renewal-days", "365")),
    afterRenewal: Number(arg("after-renewal", "0")),
  });
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, "accounts.csv"), book.accountsCsv);
  writeFileSync(path.join(out, "responses.csv"), book.responsesCsv);
  console.log(`synthetic book (seed ${book.seed}): ${book.accounts.length} accounts, ${book.responses.length} responses → ${out}`);
}
