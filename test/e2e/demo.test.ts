/**
 * The demo of `npm start` (scripts/demo.mjs, the same function start.mjs calls), opened through its viewer link:
 * a fitted renewal model, two saved scenarios and their programme, renewals ahead, CLV segments by transactions
 * that match the accounts.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDemo } from "../../scripts/demo.mjs";
import { openSession, type Session } from "./browser";

const base = inject("baseUrl");
let s: Session;

beforeAll(async () => {
  s = await openSession();
});
afterAll(async () => {
  await s?.close();
});

describe("the demo workspace through its viewer link", () => {
  it("shows a fitted model, saved scenarios with a programme, and renewals; no 'ask an editor'", async () => {
    const demo = await createDemo(base, { datasetsDir: path.resolve(import.meta.dirname, "../../../shared/datasets") });
    await s.page.goto(`${base}/#/w/${demo.id}?token=${demo.viewerToken}`);
    await s.page.locator("#kpis").waitFor();
    await s.page.goto(`${base}/#/w/${demo.id}/model`);
    await s.page.locator("#coef-title").waitFor();
    expect(await s.page.locator("main").textContent()).not.toMatch(/ask an editor/i);
    await s.page.goto(`${base}/#/w/${demo.id}/scenarios`);
    await s.page.locator("#programme table").waitFor();
    expect(await s.page.locator("#compare thead th").allTextContents()).toEqual([
      "",
      "Onboarding redesign: CSAT +5 pp satisfied",
      "Support programme: NPS +5 score points",
    ]);
    await s.page.goto(`${base}/#/w/${demo.id}/renewals`);
    await s.page.locator("#renewals-table").waitFor();
    expect(await s.page.locator("#renewals-table tbody tr td:nth-child(5)").first().textContent()).toMatch(/%$/);
    // Transactions under the book's account ids: CLV segments by transactions match accounts.
    const seg = await fetch(`${base}/api/workspaces/${demo.id}/segments?value=clv&clvSource=transactions`, {
      headers: { authorization: `Bearer ${demo.viewerToken}` },
    });
    expect(seg.status).toBe(200);
    const body = (await seg.json()) as { totals: { accounts: number } };
    expect(body.totals.accounts).toBeGreaterThan(1000);
    expect(s.errors).toEqual([]);
  });
});
