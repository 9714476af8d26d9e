/**
 * The executive's phone: a viewer link opened at 390 × 844 (a common phone's CSS size, with touch).
 * Every navigation destination is reachable through the Menu without sideways scrolling; on the what-if the
 * answer stays in view while a slider moves (keyboard) and a tap away from the thumb does not move the value;
 * the scenario comparison reads as one card per scenario; full-page screenshots of every screen (390 px and
 * 1280 px) go to test-results/phone-*.png to be looked at.
 * The workspace, its renewal model and two saved scenarios are made through the API with the owner's token.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createWorkspace, openSession, overflowX, type Session } from "./browser";
import { makeBook } from "./fixture";

const base = inject("baseUrl");
const book = makeBook(300, 5);
const PHONE = { width: 390, height: 844 };
let s: Session;
let ws = "";
let owner = "";
let viewer = "";
const scenarioIds: string[] = [];

async function apiJson(path: string, body?: unknown, token = owner) {
  const r = await fetch(`${base}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  return r.json();
}

beforeAll(async () => {
  const w = await createWorkspace(base, "Phone board case");
  ws = w.id;
  owner = w.token;
  for (const [kind, csv] of [
    ["accounts", book.accountsCsv],
    ["responses", book.responsesCsv],
  ] as const) {
    const r = await fetch(`${base}/api/workspaces/${ws}/datasets?kind=${kind}&name=${kind}.csv`, {
      method: "POST",
      headers: { authorization: `Bearer ${owner}`, "content-type": "text/csv" },
      body: csv,
    });
    if (!r.ok) throw new Error(`${kind}: ${r.status} ${await r.text()}`);
  }
  const model = await apiJson(`/api/workspaces/${ws}/models`, { kind: "logistic", outcome: "renewed", predictors: ["nps", "segment"] });
  for (const [name, nps, investment] of [
    ["Onboarding programme with a long name, NPS +1", 1, 40000],
    ["Light touch NPS +0.5", 0.5, 15000],
  ] as const) {
    const sc = await apiJson(`/api/workspaces/${ws}/scenarios`, {
      name,
      modelId: model.id,
      change: { nps },
      horizonYears: 3,
      annualDiscountRate: 0.1,
      grossMargin: 0.8,
      investment,
      save: true,
    });
    scenarioIds.push(sc.id);
  }
  viewer = (await apiJson(`/api/workspaces/${ws}/tokens`, { role: "viewer" })).token;
  s = await openSession(PHONE, { hasTouch: true, isMobile: true });
});
afterAll(async () => {
  await s?.close();
});

/** Waits until the screen has drawn its heading and settled (charts animate in). */
async function settled() {
  await s.page.locator("main h1").first().waitFor();
  await s.page.waitForLoadState("networkidle");
  await s.page.waitForTimeout(400);
}

describe("the viewer link on a 390 px phone", () => {
  it("reaches every navigation destination through the Menu, without sideways scrolling", async () => {
    await s.page.goto(`${base}/#/w/${ws}?token=${viewer}`);
    await s.page.locator("#kpis").waitFor();
    await settled();
    const toggle = s.page.locator("#nav-toggle");
    expect(await toggle.isVisible()).toBe(true);
    expect(await toggle.getAttribute("aria-expanded")).toBe("false");
    // The list is closed (not shown) until the Menu opens it.
    expect(await s.page.locator("#nav-list").isVisible()).toBe(false);
    await toggle.click();
    expect(await toggle.getAttribute("aria-expanded")).toBe("true");
    await s.shot("phone-menu-open", false);
    const labels = (await s.page.locator("#nav-list a").allTextContents()).map((t) => t.trim());
    // A viewer's destinations (the screens of web/src/views/screens.ts without the editing ones); more may come.
    for (const want of ["Workspaces", "Calculators", "Dashboard", "Impact model", "Drivers", "Segments", "CLV", "What-if", "Scenarios"])
      expect(labels).toContain(want);
    expect(labels).not.toContain("Upload");
    expect(labels).not.toContain("Share");
    // Escape closes the menu and gives focus back to its button (keyboard users).
    await s.page.keyboard.press("Escape");
    expect(await toggle.getAttribute("aria-expanded")).toBe("false");
    expect(await s.page.evaluate(() => document.activeElement?.id)).toBe("nav-toggle");

    // The workspace's screens first: the two general pages (Workspaces, Calculators) have no workspace menu.
    const order = [...labels.filter((l) => !["Workspaces", "Calculators"].includes(l)), "Calculators", "Workspaces"];
    for (const label of order) {
      if (!(await s.page.locator("#nav-list").isVisible())) await toggle.click();
      const link = s.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: label, exact: true });
      await link.waitFor();
      const box = (await link.boundingBox())!;
      expect(box.x, `${label} starts inside the screen`).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width, `${label} ends inside the screen`).toBeLessThanOrEqual(PHONE.width);
      await link.click();
      await settled();
      expect(await s.page.locator("#nav-list").isVisible(), `menu closed after choosing ${label}`).toBe(false);
      // The current page is marked in the list and named on the Menu button.
      expect(await s.page.locator('#nav-list a[aria-current="page"]').textContent()).toBe(label);
      expect(await toggle.textContent()).toContain(label);
      expect(await overflowX(s.page), `${label}: no sideways scrolling`).toBeLessThanOrEqual(0);
      await s.shot(`phone-${label.toLowerCase().replace(/[^a-z]+/g, "-")}`);
    }
    expect(s.errors).toEqual([]);
  });

  it("keeps the ROI in view while a slider moves, and a tap away from the thumb leaves the value as it was", async () => {
    await s.page.goto(`${base}/#/w/${ws}/whatif`);
    await s.page.locator("#whatif-kpis .kpi").first().waitFor();
    await settled();
    const slider = s.page.locator("#whatif-discount"); // the last lever: far below the answer card on a phone
    const inputs = () => s.page.evaluate(() => JSON.parse(document.getElementById("whatif-kpis")?.dataset.inputs ?? "{}"));
    const before = (await inputs()).annualDiscountRate;
    await slider.focus();
    await s.page.keyboard.press("ArrowRight");
    await s.page.waitForFunction((b) => JSON.parse(document.getElementById("whatif-kpis")!.dataset.inputs!).annualDiscountRate > b, before);
    const roi = s.page.locator('#whatif-summary [data-summary="ROI"] .value');
    // The compact copy shows the same ROI text as the answer card (further down the page).
    expect(await roi.textContent()).toBe(await s.page.locator('#whatif-kpis [data-kpi="ROI"]').textContent());
    const r = (await roi.boundingBox())!;
    expect(r.y).toBeGreaterThanOrEqual(0);
    expect(r.y + r.height).toBeLessThanOrEqual(PHONE.height);
    expect(r.x + r.width).toBeLessThanOrEqual(PHONE.width);
    // ... and the slider itself is in view too, not under the summary.
    const sb = (await slider.boundingBox())!;
    const sum = (await s.page.locator("#whatif-summary").boundingBox())!;
    expect(sb.y).toBeGreaterThanOrEqual(sum.y + sum.height);
    expect(sb.y + sb.height).toBeLessThanOrEqual(PHONE.height);
    // Once the band is recomputed (Web Worker), the revenue gain's interval is in the summary too.
    await s.page.locator("#whatif-band-note[data-ready]").waitFor();
    expect(await s.page.locator('#whatif-summary [data-summary="Revenue gain"] .ci').textContent()).toMatch(/^95% CI \[/);
    // Money names its horizon and that it is discounted (the sliders' horizon and rate).
    expect(await s.page.locator('#whatif-summary [data-summary="Revenue gain"] .ci').textContent()).toMatch(
      /; over \d+ years?, discounted at \d+\.\d% a year$/,
    );
    await s.shot("phone-whatif-moving", false);

    // A tap near the left end of the gross-margin slider's track, far from its thumb (at 80% of 0-100%): no jump.
    const margin = s.page.locator("#whatif-margin");
    await margin.scrollIntoViewIfNeeded();
    const v0 = await margin.inputValue();
    const mb = (await margin.boundingBox())!;
    await s.page.touchscreen.tap(mb.x + 6, mb.y + mb.height / 2);
    await s.page.waitForTimeout(200);
    expect(await margin.inputValue()).toBe(v0);
    expect((await inputs()).grossMargin).toBe(Number(v0));
    // A finger that lands on the thumb still drags it (touch events through the DevTools protocol).
    const cdp = await s.context.newCDPSession(s.page);
    const thumbX = mb.x + 14 + Number(v0) * (mb.width - 28); // value on 0..1, 28-px thumb (style.css)
    const y = mb.y + mb.height / 2;
    const touch = (type: string, x: number) =>
      cdp.send("Input.dispatchTouchEvent", { type, touchPoints: type === "touchEnd" ? [] : [{ x, y }] });
    await touch("touchStart", thumbX);
    for (let dx = 10; dx <= 60; dx += 10) await touch("touchMove", thumbX - dx);
    await touch("touchEnd", thumbX - 60);
    await s.page.waitForFunction((v) => JSON.parse(document.getElementById("whatif-kpis")!.dataset.inputs!).grossMargin < v, Number(v0));
    await cdp.detach();
    // On a touch screen the lever moves in round steps a finger can hit: 0-100% in 5% steps (20 positions, not 100).
    expect(await margin.getAttribute("step")).toBe("0.05");
    expect(s.errors).toEqual([]);
  });

  it("compares scenarios as one card per scenario, and the one-page case reads at 390 px", async () => {
    await s.page.goto(`${base}/#/w/${ws}/scenarios`);
    await s.page.locator("#compare .column-card").first().waitFor();
    await settled();
    expect(await s.page.locator("#compare .column-card").count()).toBe(2);
    expect(await s.page.locator("#compare table.compare").isVisible()).toBe(false);
    const saved = (await apiJson(`/api/workspaces/${ws}/scenarios`, undefined, viewer)).scenarios as { name: string }[];
    expect((await s.page.locator("#compare .column-card h3").allTextContents()).sort()).toEqual(saved.map((x) => x.name).sort());
    expect(await overflowX(s.page)).toBeLessThanOrEqual(0);
    await s.shot("phone-scenarios");
    await s.page.goto(`${base}/#/w/${ws}/print?scenario=${scenarioIds[0]}`);
    await s.page.locator("#onepager svg").first().waitFor();
    await settled();
    expect(await overflowX(s.page)).toBeLessThanOrEqual(0);
    await s.shot("phone-business-case");
    expect(s.errors).toEqual([]);
  });

  it("the editor's own screens (upload, share, a fitted model) fit the phone too", async () => {
    const models = (await apiJson(`/api/workspaces/${ws}/models`)).models as { id: string }[];
    for (const screen of [`upload?token=${owner}`, "share", `model?id=${models[0].id}`]) {
      await s.page.goto(`${base}/#/w/${ws}/${screen}`);
      await settled();
      expect(await overflowX(s.page), screen).toBeLessThanOrEqual(0);
      await s.shot(`phone-editor-${screen.split("?")[0]}`);
    }
    await s.page.locator("#nav-toggle").click();
    for (const label of ["Upload", "Share"]) expect(await s.page.locator("#nav-list a", { hasText: label }).isVisible()).toBe(true);
    await s.page.keyboard.press("Escape");
    expect(s.errors).toEqual([]);
  });

  it("the same screens at desktop width keep the bar and the tables (screenshots to compare)", async () => {
    await s.page.setViewportSize({ width: 1280, height: 900 });
    for (const screen of ["", "whatif", "scenarios", `print?scenario=${scenarioIds[0]}`]) {
      await s.page.goto(`${base}/#/w/${ws}${screen ? `/${screen}` : ""}`);
      await settled();
      expect(await s.page.locator("#nav-toggle").isVisible()).toBe(false);
      expect(await s.page.locator("#nav-list").isVisible()).toBe(true);
      expect(await overflowX(s.page)).toBeLessThanOrEqual(0);
      await s.shot(`desktop-${screen.split("?")[0] || "dashboard"}`);
    }
    expect(await s.page.locator("#compare").count()).toBe(0);
    await s.page.goto(`${base}/#/w/${ws}/scenarios`);
    await s.page.locator("#compare table.compare").waitFor();
    expect(await s.page.locator("#compare .column-cards").isVisible()).toBe(false);
    expect(s.errors).toEqual([]);
  });
});
