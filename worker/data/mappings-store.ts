import type { Env } from "../env";
import { normalizeHeader } from "../intake/schema";
import type { DatasetKind } from "./datasets";

/** D1 storage of the column mappings remembered per workspace and kind (migrations/0007_mappings_notes_demo.sql). */

export interface SavedMapping {
  kind: DatasetKind;
  headers: string[];
  mapping: Record<string, string>;
  updatedAt: string;
}

interface Row {
  kind: DatasetKind;
  headers: string;
  mapping: string;
  updated_at: string;
}

/** The key a header row is remembered by: its headers normalised (case, spacing, punctuation), in order. */
export const headersKey = (headers: string[]): string => headers.map(normalizeHeader).join("\u001f");

const of = (r: Row): SavedMapping => ({
  kind: r.kind,
  headers: JSON.parse(r.headers),
  mapping: JSON.parse(r.mapping),
  updatedAt: r.updated_at,
});

/** The workspace's saved mappings, newest first; of one kind when given. */
export async function listMappings(env: Env, ws: string, kind?: DatasetKind): Promise<SavedMapping[]> {
  const { results } = kind
    ? await env.DB.prepare("SELECT * FROM saved_mappings WHERE workspace_id = ? AND kind = ? ORDER BY updated_at DESC")
        .bind(ws, kind)
        .all<Row>()
    : await env.DB.prepare("SELECT * FROM saved_mappings WHERE workspace_id = ? ORDER BY updated_at DESC").bind(ws).all<Row>();
  return results.map(of);
}

/** Remembers (or replaces) the mapping that stored a file with these headers. */
export async function saveMapping(
  env: Env,
  ws: string,
  kind: DatasetKind,
  headers: string[],
  mapping: Record<string, string>,
): Promise<void> {
  await env.DB.prepare(
    "INSERT INTO saved_mappings (workspace_id, kind, headers_key, headers, mapping) VALUES (?, ?, ?, ?, ?) " +
      "ON CONFLICT (workspace_id, kind, headers_key) DO UPDATE SET headers = excluded.headers, mapping = excluded.mapping, " +
      "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
  )
    .bind(ws, kind, headersKey(headers), JSON.stringify(headers), JSON.stringify(mapping))
    .run();
}
