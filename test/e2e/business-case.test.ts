/**
 * From data to a printed business case, in Chromium: open a workspace by its link, fit the renewal model,
 * move the what-if sliders (keyboard) and watch ROI change, save two scenarios, compare them, combine them
 * into a programme, and print the one-pager to exactly one PDF page.
 * The workspace is seeded through the API (the upload screens are covered by workspace.test.ts).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openSession, overflowX, unlabelledControls, type Session, createWorkspace } from "./browser";
import { makeBook } from "./fixture";

const base = inject("baseUrl");
const book = makeBook(300, 11, true);
let s: Session;
let ws = "";
let token = "";
const auth = () => ({ authorization: `Bearer ${token}` });

async function apiJson(path: string, init: RequestInit = {}) {
  const r = await fetch(`${base}${path}`, { ...init, headers: { ...auth(), ...(init.headers ?? {}) } });
  if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  return r.json();
}

/** Pages in a PDF made by Chromium: its /Type /Page objects (not /Pages). */
const pdfPages = (pdf: Buffer) => (pdf.toString("latin1").match(/\/Type\s*\/Page(?![s\w])/g) ?? []).length;

/**
 * Revenue gain of docs/methods.md#scenario-money, computed here from the model's rows, independently of models/scenario/scenario.ts:
 * Σ_i Σ_{t=1..H} arr_i (p'_i^(t−1) − p_i^(t−1)) / (1+d)^(t−1), p = logistic(x·β), x' = x with nps + Δ clipped to [0, 10].
 */
function revenueGain(a: { terms: string[]; beta: number[]; X: number[]; arr: number[] }, dNps: number, H: number, d: number): number {
  const p = a.terms.length;
  const j = a.terms.indexOf("nps");
  let g = 0;
  for (let i = 0; i < a.arr.length; i++) {
    let eta = 0;
    for (let k = 0; k < p; k++) eta += a.X[i * p + k] * a.beta[k];
    const x = a.X[i * p + j];
    const eta2 = eta + (Math.min(10, Math.max(0, x + dNps)) - x) * a.beta[j];
    const p1 = 1 / (1 + Math.exp(-eta));
    const p2 = 1 / (1 + Math.exp(-eta2));
    for (let t = 1; t <= H; t++) g += (a.arr[i] * (p2 ** (t - 1) - p1 ** (t - 1))) / (1 + d) ** (t - 1);
  }
  return g;
}

beforeAll(async () => {
  const w = await createWorkspace(base, "Board case");
  ws = w.id;
  token = w.token;
  for (const [kind, body] of [
    ["accounts", book.accountsCsv],
    ["responses", book.responsesCsv],
  ] as const) {
    await apiJson(`/api/workspaces/${ws}/datasets?kind=${kind}&name=${kind}.csv`, {
      method: "POST",
      headers: { "content-type": "text/csv" },
      body,
    });
  }
  s = await openSession();
});
afterAll(async () => {
  await s?.close();
});

describe("business case: model → what-if → scenarios → print", () => {
  let modelId = "";

  it("fits the renewal model and shows it the statsmodels way, with plain language and holdout checks", async () => {
    await s.page.goto(`${base}/#/w/${ws}/model?token=${token}`);
    await s.page.locator("#model-form").waitFor();
    expect(s.page.url()).not.toContain("token=");
    // The fixture's truth: logit P(renew) = −2 + 0.45·NPS + 0.3·[Enterprise]; fit exactly those predictors.
    for (const name of ["csat", "log_arr"]) await s.page.locator(`#pred-${name}`).uncheck();
    await s.page.locator("#model-fit").click();
    await s.page.locator("#translation").waitFor();
    modelId = new URLSearchParams(s.page.url().split("?")[1]).get("id")!;
    const head = await s.page.locator("table.coef").nth(1).locator("thead th").allTextContents();
    expect(head).toEqual(["", "coef", "std err", "z", "P>|z|", "[0.025", "0.975]"]);
    const rows = await s.page
      .locator("table.coef")
      .nth(1)
      .locator("tbody tr")
      .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
    expect(rows.map((r) => r[0])).toEqual(["Intercept", "nps", "segment[T.Mid-Market]", "segment[T.SMB]"]);
    const nps = rows.find((r) => r[0] === "nps")!;
    // The generator's true NPS effect 0.45 lies inside the displayed 95% interval.
    expect(Number(nps[5])).toBeLessThan(0.45);
    expect(Number(nps[6])).toBeGreaterThan(0.45);
    expect(await s.page.locator("#translation li").first().textContent()).toMatch(
      /Each \+1 NPS answer point \(on the 0-10 scale of each answer\) is associated with \+[\d.]+ pp renewal/,
    );
    expect(await s.page.locator('#validation [data-kpi="Holdout AUC"]').textContent()).toMatch(/^0\.\d{3}$/);
    await s.page.locator("#validation canvas").waitFor();
    await s.page.waitForTimeout(300);
    await s.shot("07-model");
    expect(s.errors).toEqual([]);
  });

  it("explains named model errors in words, with what to do", async () => {
    await s.page.goto(`${base}/#/w/${ws}/model`);
    await s.page.locator("#model-form").waitFor();
    // save_desk_score is 10 exactly for the renewed accounts (fixture): perfect separation, named by the API.
    await s.page.locator("#pred-save_desk_score").check();
    await s.expectingStatus(422, async () => {
      await s.page.locator("#model-fit").click();
      await s.page.locator('#model-status [data-error-code="perfect_separation"]').waitFor();
    });
    const text = await s.page.locator("#model-status").textContent();
    expect(text).toContain("save_desk_score");
    expect(text).toContain("Remove the predictor named below");
    await s.shot("07-model-error");
    // No predictor at all: the request itself is refused (400) and the page says which field.
    for (const cb of await s.page.locator("#model-form fieldset input[type=checkbox]").all()) await cb.uncheck();
    await s.expectingStatus(400, async () => {
      await s.page.locator("#model-fit").click();
      await s.page.locator('#model-status [data-error-code="invalid_request"]').waitFor();
    });
    expect(await s.page.locator("#model-status").textContent()).toContain("predictors");
    expect(s.errors).toEqual([]);
  });

  it("moves the what-if sliders by keyboard and ROI follows, matching an independent computation", async () => {
    await s.page.goto(`${base}/#/w/${ws}/whatif?model=${modelId}`);
    await s.page.locator("#whatif-kpis .kpi").first().waitFor();
    // This test moves every 0-10 answer (the revenue gain below is computed for that lever); NPS score points are
    // the default lever and are tested in levers.test.ts.
    await s.page.locator("#whatif-nps-mode").selectOption("answer");
    const raw = async (label: string) =>
      Number(await s.page.locator(`#whatif-kpis .kpi:has([data-kpi="${label}"])`).getAttribute("data-raw"));
    // The page recomputes once per animation frame and records the inputs it computed with on #whatif-kpis.
    const computedWith = (want: Record<string, unknown>) =>
      s.page.waitForFunction((w) => {
        const got = JSON.parse(document.getElementById("whatif-kpis")?.dataset.inputs ?? "{}");
        return Object.entries(w).every(([k, v]) => got[k] === v);
      }, want);
    await computedWith({ npsMode: "answer", nps: 1 });
    const roi0 = await raw("ROI");
    const text0 = await s.page.locator('#whatif-kpis [data-kpi="ROI"]').textContent();
    await s.page.locator("#whatif-nps").focus();
    for (let i = 0; i < 5; i++) await s.page.keyboard.press("ArrowRight"); // +1.0 → +1.5 NPS points
    expect(await s.page.locator("#whatif-nps").inputValue()).toBe("1.5");
    await computedWith({ nps: 1.5 });
    const roi1 = await raw("ROI");
    expect(roi1).toBeGreaterThan(roi0);
    expect(await s.page.locator('#whatif-kpis [data-kpi="ROI"]').textContent()).not.toBe(text0);
    // Point estimate vs the scenario formula computed in this test from the model's rows (horizon 3, discount 10%).
    const accounts = await apiJson(`/api/workspaces/${ws}/models/${modelId}/accounts`);
    const expected = revenueGain(accounts, 1.5, 3, 0.1);
    expect(Math.abs((await raw("Revenue gain")) - expected) / expected).toBeLessThan(1e-9);
    await s.page.locator("#whatif-band-note[data-ready]").waitFor();
    expect(await s.page.locator(`#whatif-kpis .kpi:has([data-kpi="ROI"])`).textContent()).toContain("95% CI [");
    await s.shot("08-whatif");
    // Applying the change to one segment only changes that segment's accounts.
    await s.page.locator("#whatif-segment").selectOption("SMB");
    await computedWith({ segment: "SMB" });
    const smb = await s.page.locator('#whatif-kpis .kpi:has([data-kpi="Predicted renewal rate (mean)"]) .ci').textContent();
    const nSmb = accounts.segment.filter((x: string | null) => x === "SMB").length;
    expect(smb).toBe(`${nSmb} of ${accounts.n} accounts changed`);
    expect(await raw("Revenue gain")).toBeLessThan(expected);
    await s.page.locator("#whatif-segment").selectOption("");
    await computedWith({ segment: "" });
    // An exact investment typed in (not on the slider's step): ROI = (margin gain − investment) / investment.
    await s.page.locator("#whatif-investment-exact").fill("123457");
    await computedWith({ investment: 123457 });
    const margin = 0.8 * (await raw("Revenue gain"));
    expect(Math.abs((await raw("ROI")) - (margin - 123457) / 123457)).toBeLessThan(1e-9);
    await s.page.locator("#whatif-investment-exact").fill("40000");
    await computedWith({ investment: 40000 });
    expect(s.errors).toEqual([]);
  });

  it("what-if works on a phone-sized screen without sideways scrolling", async () => {
    await s.page.setViewportSize({ width: 390, height: 844 });
    await s.page.waitForTimeout(300);
    expect(await overflowX(s.page)).toBeLessThanOrEqual(0);
    await s.shot("08-whatif-phone");
    await s.page.setViewportSize({ width: 1280, height: 900 });
    expect(await unlabelledControls(s.page)).toEqual([]);
  });

  it("saves two scenarios, compares them and combines them into a programme", async () => {
    await s.page.locator("#whatif-band-note[data-ready]").waitFor();
    const uiRoiCi = await s.page.locator('#whatif-kpis .kpi:has([data-kpi="ROI"]) .ci').textContent();
    await s.page.locator("#whatif-name").fill("NPS +1.5 programme");
    await s.page.getByRole("button", { name: "Save scenario" }).click();
    await s.page.locator("#whatif-saved .ok").waitFor();
    // The browser's band (Web Worker, 1000 seeded draws, the same seed as the server's default) and the saved
    // scenario's interval (computed by the worker route) are the same numbers.
    const first = (await apiJson(`/api/workspaces/${ws}/scenarios`)).scenarios[0];
    const pctText = (x: number) => `${(x * 100).toFixed(1).replace("-", "−")}%`;
    expect(uiRoiCi).toBe(`95% CI [${pctText(first.ci95.roi[0])}, ${pctText(first.ci95.roi[1])}]`);
    await s.page.locator("#whatif-nps").fill("0.5");
    await s.page.waitForFunction(() => JSON.parse(document.getElementById("whatif-kpis")?.dataset.inputs ?? "{}").nps === 0.5);
    await s.page.locator("#whatif-name").fill("Light touch NPS +0.5");
    await s.page.getByRole("button", { name: "Save scenario" }).click();
    await s.page.locator("#whatif-saved .ok").filter({ hasText: "Light touch" }).waitFor();
    await s.page.goto(`${base}/#/w/${ws}/scenarios`);
    await s.page.locator("table.compare").waitFor();
    const names = await s.page.locator("table.compare thead th").allTextContents();
    expect(names.slice(1).sort()).toEqual(["Light touch NPS +0.5", "NPS +1.5 programme"]);
    const dl = s.page.waitForEvent("download");
    await s.page.getByRole("button", { name: "Report (HTML)" }).first().click();
    expect((await dl).suggestedFilename()).toMatch(/^business-case-.+\.html$/);
    await s.page.locator("#programme-overlap").fill("20");
    await s.page.getByRole("button", { name: /Combine ticked scenarios/ }).click();
    await s.page.locator('[data-result="programme-roi"]').waitFor();
    // Programme gain = (1 − 0.2) × Σ margin gains, investment = Σ investments (docs/methods.md#programme-roi),
    // from the saved scenarios.
    const saved = (await apiJson(`/api/workspaces/${ws}/scenarios`)).scenarios as { marginGain: number; request: { investment: number } }[];
    const gain = 0.8 * saved.reduce((a, x) => a + x.marginGain, 0);
    const inv = saved.reduce((a, x) => a + x.request.investment, 0);
    expect(await s.page.locator('[data-result="programme-roi"]').textContent()).toBe(`${(((gain - inv) / inv) * 100).toFixed(1)}%`);
    await s.shot("09-scenarios");
    expect(s.errors).toEqual([]);
  });

  it("prints the business case on exactly one page", async () => {
    await s.page.locator("#compare a", { hasText: "One-pager: NPS +1.5 programme" }).click();
    await s.page.locator("#onepager svg").waitFor();
    await s.page.waitForTimeout(300);
    await s.shot("10-onepager");
    await s.page.emulateMedia({ media: "print" });
    await s.shot("10-onepager-print");
    const pdf = await s.page.pdf({ format: "A4", printBackground: true });
    await s.page.emulateMedia({ media: "screen" });
    expect(pdfPages(pdf)).toBe(1);
    expect(s.errors).toEqual([]);
  });

  it("ranks journey stages and shows the satisfaction × value heat map", async () => {
    await s.page.goto(`${base}/#/w/${ws}/drivers`);
    await s.page.locator("table.drivers").waitFor();
    const ranks = await s.page.locator("table.drivers tbody tr td:first-child").allTextContents();
    expect(ranks.filter((r) => r !== "—")[0]).toBe("1");
    expect(await s.page.locator("table.drivers tbody tr").count()).toBe(4); // the fixture's four touchpoints
    await s.page.waitForTimeout(300);
    await s.shot("13-drivers");
    await s.page.goto(`${base}/#/w/${ws}/segments`);
    await s.page.locator("#heatmap").waitFor();
    // NPS groups × 3 ARR tertiles; the cells' accounts add up to the matched accounts (each account in one cell).
    expect(await s.page.locator("#heatmap tbody tr").count()).toBe(3);
    await s.page.locator("#seg-metric").selectOption("accounts");
    const counts = (await s.page.locator("#heatmap td.heat strong").allTextContents()).map((t) => Number(t.replace(/,/g, "")));
    const matched = book.accounts - book.silentAccounts;
    expect(counts.reduce((a, b) => a + b, 0)).toBe(matched);
    await s.shot("14-segments");
    expect(await unlabelledControls(s.page)).toEqual([]);
    // No transactions here: the CLV screen still shows renewal retention (sBG) by NPS group from tenure and renewals.
    await s.page.goto(`${base}/#/w/${ws}/clv`);
    await s.page.locator("#retention canvas").waitFor();
    const groups = await s.page.locator("table.retention tbody tr td:first-child").allTextContents();
    expect(groups[0]).toBe("all");
    expect(groups.length).toBeGreaterThan(1);
    await s.page.waitForTimeout(300);
    await s.shot("15-retention");
    expect(s.errors).toEqual([]);
  });

  it("the server's report (GET .../report) also prints to one page", async () => {
    const saved = (await apiJson(`/api/workspaces/${ws}/scenarios`)).scenarios as { id: string }[];
    const r = await fetch(`${base}/api/workspaces/${ws}/report?scenario=${saved[0].id}`, { headers: auth() });
    expect(r.status).toBe(200);
    const p = await s.context.newPage();
    await p.setContent(await r.text());
    const pdf = await p.pdf({ format: "A4", printBackground: true });
    await p.screenshot({ path: `${(await import("./browser")).SHOTS}/11-server-report.png`, fullPage: true });
    const height = await p.evaluate(() => document.documentElement.scrollHeight);
    await p.close();
    expect(pdfPages(pdf), `GET .../report printed to ${pdfPages(pdf)} A4 pages (content ${height} CSS px tall at screen width)`).toBe(1);
  });
});
