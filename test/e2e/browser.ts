/**
 * Headless Chromium for the e2e tests: one page whose console errors and page errors are collected
 * (a test fails on any, except network errors a step declares it expects), and screenshots under test-results/.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

export const SHOTS = path.resolve(import.meta.dirname, "../../test-results");

export interface Session {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Console / page errors not expected by a step. */
  errors: string[];
  /**
   * Runs `fn` during which one "Failed to load resource … status of <status>" console error is expected
   * (a deliberate 4xx); the allowance is used up by the first such message, even if it arrives after `fn`.
   */
  expectingStatus<T>(status: number, fn: () => Promise<T>): Promise<T>;
  shot(name: string, fullPage?: boolean): Promise<string>;
  close(): Promise<void>;
}

/** `device`: extra context options, e.g. `{ hasTouch: true, isMobile: true }` for a phone (a finger as the main pointer). */
export async function openSession(
  viewport = { width: 1280, height: 900 },
  device: { hasTouch?: boolean; isMobile?: boolean; deviceScaleFactor?: number } = {},
): Promise<Session> {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  const context = await browser.newContext({ viewport, acceptDownloads: true, ...device });
  const page = await context.newPage();
  const errors: string[] = [];
  const allowed = new Map<number, number>();
  page.on("console", (m) => {
    if (process.env.E2E_DEBUG) console.log(`[browser ${m.type()}] ${m.text()}`);
    if (m.type() !== "error") return;
    const text = m.text();
    const status = Number(/status of (\d{3})/.exec(text)?.[1]);
    if ((allowed.get(status) ?? 0) > 0) {
      allowed.set(status, allowed.get(status)! - 1);
      return;
    }
    errors.push(`console: ${text} @ ${m.location().url}`);
  });
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  if (process.env.E2E_DEBUG) page.on("response", (r) => console.log(`[browser net] ${r.status()} ${r.request().method()} ${r.url()}`));
  mkdirSync(SHOTS, { recursive: true });
  return {
    browser,
    context,
    page,
    errors,
    async expectingStatus(status, fn) {
      allowed.set(status, (allowed.get(status) ?? 0) + 1);
      return fn();
    },
    async shot(name, fullPage = true) {
      const file = path.join(SHOTS, `${name}.png`);
      await page.screenshot({ path: file, fullPage });
      return file;
    },
    async close() {
      await browser.close();
    },
  };
}

/** Form controls on the page without an accessible name (no label, aria-label or aria-labelledby). */
export async function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll("input, select, textarea, button")]
      .filter((el) => {
        const c = el as HTMLInputElement;
        if (c.type === "hidden" || c.closest(".hidden")) return false;
        const named =
          (c.labels?.length ?? 0) > 0 ||
          c.getAttribute("aria-label") ||
          c.getAttribute("aria-labelledby") ||
          (c.tagName === "BUTTON" && c.textContent?.trim());
        return !named;
      })
      .map((el) => el.outerHTML.slice(0, 120)),
  );
}

/** Horizontal overflow of the page in CSS pixels (0 = fits the viewport width). */
export const overflowX = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

/** Creates a workspace through the API (as a script or another client would). @example const w = await createWorkspace(base, "Acme"); */
export async function createWorkspace(base: string, name: string): Promise<{ id: string; token: string }> {
  const res = await fetch(`${base}/api/workspaces`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name }),
  });
  return (await res.json()) as { id: string; token: string };
}
