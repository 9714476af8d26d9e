// The demo workspace of `npm start` (also loaded by the e2e tests): a synthetic SaaS book whose renewals fall around
// today, the CDNOW sample transactions under the book's account ids (when the datasets folder is there), a fitted
// logistic renewal model and its back-test, two saved scenarios and a programme of both, and a viewer token.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { DEMO_PREDICTORS, demoModelAndBacktest } from "./demo-backtest.mjs";
import { syntheticBook } from "./synthetic-book.mjs";

/**
 * CDNOW_sample.txt (id, sample id, YYYYMMDD, cds, dollars) → customer_id,date,amount CSV. Sample customer k is given
 * the id of the book's k-th account (ACC-0000k) so CLV by transactions segments the same accounts; the 357 customers
 * beyond the book's 2,000 accounts keep their own ids (CDNOW-k).
 */
function cdnowTransactions(file, accounts) {
  const lines = readFileSync(file, "utf8")
    .split(/\r?\n/)
    .filter((l) => l.trim() !== "");
  const out = ["customer_id,date,amount"];
  for (const l of lines) {
    const [, sampleId, ymd, , dollars] = l.trim().split(/\s+/);
    const k = Number(sampleId);
    const id = k <= accounts ? `ACC-${String(k).padStart(5, "0")}` : `CDNOW-${k}`;
    out.push(`${id},${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)},${dollars}`);
  }
  return out.join("\n") + "\n";
}

/**
 * A small client of the server at `base`: `api(method, url, { token, body, contentType })` answers
 * `{ status, json (null when the body is not JSON), text }`.
 * @example const api = apiClient("http://127.0.0.1:8787"); const { status } = await api("GET", "/api/health");
 */
export function apiClient(base) {
  return async function api(method, url, { token, body, contentType } = {}) {
    const headers = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (contentType) headers["content-type"] = contentType;
    const res = await fetch(`${base}${url}`, { method, headers, body });
    const text = await res.text();
    let json = null;
    try {
      json = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: res.status, json, text };
  };
}

/**
 * Creates the demo workspace on the server at `base`.
 * @returns {Promise<{id: string, token: string, viewerToken: string, modelId: string, scenarioIds: string[], backtestId: string}>}
 */
export async function createDemo(base, { adminToken, datasetsDir, log = () => {} } = {}) {
  const api = apiClient(base);
  const json = (token, body) => ({ token, body: JSON.stringify(body), contentType: "application/json" });
  const created = await api("POST", "/api/workspaces", {
    token: adminToken,
    body: JSON.stringify({ name: "Demo" }),
    contentType: "application/json",
  });
  if (created.status !== 201) throw new Error(`creating the demo workspace: ${created.status} ${created.text}`);
  const demo = { id: created.json.id, token: created.json.token };
  // Two years of responses ending today: renewal dates (start + 550 .. + 915 days) then run from 180 days ago to
  // 185 days ahead, so "Renewals ahead" has accounts in every window.
  const today = Math.floor(Date.now() / 86400000);
  const start = new Date((today - 730) * 86400000).toISOString().slice(0, 10);
  const book = syntheticBook({ accounts: 2000, seed: 42, start });
  const uploads = [
    ["accounts", "Synthetic SaaS book: accounts (seed 42)", book.accountsCsv],
    ["responses", "Synthetic SaaS book: survey responses (seed 42)", book.responsesCsv],
  ];
  const cdnow = datasetsDir ? path.join(datasetsDir, "cdnow/CDNOW_sample.txt") : "";
  if (cdnow && existsSync(cdnow))
    uploads.push(["transactions", "CDNOW sample transactions (1997-1998, ids of the book's accounts)", cdnowTransactions(cdnow, 2000)]);
  else log(`no ${cdnow}: the demo has no transactions dataset`);
  for (const [kind, name, csv] of uploads) {
    const res = await api("POST", `/api/workspaces/${demo.id}/datasets?kind=${kind}&name=${encodeURIComponent(name)}`, {
      token: demo.token,
      body: csv,
      contentType: "text/csv",
    });
    if (res.status !== 201) throw new Error(`uploading the demo ${kind}: ${res.status} ${res.text.slice(0, 500)}`);
    log(`demo ${kind}: ${res.json.rows} rows`);
  }
  Object.assign(demo, await demoModels(api, json, demo, log));
  const viewer = await api("POST", `/api/workspaces/${demo.id}/tokens`, {
    token: demo.token,
    body: JSON.stringify({ role: "viewer" }),
    contentType: "application/json",
  });
  if (viewer.status !== 201) throw new Error(`issuing the demo's viewer token: ${viewer.status} ${viewer.text}`);
  demo.viewerToken = viewer.json.token;
  return demo;
}

/** The demo's fitted renewal model, two saved scenarios and a programme combining them. */
async function demoModels(api, json, demo, log) {
  const fit = await api(
    "POST",
    `/api/workspaces/${demo.id}/models`,
    json(demo.token, { kind: "logistic", outcome: "renewed", predictors: DEMO_PREDICTORS, name: "Demo renewal model" }),
  );
  if (fit.status !== 201) throw new Error(`fitting the demo's renewal model: ${fit.status} ${fit.text.slice(0, 500)}`);
  log(`demo model: logistic renewal model ${fit.json.id}`);
  const scenarios = [
    { name: "Support programme: NPS +5 score points", change: { npsScore: 5 }, investment: 500000 },
    { name: "Onboarding redesign: CSAT +5 pp satisfied", change: { csatPp: 5 }, investment: 1200000 },
  ];
  const ids = [];
  for (const s of scenarios) {
    const res = await api(
      "POST",
      `/api/workspaces/${demo.id}/scenarios`,
      json(demo.token, { ...s, modelId: fit.json.id, horizonYears: 3, grossMargin: 0.8, annualDiscountRate: 0.08, save: true }),
    );
    if (res.status !== 201) throw new Error(`saving the demo scenario "${s.name}": ${res.status} ${res.text.slice(0, 500)}`);
    ids.push(res.json.id);
    log(`demo scenario: ${s.name}`);
  }
  const prog = await api("POST", `/api/workspaces/${demo.id}/programs`, json(demo.token, { scenarioIds: ids, overlap: 0.2 }));
  if (prog.status !== 200) throw new Error(`combining the demo programme: ${prog.status} ${prog.text.slice(0, 500)}`);
  log("demo programme: the Scenarios screen combines both scenarios (set the overlap between their gains there)");
  // The model's back-test (same outcome and predictors): the model screen's card and the business case's line.
  const { backtestId, splits } = await demoModelAndBacktest(api, demo, fit.json.id);
  log(`demo model back-tested on renewals from ${splits.join(", ")}`);
  return { modelId: fit.json.id, scenarioIds: ids, backtestId };
}
