/**
 * Cancelling a chunked upload in Chromium: the UI deletes the upload on the server (DELETE .../uploads/:id),
 * so the parts already sent do not wait for the expiry sweep.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Route } from "playwright-core";
import { openSession, type Session, createWorkspace } from "./browser";

const base = inject("baseUrl");
let s: Session;
let ws = "";
let token = "";

beforeAll(async () => {
  const w = await createWorkspace(base, "Cancel");
  ws = w.id;
  token = w.token;
  s = await openSession();
});
afterAll(async () => {
  await s?.close();
});

describe("chunked upload cancel", () => {
  it("Cancel upload during part 2 deletes the upload on the server", async () => {
    // 1.5 MB of responses with the threshold at 1 MB and 600 kB parts (files.ts localStorage overrides): 3 parts.
    const lines = ["account_id,nps"];
    for (let i = 0, bytes = 0; bytes < 1_500_000; i++) {
      const line = `A${i % 3000},${i % 11}`;
      lines.push(line);
      bytes += line.length + 1;
    }
    await s.page.goto(`${base}/#/w/${ws}/upload?token=${token}`);
    await s.page.evaluate(() => {
      localStorage.setItem("cxr.chunkThreshold", "1000000");
      localStorage.setItem("cxr.partBytes", "600000");
    });
    await s.page.goto(`${base}/#/w/${ws}/upload`);
    await s.page.locator("#upload-kind").selectOption("responses");
    await s.page
      .locator("#upload-file")
      .setInputFiles({ name: "cancel-me.csv", mimeType: "text/csv", buffer: Buffer.from(lines.join("\n") + "\n") });
    // Part 2 is held (never answered) so the upload is mid-transfer when Cancel is clicked.
    let heldRoute: Route | null = null;
    let partHeld!: () => void;
    const part2 = new Promise<void>((resolve) => (partHeld = resolve));
    await s.page.route("**/uploads/*/parts/2", (route: Route) => {
      heldRoute = route;
      partHeld();
    });
    const started = s.page.waitForResponse((r) => r.request().method() === "POST" && /\/uploads$/.test(new URL(r.url()).pathname));
    const deleted = s.page.waitForResponse((r) => r.request().method() === "DELETE" && /\/uploads\/[^/]+$/.test(new URL(r.url()).pathname));
    await s.page.locator("#upload-commit").click();
    const uploadId = ((await (await started).json()) as { uploadId: string }).uploadId;
    await part2;
    await s.page.locator("#upload-cancel").click();
    expect((await deleted).status()).toBe(204);
    expect(await s.page.locator("#upload-result").textContent()).toContain("cancelled");
    // Gone on the server: deleting it again is a 404, and no dataset was created.
    const again = await fetch(`${base}/api/workspaces/${ws}/uploads/${uploadId}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(again.status).toBe(404);
    const list = await (await fetch(`${base}/api/workspaces/${ws}/datasets`, { headers: { authorization: `Bearer ${token}` } })).json();
    expect(JSON.stringify(list)).not.toContain("cancel-me");
    await (heldRoute as Route | null)?.abort().catch(() => undefined);
    await s.page.unroute("**/uploads/*/parts/2");
    await s.page.evaluate(() => {
      localStorage.removeItem("cxr.chunkThreshold");
      localStorage.removeItem("cxr.partBytes");
    });
    expect(s.errors).toEqual([]);
  });
});
