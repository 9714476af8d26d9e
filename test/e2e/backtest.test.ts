/**
 * The demo workspace's back-test in Chromium: the demo book (scripts/synthetic-book.mjs, seed 42, 2,000 accounts)
 * uploaded, fitted and back-tested exactly as `npm start` does (scripts/demo-backtest.mjs); the impact-model screen
 * shows the "Would it have predicted the future?" card with its bars and units, and the one-page business case (the
 * server's report, shown by the print view) its back-test line. No console error.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { demoModelAndBacktest } from "../../scripts/demo-backtest.mjs";
import { syntheticBook } from "../../scripts/synthetic-book.mjs";
import { createWorkspace, openSession, type Session } from "./browser";

const base = inject("baseUrl");
let s: Session;
let demo = { id: "", token: "" };
let modelId = "";
let scenarioId = "";
type Split = { split: string; predictedArr: number | null; actualArr: number; predictedArrCi95: [number, number] | null };
let splits: Split[] = [];

async function api(method: string, url: string, opts: { token?: string; body?: string; contentType?: string } = {}) {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.contentType) headers["content-type"] = opts.contentType;
  const res = await fetch(`${base}${url}`, { method, headers, body: opts.body });
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, json, text };
}

beforeAll(async () => {
  demo = await createWorkspace(base, "Demo");
  const book = syntheticBook({ accounts: 2000, seed: 42 });
  for (const [kind, csv] of [
    ["accounts", book.accountsCsv],
    ["responses", book.responsesCsv],
  ] as const) {
    const r = await api("POST", `/api/workspaces/${demo.id}/datasets?kind=${kind}`, {
      token: demo.token,
      body: csv,
      contentType: "text/csv",
    });
    expect(r.status, r.text.slice(0, 300)).toBe(201);
  }
  const done = await demoModelAndBacktest(api, demo);
  modelId = done.modelId;
  splits = (await api("GET", `/api/workspaces/${demo.id}/backtests/${done.backtestId}`, { token: demo.token })).json.splits;
  const sc = await api("POST", `/api/workspaces/${demo.id}/scenarios`, {
    token: demo.token,
    contentType: "application/json",
    body: JSON.stringify({
      name: "NPS +5",
      modelId,
      change: { nps: 5 },
      horizonYears: 3,
      annualDiscountRate: 0.08,
      grossMargin: 0.8,
      investment: 250000,
      save: true,
      draws: 200,
    }),
  });
  expect(sc.status, sc.text.slice(0, 300)).toBe(201);
  scenarioId = sc.json.id;
  s = await openSession();
}, 120_000);
afterAll(async () => {
  await s?.close();
});

const usd = (x: number) => "$" + Math.round(x).toLocaleString("en-US");

describe("back-test card on the demo", () => {
  it("shows predicted vs actual vs baseline with units on the impact-model screen", async () => {
    expect(splits.length).toBeGreaterThanOrEqual(1);
    await s.page.goto(`${base}/#/w/${demo.id}/model?id=${modelId}&token=${demo.token}`);
    await s.page.locator("#bt-table").waitFor();
    expect(await s.page.locator("#bt-title").textContent()).toBe("Would it have predicted the future?");
    expect(await s.page.locator("#bt-table caption").textContent()).toContain(
      "renewed ARR of the accounts renewing in each window, undiscounted",
    );
    const rows = s.page.locator("#bt-table tbody tr");
    expect(await rows.count()).toBe(splits.length);
    for (let k = 0; k < splits.length; k++) {
      const row = rows.nth(k);
      // The page shows the API's numbers, as money.
      expect(await row.locator('[data-bt="actual"]').textContent()).toBe(usd(splits[k].actualArr));
      const predicted = await row.locator('[data-bt="predicted"]').textContent();
      expect(predicted).toContain(usd(splits[k].predictedArr!));
      expect(predicted).toMatch(/95%: \$[\d.]+[KM]? to \$[\d.]+[KM]?/);
      expect(await row.locator('[data-bt="baseline"]').textContent()).toMatch(/^\$[\d,]+$/);
    }
    await s.page.locator("#bt-result canvas").waitFor();
    await s.page.waitForTimeout(400);
    await s.page.locator("#backtest").scrollIntoViewIfNeeded();
    await s.shot("19-backtest-card", true);
    await s.page.locator("#backtest").screenshot({ path: `${(await import("./browser")).SHOTS}/19-backtest-card-only.png` });
    expect(s.errors).toEqual([]);
  });

  it("puts the back-test line on the one-page business case", async () => {
    await s.page.goto(`${base}/#/w/${demo.id}/print?scenario=${scenarioId}`);
    await s.page.locator("#backtest-line").waitFor();
    const last = [...splits].reverse().find((x) => x.predictedArr !== null)!;
    const line = await s.page.locator("#backtest-line").textContent();
    expect(line).toContain(`Back-tested on renewals ${last.split} – `);
    expect(line).toContain(
      `predicted ${usd(last.predictedArr!)} (95% interval ${usd(last.predictedArrCi95![0])} to ${usd(last.predictedArrCi95![1])}, from the coefficients' uncertainty and chance in who renews), actual ${usd(last.actualArr)} of renewed ARR, undiscounted`,
    );
    await s.shot("19-backtest-business-case", true);
    expect(s.errors).toEqual([]);
  });
});
