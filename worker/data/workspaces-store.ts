import type { Role } from "../app";
import type { Env } from "../env";

/** D1 storage of workspaces and their tokens (migrations/0001_init.sql); a token is kept only as its SHA-256. */

export async function insertWorkspace(env: Env, id: string, name: string): Promise<void> {
  await env.DB.prepare("INSERT INTO workspaces (id, name) VALUES (?, ?)").bind(id, name).run();
}

/** The workspace, or null. */
export async function getWorkspace(env: Env, id: string): Promise<{ id: string; name: string } | null> {
  return env.DB.prepare("SELECT id, name FROM workspaces WHERE id = ?").bind(id).first<{ id: string; name: string }>();
}

export async function insertToken(env: Env, hash: string, workspaceId: string, role: Role): Promise<void> {
  await env.DB.prepare("INSERT INTO tokens (hash, workspace_id, role) VALUES (?, ?, ?)").bind(hash, workspaceId, role).run();
}

export type TokenRow = { hash: string; workspace_id: string; role: Role };
const TOKEN_SQL = "SELECT hash, workspace_id, role FROM tokens WHERE hash = ?";

/** The token row with this hash, or null. */
export async function findToken(env: Env, hash: string): Promise<TokenRow | null> {
  return env.DB.prepare(TOKEN_SQL).bind(hash).first<TokenRow>();
}

/** `findToken` and the first row of another statement (or null) in one D1 round trip (a batch). */
export async function findTokenWith(env: Env, hash: string, other: D1PreparedStatement): Promise<[TokenRow | null, unknown]> {
  const [token, rows] = await env.DB.batch([env.DB.prepare(TOKEN_SQL).bind(hash), other]);
  return [(token.results[0] as TokenRow | undefined) ?? null, rows.results[0] ?? null];
}
