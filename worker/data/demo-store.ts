import type { Env } from "../env";

/** The demo workspace's viewer link (table demo_link, written by scripts/start.mjs; migrations/0007_mappings_notes_demo.sql). */
export async function getDemoLink(env: Env): Promise<{ workspaceId: string; viewerToken: string } | null> {
  const r = await env.DB.prepare(
    "SELECT d.workspace_id, d.viewer_token FROM demo_link d JOIN workspaces w ON w.id = d.workspace_id WHERE d.id = 1",
  ).first<{ workspace_id: string; viewer_token: string }>();
  return r ? { workspaceId: r.workspace_id, viewerToken: r.viewer_token } : null;
}
