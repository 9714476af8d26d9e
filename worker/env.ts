/** Bindings and vars of the worker, as declared in wrangler.toml. */
export interface Env {
  DB: D1Database;
  FILES: R2Bucket;
  ASSETS?: Fetcher;
  /** When set, creating a workspace needs it as the bearer token. */
  ADMIN_TOKEN?: string;
  MAX_UPLOAD_BYTES?: string;
  MAX_ROWS?: string;
  MAX_COLUMNS?: string;
  MAX_CELL_CHARS?: string;
  MAX_JSON_BYTES?: string;
  MAX_PREDICTORS?: string;
  MAX_DRAWS?: string;
}

/** Reads a numeric limit from vars, falling back to a default. */
export function limit(env: Env, name: keyof Env, fallback: number): number {
  const raw = env[name];
  const n = typeof raw === "string" ? Number(raw) : NaN;
  return Number.isFinite(n) && n > 0 ? n : fallback;
}
