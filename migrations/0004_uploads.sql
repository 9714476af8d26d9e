-- Chunked uploads (files over the body limit, issue 8): the client sends parts, then asks for a
-- queued parse job. Parts live in R2 at uploads/<ws>/<uploadId>/<n> until the job has read them.
CREATE TABLE uploads (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('accounts', 'responses', 'transactions')),
  name TEXT NOT NULL,
  -- JSON { mapping, sheet, csatScale, contentType } of the upload.
  spec TEXT NOT NULL,
  total_bytes INTEGER NOT NULL,
  -- 'open' while parts arrive; 'queued' once complete (then dataset_id names the dataset row).
  status TEXT NOT NULL DEFAULT 'open',
  dataset_id TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX uploads_workspace ON uploads(workspace_id);

CREATE TABLE upload_parts (
  upload_id TEXT NOT NULL REFERENCES uploads(id) ON DELETE CASCADE,
  n INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  PRIMARY KEY (upload_id, n)
);

-- Queued parse jobs report on their dataset row: progress JSON {rowsDone, rowsTotal, errorsSoFar}
-- while status = 'processing', and the error body ({code, message, details}) when status = 'failed'.
ALTER TABLE datasets ADD COLUMN progress TEXT;
ALTER TABLE datasets ADD COLUMN error TEXT;
