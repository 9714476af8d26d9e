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

/** The token row with this hash, or null. */
export async function findToken(env: Env, hash: string): Promise<{ hash: string; workspace_id: string; role: Role } | null> {
  return env.DB.prepare("SELECT hash, workspace_id, role FROM tokens WHERE hash = ?")
    .bind(hash)
    .first<{ hash: string; workspace_id: string; role: Role }>();
}
