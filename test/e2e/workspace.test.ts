/**
 * What a new user does, in Chromium against a real `wrangler dev`: create a workspace, upload the accounts
 * file (correcting the column mapping in the preview), see a bad responses file rejected with row and column,
 * upload the good one, read the dashboard, share a viewer link.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openSession, overflowX, unlabelledControls, type Session } from "./browser";
import { makeBook } from "./fixture";

const base = inject("baseUrl");
const book = makeBook(300, 7);
let s: Session;
let ws = "";

beforeAll(async () => {
  s = await openSession();
});
afterAll(async () => {
  await s?.close();
});

/** NPS of the responses CSV, computed here independently of the API: %promoters(9-10) − %detractors(0-6). */
function npsOf(csv: string, from = "", to = "9999"): number {
  const rows = csv
    .trim()
    .split("\n")
    .slice(1)
    .map((l) => l.split(","))
    .filter((c) => c[1] >= from && c[1] <= to)
    .map((c) => Number(c[2]));
  const p = rows.filter((x) => x >= 9).length;
  const d = rows.filter((x) => x <= 6).length;
  return (100 * (p - d)) / rows.length;
}

async function pick(name: string, body: string) {
  await s.page.locator("#upload-file").setInputFiles({ name, mimeType: "text/csv", buffer: Buffer.from(body) });
}

describe("workspace: create, upload, dashboard, share", () => {
  it("creates a workspace and keeps its token out of the address bar", async () => {
    await s.page.goto(`${base}/#/`);
    await s.page.getByLabel("Workspace name").fill("Acme renewals");
    await s.shot("01-home");
    await s.page.getByRole("button", { name: "Create workspace" }).click();
    await s.page.waitForURL(/#\/w\/[^/]+\/upload$/);
    ws = /#\/w\/([^/]+)\/upload/.exec(s.page.url())![1];
    const stored = await s.page.evaluate(() => localStorage.getItem("cxr.workspaces"));
    expect(JSON.parse(stored!)[ws].token.length).toBeGreaterThan(20);
    expect(s.page.url()).not.toContain("token=");
  });

  it("previews the accounts file, lets the user fix the mapping, then stores it", async () => {
    // The id column has a header no synonym matches: the dry run names the problem, the user maps it.
    const renamed = book.accountsCsv.replace(/^account_id,/, "acct_ref_code,");
    await s.page.locator("#upload-kind").selectOption("accounts");
    await s.expectingStatus(422, async () => {
      await pick("book-accounts.csv", renamed);
      await s.page.locator("#map-account_id").waitFor();
    });
    await s.page.locator("#map-account_id").selectOption("acct_ref_code");
    await s.page.locator("#upload-recheck").click();
    await s.page.locator("#upload-commit").waitFor();
    expect(await s.page.locator("#upload-preview table.preview tbody tr").count()).toBeGreaterThan(0);
    await s.shot("02-upload-preview");
    await s.page.locator("#upload-commit").click();
    await s.page.locator("#upload-done").waitFor();
    expect(await s.page.locator("#upload-done").textContent()).toContain("300 rows");
    expect(await s.page.locator("#progress-transfer").evaluate((e: HTMLProgressElement) => e.value)).toBe(100);
    expect(await s.page.locator("#progress-processing").evaluate((e: HTMLProgressElement) => e.value)).toBe(100);
  });

  it("shows every bad cell of a rejected file with its row and column", async () => {
    // File row 5 (header = row 1) gets NPS 11; row 7 gets CSAT 0.
    const lines = book.responsesCsv.trim().split("\n");
    lines[4] = lines[4].replace(/^([^,]*,[^,]*,)\d+,/, "$111,");
    lines[6] = lines[6].replace(/^([^,]*,[^,]*,[^,]*,)\d+,/, "$10,");
    await s.page.locator("#upload-kind").selectOption("responses");
    await s.expectingStatus(422, async () => {
      await pick("survey-responses-bad.csv", lines.join("\n") + "\n");
      await s.page.locator("table.bad-rows").waitFor();
    });
    const cells = await s.page
      .locator("table.bad-rows tbody tr")
      .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
    expect(cells.some((r) => r[0] === "5" && r[1] === "nps")).toBe(true);
    expect(cells.some((r) => r[0] === "7" && r[1] === "csat")).toBe(true);
    await s.shot("03-upload-bad-rows");
  });

  it("stores the good responses file", async () => {
    await pick("survey-responses.csv", book.responsesCsv);
    await s.page.locator("#upload-commit").waitFor();
    await s.page.locator("#upload-commit").click();
    await s.page.locator("#upload-done").waitFor();
    expect(await s.page.locator("#upload-done").textContent()).toContain(`${book.responses} rows`);
    expect(await s.page.locator("#dataset-list tbody tr").count()).toBe(2);
    await s.shot("04-upload-done");
  });

  it("shows the dashboard: scores with intervals, trend, breakdowns, join report", async () => {
    await s.page.goto(`${base}/#/w/${ws}`);
    await s.page.locator("#kpis").waitFor();
    await s.page.locator("#trend canvas").waitFor();
    expect(await s.page.locator('[data-kpi="NPS"]').textContent()).toBe(npsOf(book.responsesCsv).toFixed(1).replace("-", "−"));
    expect(await s.page.locator("#kpis .kpi").first().textContent()).toContain("95% CI [");
    const join = s.page.locator("#join-report");
    expect(await join.locator('[data-kpi="Accounts"]').textContent()).toBe("300");
    expect(await join.locator('[data-kpi="Orphan responses"]').textContent()).toBe(String(book.orphans));
    expect(await join.locator('[data-kpi="Accounts without responses"]').textContent()).toBe(String(book.silentAccounts));
    // Three segments, plus "(none)": the orphan responses, whose account is not in the accounts file.
    const segRows = await s.page
      .locator("#by-segment tbody tr")
      .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
    expect(segRows.map((r) => r[0]).sort()).toEqual(["(none)", "Enterprise", "Mid-Market", "SMB"]);
    expect(segRows.find((r) => r[0] === "(none)")![1]).toBe(String(book.orphans));
    expect(await s.page.locator("#by-touchpoint tbody tr").count()).toBe(4);
    await s.page.locator("#trend-goal").fill("40");
    await s.page.locator("#trend-goal").press("Enter");
    await s.page.waitForTimeout(300);
    await s.shot("05-dashboard");
    expect(await unlabelledControls(s.page)).toEqual([]);
    await s.page.setViewportSize({ width: 390, height: 844 });
    await s.page.waitForTimeout(300);
    expect(await overflowX(s.page)).toBeLessThanOrEqual(0);
    await s.shot("05-dashboard-phone");
    await s.page.setViewportSize({ width: 1280, height: 900 });
    expect(s.errors).toEqual([]);
  });

  it("narrows every figure to a date range", async () => {
    await s.page.locator("#range-from").fill("2025-07-01");
    await s.page.locator("#range-to").fill("2025-12-31");
    await s.page.locator("#range-form button[type=submit]").click();
    await s.page.locator("#range-clear").waitFor();
    await s.page.locator("#kpis").waitFor();
    // NPS of the responses dated 2025-07-01..2025-12-31, counted in this test from the CSV.
    expect(await s.page.locator('[data-kpi="NPS"]').textContent()).toBe(
      npsOf(book.responsesCsv, "2025-07-01", "2025-12-31").toFixed(1).replace("-", "−"),
    );
    await s.page.locator("#range-clear").click();
    await s.page.locator("#range-form").waitFor();
    await s.page.waitForFunction(() => !document.getElementById("range-clear"));
    expect(await s.page.locator('[data-kpi="NPS"]').textContent()).toBe(npsOf(book.responsesCsv).toFixed(1).replace("-", "−"));
    expect(s.errors).toEqual([]);
  });

  it("shares a viewer link that opens the workspace in another browser", async () => {
    await s.page.goto(`${base}/#/w/${ws}/share`);
    await s.page.getByRole("button", { name: "Create link" }).click();
    const link = await s.page.locator("#share-link").inputValue();
    expect(link).toMatch(new RegExp(`/#/w/${ws}\\?token=`));
    await s.shot("06-share");
    const other = await s.browser.newContext();
    const p2 = await other.newPage();
    const errs: string[] = [];
    p2.on("console", (m) => {
      if (m.type() === "error") errs.push(m.text());
    });
    p2.on("pageerror", (e) => errs.push(e.message));
    await p2.goto(link);
    await p2.locator("#kpis").waitFor();
    expect(p2.url()).not.toContain("token=");
    // A viewer link is read-only: no upload or share screens in its navigation.
    await p2.locator("nav a", { hasText: "Dashboard" }).waitFor();
    expect(await p2.locator("nav a", { hasText: "Upload" }).count()).toBe(0);
    await other.close();
    expect(errs).toEqual([]);
    expect(s.errors).toEqual([]);
  });
});
