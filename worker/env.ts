/** Bindings and vars of the worker, as declared in wrangler.toml. */
export interface Env {
  DB: D1Database;
  FILES: R2Bucket;
  ASSETS?: Fetcher;
  /** Parse jobs of chunked uploads (wrangler.toml [[queues.producers]]); consumed by worker/jobs/parse-job.ts. */
  JOBS: Queue<ParseJobMessage>;
  /** When set, creating a workspace needs it as the bearer token. */
  ADMIN_TOKEN?: string;
  MAX_UPLOAD_BYTES?: string;
  MAX_ROWS?: string;
  MAX_COLUMNS?: string;
  MAX_CELL_CHARS?: string;
  MAX_JSON_BYTES?: string;
  MAX_PREDICTORS?: string;
  MAX_DRAWS?: string;
  /** Design cells (accounts × terms) above which POST .../models builds and fits the design in row blocks (default 4,000,000). */
  MODEL_BLOCK_CELLS?: string;
  /** Rows allowed in a chunked upload's parse job (default 20,000,000). */
  MAX_JOB_ROWS?: string;
  /** Total bytes allowed in a chunked upload (default 2 GiB). */
  MAX_CHUNKED_BYTES?: string;
  /** Hours after its last part when an open chunked upload is removed by the hourly sweep (default 24). */
  UPLOAD_EXPIRY_HOURS?: string;
  /** Chunked uploads open at once per workspace (default 20; 429 too_many_uploads beyond). */
  MAX_OPEN_UPLOADS?: string;
  /** Bytes an isolate keeps of joined books and designs for what-ifs (worker/linking/scenario-cache.ts; default 24 MiB). */
  SCENARIO_CACHE_BYTES?: string;
}

/** The message of a parse job: which upload to parse into which dataset row. */
export interface ParseJobMessage {
  workspaceId: string;
  uploadId: string;
  datasetId: string;
}

/** Reads a numeric limit from vars, falling back to a default. */
export function limit(env: Env, name: keyof Env, fallback: number): number {
  const raw = env[name];
  const n = typeof raw === "string" ? Number(raw) : NaN;
  return Number.isFinite(n) && n > 0 ? n : fallback;
}
