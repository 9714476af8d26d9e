import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "./app";

/**
 * Security headers on every response the worker gives, API and static UI alike
 * (wrangler.toml sets `run_worker_first = true`, and `serveAssets` hands
 * non-API paths to the ASSETS binding, so the UI passes through here too).
 *
 * - UI and JSON: `default-src 'self'`, no inline script, no framing.
 * - HTML the API renders itself (`/api/docs`, the printable report): inline
 *   `<script>` blocks are allowed by their SHA-256 hash only, computed from the
 *   body; inline styles are allowed there (the report is one self-contained page).
 *   `/api/docs` also loads Swagger UI's script and CSS from its CDN.
 * - No CORS headers at all unless the var `CORS_ORIGINS` (comma-separated
 *   origins) is set; then only those exact origins get them.
 */
export const UI_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** CSP for an HTML page rendered by the API, given the hashes of its inline scripts. */
export function apiHtmlCsp(scriptHashes: string[]): string {
  // /api/docs loads Swagger UI from this origin (/swagger/, the pinned swagger-ui-dist): no other script source.
  const hashes = scriptHashes.map((h) => ` 'sha256-${h}'`).join("");
  return [
    "default-src 'self'",
    `script-src 'self'${hashes}`,
    `style-src 'self' 'unsafe-inline'`,
    `img-src 'self' data:`,
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

type SecurityEnv = { CORS_ORIGINS?: string };

/** The configured CORS origins (exact strings, no wildcards); empty = CORS off. */
export function corsOrigins(env: unknown): string[] {
  const raw = (env as SecurityEnv | undefined)?.CORS_ORIGINS ?? "";
  return raw
    .split(",")
    .map((s) => s.trim().replace(/\/+$/, ""))
    .filter((s) => s.length > 0 && s !== "*");
}

/** SHA-256 (base64) of each inline `<script>` block, for a hash-based CSP. */
async function inlineScriptHashes(html: string): Promise<string[]> {
  const out: string[] = [];
  const re = /<script(?![^>]*\bsrc\s*=)[^>]*>([\s\S]*?)<\/script>/gi;
  for (const m of html.matchAll(re)) {
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(m[1]));
    out.push(btoa(String.fromCharCode(...new Uint8Array(digest))));
  }
  return out;
}

function preflight(c: Context<AppEnv>, origin: string): Response {
  return new Response(null, {
    status: 204,
    headers: {
      "Access-Control-Allow-Origin": origin,
      "Access-Control-Allow-Methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
      "Access-Control-Allow-Headers": c.req.header("Access-Control-Request-Headers") ?? "Authorization, Content-Type",
      "Access-Control-Max-Age": "600",
      Vary: "Origin",
    },
  });
}

/** Middleware: mount first with `app.use("*", securityHeaders())`. */
export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const origin = c.req.header("Origin");
    const allowed = origin !== undefined && corsOrigins(c.env).includes(origin);
    if (allowed && c.req.method === "OPTIONS" && c.req.header("Access-Control-Request-Method")) {
      c.res = preflight(c, origin);
    } else {
      await next();
    }
    const path = new URL(c.req.url).pathname;
    const res = c.res;
    const type = res.headers.get("Content-Type") ?? "";
    let csp = UI_CSP;
    let body: BodyInit | null = res.body;
    if (path.startsWith("/api/") && type.includes("text/html") && res.body) {
      // Read the page to hash its inline scripts; rebuild the response from the text.
      const html = await res.text();
      csp = apiHtmlCsp(await inlineScriptHashes(html));
      body = html;
    }
    // Responses from fetch() (ASSETS) have immutable headers: copy into a new one.
    const out = new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
    const h = out.headers;
    h.set("Content-Security-Policy", csp);
    h.set("X-Content-Type-Options", "nosniff");
    h.set("Referrer-Policy", "no-referrer");
    h.set("X-Frame-Options", "DENY");
    h.set("Cross-Origin-Opener-Policy", "same-origin");
    // An answer to a request with a token holds workspace data: no browser or proxy cache keeps it.
    if (c.req.header("Authorization")) h.set("Cache-Control", "no-store");
    if (allowed) {
      h.set("Access-Control-Allow-Origin", origin);
      h.set("Access-Control-Expose-Headers", "Content-Disposition");
      h.append("Vary", "Origin");
    } else {
      for (const k of [...h.keys()]) if (k.toLowerCase().startsWith("access-control-")) h.delete(k);
    }
    c.res = undefined as unknown as Response; // Hono merges headers on assignment; start clean
    c.res = out;
  };
}

/**
 * `app.notFound` helper: non-API paths go to the static UI (Workers assets, with
 * the SPA fallback of wrangler.toml); returns null for API paths.
 */
export async function serveAssets(c: Context<AppEnv>): Promise<Response | null> {
  const path = new URL(c.req.url).pathname;
  if (path === "/api" || path.startsWith("/api/") || !c.env.ASSETS) return null;
  if (c.req.method !== "GET" && c.req.method !== "HEAD") return null;
  return c.env.ASSETS.fetch(c.req.raw);
}
