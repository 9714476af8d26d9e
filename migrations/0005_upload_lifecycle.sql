-- Chunked uploads that never lose or duplicate anything (issue 8):
-- * last_part_at: when the last part arrived (NULL: none yet, created_at counts); open uploads idle for
--   UPLOAD_EXPIRY_HOURS are removed by the hourly sweep (worker/jobs/upload-sweep.ts).
-- * job_token: the parse job attempt that owns the upload's dataset objects now (a redelivered message
--   takes over; an older attempt still running then stops without touching anything).
-- * upload_parts.key: the R2 key of the part's current bytes (each PUT writes a new key, so a part sent
--   again, or sent while the upload completes, never changes bytes a job is reading).
-- uploads.status: 'open' (parts arrive) → 'queued' (complete, dataset_id set) → row deleted when the job
-- is done; or 'open' → 'deleting' (DELETE / expiry removing its parts) → row deleted.
ALTER TABLE uploads ADD COLUMN last_part_at TEXT;
ALTER TABLE uploads ADD COLUMN job_token TEXT;
ALTER TABLE upload_parts ADD COLUMN key TEXT;
CREATE INDEX uploads_status ON uploads(status);
