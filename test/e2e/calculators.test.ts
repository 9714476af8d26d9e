/** The calculators page in Chromium: a new user with no data types numbers and gets the worked examples' answers (docs/methods.md). */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openSession, type Session } from "./browser";

const base = inject("baseUrl");
let s: Session;

beforeAll(async () => {
  s = await openSession();
});
afterAll(async () => {
  await s?.close();
});

async function calc(id: string, values: Record<string, string>, resultLabel: string): Promise<string> {
  const form = s.page.locator(`#calc-${id}`);
  for (const [name, v] of Object.entries(values)) await form.locator(`[name="${name}"]`).fill(v);
  await form.getByRole("button", { name: "Calculate" }).click();
  const out = s.page.locator(`#${id}-result [data-result="${resultLabel}"]`);
  await out.waitFor({ timeout: 15_000 });
  return (await out.textContent()) ?? "";
}

describe("calculators page", () => {
  it("computes the worked examples through /api/calc/*", async () => {
    await s.page.goto(`${base}/#/calc`);
    await s.page.getByRole("heading", { name: "Calculators" }).waitFor();
    // docs/methods.md#example-1: 200 promoters, 300 passives, 500 detractors → NPS −30.
    expect(await calc("nps", { promoters: "200", passives: "300", detractors: "500" }, "NPS")).toBe("−30.0");
    // Worked example 4: σ = 1.4, margin 0.5, 95% → n = 31; margin 0.25 → 121.
    expect(await calc("sample-size", { sigma: "1.4", margin: "0.5" }, "Responses needed")).toBe("31");
    expect(await calc("sample-size", { sigma: "1.4", margin: "0.25" }, "Responses needed")).toBe("121");
    // CSAT on 1-5, top two boxes: 5 4 4 3 5 2 4 5 1 4 → 7 of 10 positive = 70.0%, mean 37/10 = 3.70 (hand count).
    expect(await calc("csat", { scores: "5 4 4 3 5 2 4 5 1 4" }, "CSAT")).toBe("70.0%");
    expect(await s.page.locator("#csat-result .ci").textContent()).toContain("mean 3.70");
    // docs/methods.md#simple-clv, subscription: ARPU 100 × 36 months − (CAC 600 + CRC 200) = 2,800 (hand computation).
    expect(await calc("clv", { arpuMonthly: "100", monthsRetained: "36", cac: "600", crc: "200" }, "CLV")).toBe("$2,800");
    // Non-subscription: 2 purchases/month × $50 × 30% margin × 24 months = 720 (hand computation).
    await s.page.locator("#calc-clv [name=kind]").selectOption("transactional");
    expect(await calc("clv", { transactionsPerMonth: "2", averageOrderValue: "50", grossMargin: "30", lifespanMonths: "24" }, "CLV")).toBe(
      "$720",
    );
    // Worked example 5: 400 customers, 380 still there → churn 5%.
    expect(await calc("churn", { start: "400", retained: "380" }, "Churn")).toBe("5.0%");
    // Worked example 6: $100K portal saving $150K → ROI 50%.
    expect(await calc("roi", { gain: "150000", investment: "100000" }, "ROI")).toBe("50.0%");
    // Worked example 7: 10,000 × $12,000, 85% → 91%, 3 years, margin 80%, $2M → revenue gain $19,872,000, ROI 694.88%.
    expect(await calc("renewal-uplift", {}, "Revenue gain")).toBe("$19,872,000");
    expect(await s.page.locator('#renewal-uplift-result [data-result="ROI"]').textContent()).toBe("694.88%");
    // Programme: (1 − 0.2) × (150,000 + 400,000) = 440,000 gain on 350,000 invested → ROI 25.7% (hand computation).
    expect(await calc("program", {}, "Programme ROI")).toBe("25.7%");
    await s.shot("calculators");
    expect(s.errors).toEqual([]);
  });

  it("is usable on a phone-sized screen", async () => {
    await s.page.setViewportSize({ width: 390, height: 844 });
    await s.page.goto(`${base}/#/calc`);
    await s.page.getByRole("heading", { name: "Calculators" }).waitFor();
    const overflow = await s.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await s.shot("calculators-phone");
    expect(s.errors).toEqual([]);
  });
});
