/**
 * The API from outside, with the typed client generated from its OpenAPI document (openapi-fetch over
 * web/src/api-schema.d.ts, the same types the web UI uses): create a workspace, upload the demo book (accounts and
 * survey responses), fit the renewal model, run a what-if scenario and print its ROI with the 95% interval.
 *
 *   npm start                                   # in another terminal: the local server on http://127.0.0.1:8787
 *   npx tsx examples/renewal-roi.ts [baseUrl]   # or API_BASE=https://… ; ADMIN_TOKEN=… if the server sets one
 *
 * README "Use the API" shows the same flow as curl commands (examples/renewal-roi.sh).
 */
import createClient from "openapi-fetch";
import { syntheticBook } from "../scripts/synthetic-book.mjs";
import type { paths } from "../web/src/api-schema";

const baseUrl = process.argv[2] ?? process.env.API_BASE ?? "http://127.0.0.1:8787";
const api = createClient<paths>({ baseUrl });

/** The body of a successful answer, or exit with the API's error (code, message, the fields at fault). */
function must<T>(r: { data?: T; error?: unknown; response: Response }, what: string): T {
  if (r.data !== undefined && r.response.ok) return r.data;
  console.error(`${what}: HTTP ${r.response.status}`, JSON.stringify(r.error, null, 2));
  process.exit(1);
}

const percent = (x: number) => `${(100 * x).toFixed(1)}%`;
const dollars = (x: number) => `$${Math.round(x).toLocaleString("en-US")}`;

// 1. A workspace: its owner token is answered once; every workspace call below sends it.
const adminToken = process.env.ADMIN_TOKEN;
const ws = must(
  await api.POST("/api/workspaces", {
    body: { name: "Renewal ROI example" },
    headers: adminToken ? { authorization: `Bearer ${adminToken}` } : {},
  }),
  "createWorkspace",
);
const auth = { authorization: `Bearer ${ws.token}` };
console.log(`workspace ${ws.id}`);

// 2. The demo book of `npm start` (2,000 accounts with ARR and renewals, their NPS / CSAT / CES answers), as CSV files.
const book = syntheticBook({ accounts: 2000, seed: 42 });
for (const [kind, csv] of [
  ["accounts", book.accountsCsv],
  ["responses", book.responsesCsv],
] as const) {
  const dataset = must(
    await api.POST("/api/workspaces/{ws}/datasets", {
      params: { path: { ws: ws.id }, query: { kind, name: `Demo ${kind}` } },
      headers: { ...auth, "content-type": "text/csv" },
      body: csv,
      bodySerializer: () => csv, // the file itself as the body, not JSON
    }),
    `uploadDataset (${kind})`,
  );
  console.log(`uploaded ${kind}: ${dataset.rows} rows`);
}

// 3. The renewal model: logistic regression of renewed on mean NPS and CSAT, controlling for size and segment.
const model = must(
  await api.POST("/api/workspaces/{ws}/models", {
    params: { path: { ws: ws.id } },
    headers: auth,
    body: { kind: "logistic", outcome: "renewed", predictors: ["nps", "csat", "log_arr", "segment"] },
  }),
  "fitModel",
);
console.log(`model ${model.id}: ${model.nObs} accounts, ${model.excluded} left out for missing values`);
for (const w of model.warnings) console.log(`  warning: ${w}`);

// 4. A what-if: each account's mean NPS answer +1 point on the 0-10 scale (not +1 NPS score point), $1,000,000
//    invested, 80% gross margin, 3 years.
const s = must(
  await api.POST("/api/workspaces/{ws}/scenarios", {
    params: { path: { ws: ws.id } },
    headers: auth,
    body: { name: "NPS +1", modelId: model.id, change: { nps: 1 }, investment: 1_000_000, grossMargin: 0.8, horizonYears: 3, save: true },
  }),
  "createScenario",
);

// 5. The answer, each number with its unit and what its interval covers.
const horizon = s.request.horizonYears;
const money = s.request.annualDiscountRate > 0 ? `discounted at ${percent(s.request.annualDiscountRate)} a year` : "undiscounted";
const ci = s.ci95;
console.log(`\nScenario "${s.name}" (${s.id}) on ${s.accounts} accounts:`);
console.log(`  renewal rate ${percent(s.baseline.renewalRate)} -> ${percent(s.scenario.renewalRate)} (mean predicted probability)`);
console.log(
  `  revenue gain ${dollars(s.revenueGain)} over ${horizon} years, ${money}` +
    (ci ? ` (95% interval ${dollars(ci.revenueGain[0])} to ${dollars(ci.revenueGain[1])})` : ""),
);
console.log(
  `  ROI ${s.roi === null ? "n/a (no investment)" : percent(s.roi)}` +
    (ci?.roi ? ` (95% interval ${percent(ci.roi[0])} to ${percent(ci.roi[1])})` : "") +
    ` = (margin gain - investment) / investment over ${horizon} years`,
);
console.log(
  `  95% intervals: the uncertainty of the fitted coefficients (${s.draws} seeded draws), not changes in the accounts themselves`,
);
console.log("  The model measures association in past data; it does not prove that raising NPS causes the renewals.");
