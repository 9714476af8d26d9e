-- Column mappings remembered per workspace and kind: a file whose header row matches `headers_key`
-- (its headers normalised and joined) is read with `mapping` when the upload sends none.
-- Scenarios get a free-text note (PATCH .../scenarios/:id {name?, note?}).
CREATE TABLE saved_mappings (
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('accounts', 'responses', 'transactions')),
  headers_key TEXT NOT NULL,
  -- JSON array of the headers as written in the file
  headers TEXT NOT NULL,
  -- JSON {"canonical": "Header In File"}
  mapping TEXT NOT NULL,
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (workspace_id, kind, headers_key)
);
ALTER TABLE scenarios ADD COLUMN note TEXT;
-- The demo workspace of `npm start` (scripts/start.mjs writes it): its viewer link, shown on the home page
-- (GET /api/demo). Empty in a real deployment.
CREATE TABLE demo_link (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  viewer_token TEXT NOT NULL
);
