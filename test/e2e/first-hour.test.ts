/**
 * The first hour with real files, in Chromium against a real `wrangler dev`: a CSAT-only survey file (IBM Telco,
 * unchanged) and an NPS file end to end with no empty chart, a workbook whose first sheet is a summary (sheet picker,
 * totals row left out), a re-upload that needs no mapping clicks, renewals ahead, scenario rename / delete, a slider
 * that keeps its value on a click, a chart's PNG and a dataset deleted with a success message. Screenshots in
 * test-results/first-hour-*.png.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { strToU8, zipSync } from "fflate";
import Papa from "papaparse";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createWorkspace, openSession, type Session } from "./browser";
import { makeBook } from "./fixture";

const base = inject("baseUrl");
const datasets = path.resolve(import.meta.dirname, "../../../shared/datasets");
let s: Session;

beforeAll(async () => {
  s = await openSession();
  s.page.on("dialog", (d) => void d.accept());
});
afterAll(async () => {
  await s?.close();
});

const api = async (ws: { id: string; token: string }, method: string, rest: string, body?: unknown, type = "application/json") => {
  const res = await fetch(`${base}/api/workspaces/${ws.id}${rest}`, {
    method,
    headers: { authorization: `Bearer ${ws.token}`, "content-type": type },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, json: res.headers.get("content-type")?.includes("json") ? await res.json() : null };
};

/** Canvases on the page with nothing drawn (after chart.js has drawn). */
async function blankCanvases(page: Page): Promise<number> {
  await page.waitForTimeout(400);
  return page.evaluate(
    () =>
      [...document.querySelectorAll("canvas")].filter((c) => {
        const d = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
        for (let i = 3; i < d.length; i += 4 * 7) if (d[i] > 0) return false;
        return true;
      }).length,
  );
}

async function uploadViaUi(name: string, kind: string, buffer: Buffer, mimeType = "text/csv") {
  await s.page.locator("#upload-kind").selectOption(kind);
  await s.page.locator("#upload-file").setInputFiles({ name, mimeType, buffer });
}

describe("a CSAT-only file: IBM Telco's satisfaction_score", () => {
  it("uploads unchanged and opens on a CSAT dashboard: CSAT n = 7,043, no NPS card, the trend says there are no dates", async () => {
    const ws = await createWorkspace(base, "Telco CSAT");
    await s.page.goto(`${base}/#/w/${ws.id}/upload?token=${ws.token}`);
    await uploadViaUi("telco_cx.csv", "responses", readFileSync(path.join(datasets, "telco/telco_cx.csv")));
    await s.page.locator("#upload-commit").waitFor();
    await s.page.locator("#upload-commit").click();
    await s.page.locator("#upload-done").waitFor();
    expect(await s.page.locator("#upload-done").textContent()).toContain("7,043 rows");
    await s.page.goto(`${base}/#/w/${ws.id}`);
    await s.page.locator("#kpis").waitFor();
    const labels = await s.page.locator("#kpis .kpi .label").allTextContents();
    expect(labels).toEqual(["CSAT"]);
    // Independent: share of answers 4-5 counted here with papaparse.
    const rows = Papa.parse<Record<string, string>>(readFileSync(path.join(datasets, "telco/telco_cx.csv"), "utf8"), {
      header: true,
      skipEmptyLines: true,
    }).data;
    const top2 = (100 * rows.filter((r) => Number(r.satisfaction_score) >= 4).length) / rows.length;
    const kpiText = await s.page.locator("#kpis").textContent();
    expect(kpiText).toContain(`${top2.toFixed(1)}%`);
    expect(kpiText).toContain("n = 7,043");
    expect(await s.page.locator("#kpis-absent").textContent()).toContain("NPS and CES");
    await s.page.locator("#trend-no-dates").waitFor();
    expect(await s.page.locator("#by-touchpoint [data-empty]").count()).toBe(1);
    expect(await blankCanvases(s.page)).toBe(0);
    await s.shot("first-hour-dashboard-csat-only");
    expect(s.errors).toEqual([]);
  });
});

describe("an NPS file end to end", () => {
  const book = makeBook(300, 7);
  let ws: { id: string; token: string };

  it("uploads accounts and responses, draws every chart with data, switches metric, compares quarters, filters by segment", async () => {
    ws = await createWorkspace(base, "NPS book");
    await s.page.goto(`${base}/#/w/${ws.id}/upload?token=${ws.token}`);
    for (const [kind, name, csv] of [
      ["accounts", "accounts.csv", book.accountsCsv],
      ["responses", "responses.csv", book.responsesCsv],
    ]) {
      await uploadViaUi(name, kind, Buffer.from(csv));
      await s.page.locator("#upload-commit").waitFor();
      await s.page.locator("#upload-commit").click();
      await s.page.locator("#upload-done").waitFor();
    }
    await s.page.goto(`${base}/#/w/${ws.id}`);
    await s.page.locator("#trend canvas").waitFor();
    expect(await s.page.locator("#kpis .kpi .label").allTextContents()).toEqual(["NPS", "CSAT", "CES"]);
    expect(await s.page.locator("#by-segment canvas").count()).toBe(1);
    expect(await s.page.locator("#by-touchpoint canvas").count()).toBe(1);
    expect(await blankCanvases(s.page)).toBe(0);
    // CES for the charts.
    await s.page.locator("#dash-metric").selectOption("ces");
    await s.page.locator("#trend-metric").waitFor();
    expect(await s.page.locator("#trend-metric").inputValue()).toBe("ces");
    expect(await s.page.locator("#by-touchpoint th").nth(1).textContent()).toBe("n (CES)");
    expect(await blankCanvases(s.page)).toBe(0);
    await s.page.locator("#dash-metric").selectOption("nps");
    // Quarter on quarter.
    await s.page.locator("#preset-quarter").click();
    await s.page.locator("#comparison").waitFor();
    const cmp = await s.page.locator("#comparison").textContent();
    expect(cmp).toMatch(/compared with/);
    expect(cmp).toMatch(/NPS points/);
    expect(cmp).toMatch(/more than noise|within noise/);
    await s.page.locator("#filter-segment").selectOption("SMB");
    await s.page.locator("#range-form button[type=submit]").click();
    await s.page.locator("#filters-active").waitFor();
    expect(await s.page.locator("#filters-active").textContent()).toContain("segment SMB");
    expect(await s.page.locator("#by-segment tbody tr").count()).toBe(1);
    expect(await blankCanvases(s.page)).toBe(0);
    await s.shot("first-hour-dashboard-nps");
    // Each chart downloads as PNG.
    const [dl] = await Promise.all([s.page.waitForEvent("download"), s.page.locator("#trend .png-download").click()]);
    expect(dl.suggestedFilename()).toMatch(/\.png$/);
    await s.page.locator("#range-clear").click();
    await s.page.locator("#range-form").waitFor();
    expect(s.errors).toEqual([]);
  });

  it("a dataset delete says so", async () => {
    await s.page.goto(`${base}/#/w/${ws.id}/upload`);
    await s.page.locator("#dataset-list tbody tr").first().waitFor();
    await s.page.locator("#dataset-list button", { hasText: "Delete" }).first().click();
    await s.page.locator("#dataset-deleted").waitFor();
    expect(await s.page.locator("#dataset-deleted").textContent()).toMatch(/^Deleted /);
    expect(await s.page.locator("#dataset-list tbody tr").count()).toBe(1);
    expect(s.errors).toEqual([]);
  });
});

/** A workbook: a summary sheet first, then the accounts with a totals row. */
function workbook(): Buffer {
  const sheets: Record<string, (string | number)[][]> = {
    Summary: [["Renewals Q1 2025"], ["Total ARR", 70000.5]],
    Accounts: [
      ["Customer ID", "Annual Revenue", "Renewed"],
      ["ACME-1", 12000, "yes"],
      ["ACME-2", 50000.5, "no"],
      ["ACME-3", 8000, "yes"],
      ["Total", 70000.5, ""],
    ],
  };
  const ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
  const names = Object.keys(sheets);
  const files: Record<string, Uint8Array> = {
    "[Content_Types].xml": strToU8(`<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`),
    "xl/workbook.xml": strToU8(
      `<?xml version="1.0"?><workbook xmlns="${ns}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>${names
        .map((n, k) => `<sheet name="${n}" sheetId="${k + 1}" r:id="rId${k + 1}"/>`)
        .join("")}</sheets></workbook>`,
    ),
    "xl/_rels/workbook.xml.rels": strToU8(
      `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${names
        .map(
          (_, k) =>
            `<Relationship Id="rId${k + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${k + 1}.xml"/>`,
        )
        .join("")}</Relationships>`,
    ),
  };
  names.forEach((n, k) => {
    const rows = sheets[n]
      .map(
        (r, i) =>
          `<row r="${i + 1}">${r
            .map((v, j) => {
              const ref = `${String.fromCharCode(65 + j)}${i + 1}`;
              return typeof v === "number" ? `<c r="${ref}"><v>${v}</v></c>` : `<c r="${ref}" t="inlineStr"><is><t>${v}</t></is></c>`;
            })
            .join("")}</row>`,
      )
      .join("");
    files[`xl/worksheets/sheet${k + 1}.xml`] = strToU8(
      `<?xml version="1.0"?><worksheet xmlns="${ns}"><sheetData>${rows}</sheetData></worksheet>`,
    );
  });
  return Buffer.from(zipSync(files));
}

describe("upload preview: a workbook whose first sheet is a summary, with a totals row", () => {
  it("offers the sheets, lists the totals row as left out, stores 3 rows", async () => {
    const ws = await createWorkspace(base, "Workbook");
    await s.page.goto(`${base}/#/w/${ws.id}/upload?token=${ws.token}`);
    await s.expectingStatus(422, async () => {
      await uploadViaUi("renewals.xlsx", "accounts", workbook(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
      await s.page.locator("#upload-sheet").waitFor();
    });
    const options = await s.page.locator("#upload-sheet option").allTextContents();
    expect(options[0]).toMatch(/^Summary · 1 rows/);
    expect(options[1]).toMatch(/^Accounts · 4 rows · Customer ID, Annual Revenue, Renewed/);
    await s.page.locator("#upload-sheet").selectOption("Accounts");
    await s.page.locator("#upload-skipped").waitFor();
    expect(await s.page.locator("#upload-skipped").textContent()).toMatch(/File row.*5.*totals row \(id "Total"\)/);
    await s.shot("first-hour-upload-preview");
    await s.page.locator("#upload-commit").click();
    await s.page.locator("#upload-done").waitFor();
    expect(await s.page.locator("#upload-done").textContent()).toContain("3 rows");
    expect(s.errors).toEqual([]);
  });
});

describe("mappings remembered", () => {
  it("the second file with the same headers needs no mapping clicks", async () => {
    const ws = await createWorkspace(base, "Mappings");
    await s.page.goto(`${base}/#/w/${ws.id}/upload?token=${ws.token}`);
    const head = "Kunde,Jahresumsatz,Verlängert,Sparte";
    await s.expectingStatus(422, async () => {
      await uploadViaUi("export-jan.csv", "accounts", Buffer.from(`${head}\nK1,1000,yes,SMB\nK2,2000,no,SMB\n`));
      await s.page.locator("#map-account_id").waitFor();
    });
    await s.page.locator("#map-account_id").selectOption("Kunde");
    await s.page.locator("#map-arr").selectOption("Jahresumsatz");
    await s.page.locator("#map-renewed").selectOption("Verlängert");
    await s.page.locator("#map-segment").selectOption("Sparte");
    await s.page.locator("#upload-recheck").click();
    await s.page.locator("#upload-commit").click();
    await s.page.locator("#upload-done").waitFor();
    // February's export: same headers, no clicks but the commit.
    await uploadViaUi("export-feb.csv", "accounts", Buffer.from(`${head}\nK1,1100,yes,SMB\nK3,3000,yes,Enterprise\n`));
    await s.page.locator("#mapping-saved").waitFor();
    expect(await s.page.locator("#map-segment").inputValue()).toBe("Sparte");
    await s.page.locator("#upload-commit").click();
    await s.page.locator("#upload-done").waitFor();
    const list = await api(ws, "GET", "/datasets");
    expect(list.json.datasets[0].columns.map((c: { name: string }) => c.name)).toEqual(["account_id", "arr", "renewed", "segment"]);
    expect(s.errors).toEqual([]);
  });
});

describe("renewals ahead and the scenario workflow", () => {
  it("lists accounts renewing in the next 90 days, sortable; scenarios rename and delete; a click on a slider keeps its value", async () => {
    const ws = await createWorkspace(base, "Renewals");
    const book = makeBook(300, 11);
    const today = Math.floor(Date.now() / 86400000);
    const lines = book.accountsCsv.trim().split("\n");
    const accounts = [
      `${lines[0]},renewal_date`,
      ...lines.slice(1).map((l, i) => `${l},${new Date((today - 20 + ((i * 37) % 400)) * 86400000).toISOString().slice(0, 10)}`),
    ].join("\n");
    expect((await api(ws, "POST", "/datasets?kind=accounts", accounts, "text/csv")).status).toBe(201);
    expect((await api(ws, "POST", "/datasets?kind=responses", book.responsesCsv, "text/csv")).status).toBe(201);
    const fit = await api(ws, "POST", "/models", { kind: "logistic", outcome: "renewed", predictors: ["nps", "segment"] });
    expect(fit.status).toBe(201);
    await s.page.goto(`${base}/#/w/${ws.id}/renewals?token=${ws.token}`);
    await s.page.locator("#renewals-table").waitFor();
    const n = await s.page.locator("#renewals-table tbody tr").count();
    expect(n).toBeGreaterThan(10);
    await s.page.locator('#renewals-table [data-sort="pRenew"]').click();
    const p = (await s.page.locator("#renewals-table tbody tr td:nth-child(5)").allTextContents()).map((x) => Number(x.replace("%", "")));
    const known = p.filter((x) => Number.isFinite(x));
    expect(known).toEqual([...known].sort((a, b) => b - a));
    await s.page.locator('#renewals-table [data-sort="pRenew"]').click();
    const asc = (await s.page.locator("#renewals-table tbody tr td:nth-child(5)").allTextContents())
      .map((x) => Number(x.replace("%", "")))
      .filter((x) => Number.isFinite(x));
    expect(asc).toEqual([...asc].sort((a, b) => a - b));
    await s.shot("first-hour-renewals");

    for (const [name, nps] of [
      ["Plus one", 1],
      ["Plus two", 2],
    ] as const)
      await api(ws, "POST", "/scenarios", { name, modelId: fit.json.id, change: { nps }, draws: 200, save: true });
    await s.page.goto(`${base}/#/w/${ws.id}/scenarios`);
    await s.page.locator("#programme table").waitFor();
    await s.page.locator("button", { hasText: "Rename / note" }).first().click();
    await s.page.locator("#edit-name").fill("Support programme");
    await s.page.locator("#edit-note").fill("From the Q3 review");
    await s.page.locator("#scenario-edit-form button[type=submit]").click();
    await s.page.locator("#scenario-status").waitFor();
    expect(await s.page.locator("#compare").textContent()).toContain("Support programme");
    expect(await s.page.locator("#compare").textContent()).toContain("From the Q3 review");
    await s.page.locator("button", { hasText: "Delete" }).last().click();
    await s.page.locator("#scenario-status", { hasText: /^Deleted/ }).waitFor();
    expect(await s.page.locator("button", { hasText: "Rename / note" }).count()).toBe(1);

    await s.page.goto(`${base}/#/w/${ws.id}/whatif`);
    // The default NPS lever (score points); the answer-points slider is hidden until that mode is chosen.
    const slider = s.page.locator("#whatif-nps-score");
    await slider.waitFor();
    const before = await slider.inputValue();
    const box = (await slider.boundingBox())!;
    await s.page.mouse.click(box.x + box.width * 0.95, box.y + box.height / 2);
    expect(await slider.inputValue()).toBe(before);
    expect(s.errors).toEqual([]);
  });
});
