import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv, Role } from "./app";
import { findToken, findTokenWith, insertToken } from "./data/workspaces-store";
import type { Env } from "./env";
import { ApiError } from "./errors";

/**
 * Tokens and roles. A token is 32 random bytes in base64url (256 bits); D1 keeps
 * only its SHA-256 in hex. Tokens are never logged: nothing here prints them.
 */

const RANK: Record<Role, number> = { viewer: 1, editor: 2, owner: 3 };

/** base64url without padding. */
export function base64url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** A fresh random token: 32 bytes from crypto.getRandomValues, base64url (43 chars). */
export function newToken(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

/** A short random id with a prefix, e.g. `w_3kX...` (15 random bytes). */
export function newId(prefix: string): string {
  return `${prefix}_${base64url(crypto.getRandomValues(new Uint8Array(15)))}`;
}

/** SHA-256 of a string, lowercase hex. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Constant-time equality of two strings of equal length (lengths are not secret here: both are hashes). */
export function constantTimeEqual(a: string, b: string): boolean {
  const ea = new TextEncoder().encode(a);
  const eb = new TextEncoder().encode(b);
  if (ea.length !== eb.length) return false;
  const subtle = crypto.subtle as SubtleCrypto & { timingSafeEqual?: (x: ArrayBufferView, y: ArrayBufferView) => boolean };
  if (typeof subtle.timingSafeEqual === "function") return subtle.timingSafeEqual(ea, eb);
  let diff = 0;
  for (let i = 0; i < ea.length; i++) diff |= ea[i] ^ eb[i];
  return diff === 0;
}

/** The bearer token of a request, or null. */
export function bearer(c: Context): string | null {
  const h = c.req.header("authorization") ?? "";
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m ? m[1] : null;
}

/** Stores a new token for a workspace and returns it (the only time it is seen in clear). */
export async function issueToken(env: Env, workspaceId: string, role: Role): Promise<string> {
  const token = newToken();
  await insertToken(env, await sha256Hex(token), workspaceId, role);
  return token;
}

/** A read batched with the token lookup: the statement for the path's workspace and how to read its first row. */
export interface Prefetch {
  statement: (env: Env, workspaceId: string) => D1PreparedStatement;
  read: (row: unknown) => unknown;
}

/**
 * Middleware for `/api/workspaces/:ws/...` routes: 401 without a valid token,
 * 404 when the token belongs to another workspace (never reveal that `:ws`
 * exists), 403 when the role is below `min`. Sets `c.var.workspaceId` and `c.var.role`.
 * `prefetch`: a D1 read the route makes anyway (e.g. the newest dataset's row of the path's workspace), sent in one
 * batch with the token lookup (one D1 round trip instead of two); its row is handed to the route
 * (`c.var.prefetched`, through `read`) only after the token passed for this workspace and role, and dropped otherwise.
 * @example createRoute({ ..., middleware: [requireRole("editor")] })
 */
export function requireRole(min: Role, prefetch?: Prefetch): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = bearer(c);
    if (!token) {
      throw new ApiError(401, "unauthorized", "Send the workspace token as `Authorization: Bearer <token>`.");
    }
    const ws = c.req.param("ws");
    // Looked up by its hash (D1 keeps only that).
    const hash = await sha256Hex(token);
    const [row, extra] =
      prefetch && ws ? await findTokenWith(c.env, hash, prefetch.statement(c.env, ws)) : [await findToken(c.env, hash), null];
    // The index lookup is on the hash, not the secret; compare again in constant time anyway.
    const found = row && constantTimeEqual(row.hash, hash) ? { workspaceId: row.workspace_id, role: row.role } : null;
    if (!found) throw new ApiError(401, "unauthorized", "The token is not valid. Ask the workspace owner for a new one.");
    if (!ws || found.workspaceId !== ws) throw new ApiError(404, "not_found", "No such workspace.");
    if (RANK[found.role] < RANK[min]) {
      throw new ApiError(403, "forbidden", `This needs the ${min} role; the token has the ${found.role} role.`);
    }
    c.set("workspaceId", found.workspaceId);
    c.set("role", found.role);
    if (prefetch) c.set("prefetched", prefetch.read(extra));
    await next();
  };
}

/** When ADMIN_TOKEN is set, the request must carry it as its bearer token (401 otherwise). */
export async function requireAdminIfConfigured(c: Context<AppEnv>): Promise<void> {
  const admin = c.env.ADMIN_TOKEN;
  if (!admin) return;
  const token = bearer(c);
  if (!token || !constantTimeEqual(await sha256Hex(token), await sha256Hex(admin))) {
    throw new ApiError(401, "unauthorized", "Creating a workspace needs the deployment's ADMIN_TOKEN as the bearer token.");
  }
}
