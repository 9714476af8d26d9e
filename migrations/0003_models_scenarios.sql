-- Fitted models and saved scenarios of a workspace (issue 5). Results are the API's JSON bodies
-- (without per-row data: rows are rebuilt from the datasets named in `datasets`).
CREATE TABLE models (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('linear', 'logistic')),
  outcome TEXT NOT NULL,
  -- JSON request: {"kind", "outcome", "predictors", "covariance"}
  spec TEXT NOT NULL,
  -- JSON response body without "id"
  result TEXT NOT NULL,
  -- JSON {"accounts": id, "responses": id|null}: the datasets the fit rests on
  datasets TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX models_workspace ON models(workspace_id, created_at);

CREATE TABLE scenarios (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  model_id TEXT NOT NULL REFERENCES models(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  -- JSON request as sent (defaults filled in)
  request TEXT NOT NULL,
  -- JSON response body without "id"
  result TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX scenarios_workspace ON scenarios(workspace_id, created_at);
