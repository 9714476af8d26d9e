import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import app from "../../worker/index";

/**
 * worker/security.ts: every response, API JSON, Swagger UI and the static UI
 * (served through the worker because wrangler.toml sets run_worker_first = true),
 * carries CSP, nosniff, no-referrer and no-framing headers; CORS is off unless
 * CORS_ORIGINS is configured, and then only for the listed origins.
 */
function expectBaseHeaders(res: Response) {
  expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
  expect(res.headers.get("Referrer-Policy")).toBe("no-referrer");
  expect(res.headers.get("X-Frame-Options")).toBe("DENY");
  const csp = res.headers.get("Content-Security-Policy") ?? "";
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("img-src 'self' data:");
  expect(csp).not.toContain("'unsafe-eval'");
  return csp;
}

function directives(csp: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const part of csp.split(";")) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) out[name] = values;
  }
  return out;
}

describe("security headers", () => {
  it("are on API JSON responses, including errors", async () => {
    for (const path of ["/api/health", "/api/openapi.json", "/api/nope"]) {
      const res = await exports.default.fetch(`http://x${path}`);
      const csp = expectBaseHeaders(res);
      expect(directives(csp)["script-src"]).toEqual(["'self'"]);
      await res.arrayBuffer();
    }
  });

  it("are on the static UI (index and SPA fallback), with no inline script allowed", async () => {
    for (const path of ["/", "/index.html", "/workspaces/abc"]) {
      const res = await exports.default.fetch(`http://x${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("Content-Type") ?? "").toContain("text/html");
      const csp = expectBaseHeaders(res);
      const d = directives(csp);
      expect(d["script-src"]).toEqual(["'self'"]);
      expect(d["style-src"]).toEqual(["'self'"]);
      const html = await res.text();
      // The UI must not rely on inline scripts: the CSP would block them.
      expect(html).not.toMatch(/<script(?![^>]*\bsrc\s*=)[^>]*>\s*\S/i);
    }
  });

  it("let /api/docs run only scripts of this origin (Swagger UI from the pinned swagger-ui-dist), no inline script", async () => {
    const res = await exports.default.fetch("http://x/api/docs");
    expect(res.status).toBe(200);
    const csp = expectBaseHeaders(res);
    const html = await res.text();
    const inline = [...html.matchAll(/<script(?![^>]*\bsrc\s*=)[^>]*>([\s\S]*?)<\/script>/gi)].map((m) => m[1]);
    expect(inline).toEqual([]);
    const scriptSrc = directives(csp)["script-src"];
    expect(scriptSrc).toEqual(["'self'"]);
    for (const m of html.matchAll(/<script[^>]*\bsrc="([^"]+)"/gi)) expect(m[1].startsWith("/")).toBe(true);
  });

  it("send no CORS headers when CORS_ORIGINS is not set", async () => {
    const res = await exports.default.fetch("http://x/api/health", { headers: { Origin: "https://evil.example" } });
    expect([...res.headers.keys()].filter((k) => k.startsWith("access-control-"))).toEqual([]);
    await res.arrayBuffer();
    const pre = await exports.default.fetch("http://x/api/health", {
      method: "OPTIONS",
      headers: { Origin: "https://evil.example", "Access-Control-Request-Method": "POST" },
    });
    expect(pre.headers.get("Access-Control-Allow-Origin")).toBeNull();
    await pre.arrayBuffer();
  });

  it("send CORS headers only to the configured origins when CORS_ORIGINS is set", async () => {
    const cfg = { ...env, CORS_ORIGINS: "https://finance.example, https://cx.example" };
    const ok = await app.request("/api/health", { headers: { Origin: "https://cx.example" } }, cfg);
    expect(ok.headers.get("Access-Control-Allow-Origin")).toBe("https://cx.example");
    expect(ok.headers.get("Vary") ?? "").toContain("Origin");
    expectBaseHeaders(ok);
    const pre = await app.request(
      "/api/workspaces",
      { method: "OPTIONS", headers: { Origin: "https://finance.example", "Access-Control-Request-Method": "POST" } },
      cfg,
    );
    expect(pre.status).toBe(204);
    expect(pre.headers.get("Access-Control-Allow-Origin")).toBe("https://finance.example");
    const other = await app.request("/api/health", { headers: { Origin: "https://evil.example" } }, cfg);
    expect(other.headers.get("Access-Control-Allow-Origin")).toBeNull();
  });
});
