-- Uploaded datasets: metadata here; the raw file and the parsed columnar blocks live in R2
-- (raw/<ws>/<id> and cols/<ws>/<id>/<blockNo>.bin, see worker/data/blocks.ts).
CREATE TABLE datasets (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('accounts', 'responses', 'transactions')),
  name TEXT NOT NULL,
  rows INTEGER NOT NULL,
  -- JSON [{"name", "type", "source", "storage"}]: API type (text, money, number, integer, 0/1, date,
  -- fraction) and storage type (num, date, text) of each column, in block order.
  columns TEXT NOT NULL,
  warnings TEXT NOT NULL DEFAULT '[]',
  -- JSON options of the upload, e.g. {"csatScale": 5}.
  options TEXT NOT NULL DEFAULT '{}',
  block_count INTEGER NOT NULL,
  block_rows INTEGER NOT NULL,
  raw_bytes INTEGER NOT NULL,
  content_type TEXT,
  -- 'ready' for datasets models may use; the scale issue's queued jobs use 'processing' / 'failed'.
  status TEXT NOT NULL DEFAULT 'ready',
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX datasets_workspace_kind ON datasets(workspace_id, kind, created_at);
