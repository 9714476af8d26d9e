import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

/**
 * worker/server-timing.ts: API responses carry `Server-Timing: handler;dur=<ms>` (the W3C Server Timing syntax:
 * metric name, `dur` in milliseconds), errors included; the static UI's responses are not touched.
 */
describe("Server-Timing", () => {
  it("names the handler's duration in milliseconds on API responses, errors included", async () => {
    for (const path of ["/api/health", "/api/nope"]) {
      const res = await exports.default.fetch(`http://x${path}`);
      const st = res.headers.get("Server-Timing") ?? "";
      expect(st).toMatch(/^handler;dur=\d+(\.\d+)?$/);
      await res.arrayBuffer();
    }
  });
});
