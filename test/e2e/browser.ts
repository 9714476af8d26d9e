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
  /** Runs `fn` allowing "Failed to load resource … status of <status>" console errors (an expected 4xx). */
  expectingStatus<T>(status: number, fn: () => Promise<T>): Promise<T>;
  shot(name: string, fullPage?: boolean): Promise<string>;
  close(): Promise<void>;
}

export async function openSession(viewport = { width: 1280, height: 900 }): Promise<Session> {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  let allowed: number | null = null;
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    const text = m.text();
    if (allowed !== null && text.includes(`status of ${allowed}`)) return;
    errors.push(`console: ${text} @ ${m.location().url}`);
  });
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  mkdirSync(SHOTS, { recursive: true });
  return {
    browser, context, page, errors,
    async expectingStatus(status, fn) {
      allowed = status;
      try { return await fn(); } finally { allowed = null; }
    },
    async shot(name, fullPage = true) {
      const file = path.join(SHOTS, `${name}.png`);
      await page.screenshot({ path: file, fullPage });
      return file;
    },
    async close() { await browser.close(); },
  };
}
