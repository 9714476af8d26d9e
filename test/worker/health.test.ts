import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("health and docs", () => {
  it("answers /api/health with D1 reachable", async () => {
    const res = await exports.default.fetch("http://x/api/health");
    expect(res.status).toBe(200);
    const body = await res.json<{ ok: boolean; d1: boolean }>();
    expect(body).toMatchObject({ ok: true, d1: true });
  });
  it("serves an OpenAPI 3.1 document", async () => {
    const res = await exports.default.fetch("http://x/api/openapi.json");
    const doc = await res.json<{ openapi: string; paths: Record<string, unknown> }>();
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toContain("/api/health");
  });
  it("answers an unknown API route with a JSON 404", async () => {
    const res = await exports.default.fetch("http://x/api/nope");
    expect(res.status).toBe(404);
    expect((await res.json<{ error: { code: string } }>()).error.code).toBe("not_found");
  });
});
