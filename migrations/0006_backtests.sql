-- Back-tests of a workspace (POST /api/workspaces/:ws/backtests): the request and the API body, and the
-- datasets they rest on. Read by GET .../backtests, the export (GET .../export/backtests.csv), the impact-model
-- screen and the one-page business case.
CREATE TABLE backtests (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  -- JSON request as validated (defaults filled in)
  request TEXT NOT NULL,
  -- JSON response body without "id"
  result TEXT NOT NULL,
  -- JSON {"accounts": id, "responses": id|null}
  datasets TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX backtests_workspace ON backtests(workspace_id, created_at);
