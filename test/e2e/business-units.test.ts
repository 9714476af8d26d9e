/**
 * Levers in business units and the one business case, in Chromium, on the demo book (scripts/synthetic-book.mjs,
 * 2,000 accounts, seed 42; NPS 9.5). Expected scores are counted in this file from the generated responses
 * (promoters − detractors of the raw answers), independently of models/scenario/levers.ts.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { syntheticBook } from "../../scripts/synthetic-book.mjs";
import { createWorkspace, openSession, SHOTS, type Session } from "./browser";

const base = inject("baseUrl");
const book = syntheticBook({ accounts: 2000, seed: 42 });
let s: Session;
let ws = "";
let token = "";
let modelId = "";
const auth = () => ({ authorization: `Bearer ${token}`, "content-type": "application/json" });
const pdfPages = (pdf: Buffer) => (pdf.toString("latin1").match(/\/Type\s*\/Page(?![s\w])/g) ?? []).length;

/** NPS of the raw answers (accounts in the file), each moved by s (⌊s⌋ for all, one more for a share s − ⌊s⌋). */
function npsShifted(shift: number): number {
  const ids = new Set(book.accounts.map((a) => a.account_id));
  const answers = book.responses.filter((r) => ids.has(r.account_id)).map((r) => r.nps);
  const k = Math.floor(shift);
  const f = shift - k;
  const cls = (v: number) => {
    const c = Math.min(10, Math.max(0, v));
    return c >= 9 ? 1 : c <= 6 ? -1 : 0;
  };
  return (100 * answers.reduce((acc, a) => acc + (1 - f) * cls(a + k) + f * cls(a + k + 1), 0)) / answers.length;
}

beforeAll(async () => {
  const w = await createWorkspace(base, "Business units");
  ws = w.id;
  token = w.token;
  for (const [kind, body] of [
    ["accounts", book.accountsCsv],
    ["responses", book.responsesCsv],
  ] as const) {
    const r = await fetch(`${base}/api/workspaces/${ws}/datasets?kind=${kind}`, {
      method: "POST",
      headers: { ...auth(), "content-type": "text/csv" },
      body,
    });
    expect(r.status).toBe(201);
  }
  const m = await fetch(`${base}/api/workspaces/${ws}/models`, {
    method: "POST",
    headers: auth(),
    body: JSON.stringify({ kind: "logistic", outcome: "renewed", predictors: ["nps", "csat", "log_arr", "segment"] }),
  });
  modelId = ((await m.json()) as { id: string }).id;
  s = await openSession();
  await s.page.goto(`${base}/#/w/${ws}?token=${token}`);
});
afterAll(async () => {
  await s?.close();
});

describe("levers in business units", () => {
  it("the what-if's default lever is NPS score points: +10 shows NPS 9.5 → 19.5 and the per-answer shift", async () => {
    await s.page.goto(`${base}/#/w/${ws}/whatif?model=${modelId}`);
    await s.page.locator("#whatif-band-note[data-ready]").waitFor();
    await s.page.locator("#whatif-nps-score").fill("10");
    await s.page.waitForFunction(() => JSON.parse(document.getElementById("whatif-kpis")?.dataset.inputs ?? "{}").npsScore === 10);
    const card = s.page.locator('#whatif-kpis .kpi:has([data-kpi="NPS"])');
    const before = npsShifted(0);
    expect(before.toFixed(1)).toBe("9.5");
    expect(await card.locator(".value").textContent()).toBe(`${before.toFixed(1)} → ${(before + 10).toFixed(1)}`);
    const sub = (await card.locator(".ci").textContent())!;
    const shift = Number(/every 0-10 answer \+([\d.]+) points/.exec(sub)![1]);
    // The shift shown, applied to the raw answers here, gives the target score (to the 2 decimals shown).
    expect(Math.abs(npsShifted(shift) - (before + 10))).toBeLessThan(0.5);
    expect(await s.page.locator("#whatif-roi-words").textContent()).toMatch(
      /Every \$1 invested comes back as \$[\d.]+ of gross margin .*×/,
    );
    expect(await s.page.locator("#whatif-roi-words").textContent()).toContain(
      "does not show whether raising satisfaction causes the renewals",
    );
    expect(await s.page.locator("#whatif-baseline-note").textContent()).toContain("no new sales");
    // The slider's end is past the largest gap between segments or quarters: flagged in words.
    const max = await s.page.locator("#whatif-nps-score").getAttribute("max");
    await s.page.locator("#whatif-nps-score").fill(max!);
    await s.page.locator('#whatif-warnings [data-code="nps_beyond_observed"]').waitFor();
    expect(await s.page.locator("#whatif-warnings").textContent()).toContain("larger than any difference seen in your data");
    await s.shot("bu-whatif");
    expect(s.errors).toEqual([]);
  });
});

describe("one business case", () => {
  let id = "";
  it("the one-pager's headline uses the score, and the page is the downloadable report", async () => {
    const r = await fetch(`${base}/api/workspaces/${ws}/scenarios`, {
      method: "POST",
      headers: auth(),
      body: JSON.stringify({
        name: "Onboarding",
        modelId,
        change: { npsScore: 10 },
        investment: 500000,
        grossMargin: 0.8,
        annualDiscountRate: 0.1,
        save: true,
      }),
    });
    id = ((await r.json()) as { id: string }).id;
    await s.page.goto(`${base}/#/w/${ws}/print?scenario=${id}`);
    await s.page.locator("#onepager #report svg").waitFor();
    const before = npsShifted(0);
    const headline = (await s.page.locator("#report .headline").textContent())!;
    expect(headline).toContain(
      `Investing $500,000 to move NPS from ${before.toFixed(1)} to ${(before + 10).toFixed(1)} (+10.0 score points)`,
    );
    // No internal names leading the page: the first lines hold no model id or seed.
    expect(await s.page.locator("#report h1 + div").textContent()).not.toMatch(/m_|seed|s_/);
    expect(await s.page.locator("#report").textContent()).not.toMatch(/DOMAIN\.md|API\.md/);
    expect(await s.page.locator("#report-interval").textContent()).toContain("uncertainty in the fitted link");
    // The download is the same document: the report's article text equals the page's.
    const html = await (await fetch(`${base}/api/workspaces/${ws}/report?scenario=${id}`, { headers: auth() })).text();
    const p = await s.context.newPage();
    await p.setContent(html);
    const reportText = await p.locator("#report").textContent();
    await p.close();
    const norm = (t: string | null) => (t ?? "").replace(/\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/, "").replace(/\s+/g, " ");
    expect(norm(await s.page.locator("#report").textContent())).toBe(norm(reportText));
    await s.shot("bu-onepager");
    expect(s.errors).toEqual([]);
  });

  for (const [format, widthMm, heightMm] of [
    ["A4", 210, 297],
    ["Letter", 215.9, 279.4],
  ] as const) {
    it(`prints on one ${format} page, portrait, with every chart and card inside it`, async () => {
      await s.page.goto(`${base}/#/w/${ws}/print?scenario=${id}`);
      await s.page.locator("#onepager #report svg").waitFor();
      await s.page.emulateMedia({ media: "print" });
      // The printable box at the 12 mm margins of the style sheet, in CSS px (96 per inch).
      const px = (mm: number) => Math.floor(((mm - 24) / 25.4) * 96);
      await s.page.setViewportSize({ width: px(widthMm), height: px(heightMm) });
      const outside = await s.page.evaluate(() => {
        const w = document.documentElement.clientWidth;
        return [...document.querySelectorAll("#report .kpi, #report svg, #report table, #report .warn, #report p, #report li")]
          .map((e) => [e.tagName + "." + e.className, e.getBoundingClientRect().right] as const)
          .filter(([, right]) => right > w + 0.5);
      });
      expect(outside).toEqual([]);
      const pdf = await s.page.pdf({ format, printBackground: true });
      await s.page.emulateMedia({ media: "screen" });
      await s.page.setViewportSize({ width: 1280, height: 900 });
      const file = path.join(SHOTS, `bu-onepager-${format}.pdf`);
      writeFileSync(file, pdf);
      execFileSync("pdftoppm", ["-png", "-r", "50", "-singlefile", file, file.replace(/\.pdf$/, "")]);
      expect(pdfPages(pdf)).toBe(1);
      expect(s.errors).toEqual([]);
    });
  }
});
