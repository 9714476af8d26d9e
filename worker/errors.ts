import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** One bad cell or field: `row` is the 1-based line in the uploaded file (header = 1). */
export interface ErrorDetail {
  row?: number;
  column?: string;
  message: string;
}

/**
 * The one error class for anything a client can cause. `app.onError` maps it
 * to `{"error": {"code", "message", "details"}}` with its status.
 * @example throw new ApiError(422, "invalid_file", "3 bad cells", details)
 */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
    /** Extra fields of the error object, e.g. `headers` (the file's header row) for a file that lacks columns. */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export const badRequest = (message: string, details: ErrorDetail[] = []) => new ApiError(400, "bad_request", message, details);
export const notFound = (what = "resource") => new ApiError(404, "not_found", `No such ${what} in this workspace.`);

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}… (${s.length} characters)` : s);

/**
 * Every error body is bounded, whatever the input that caused it (a 20 MB line, 10,000 headers): the message at
 * 2,000 characters, at most 1,000 details of 200-character messages and 100-character columns, a `headers` list
 * at 500 names of 200 characters. So an error is a few hundred KB at most, answered at once and storable in D1.
 */
export function boundedError(code: string, message: string, details: ErrorDetail[] = [], extra: Record<string, unknown> = {}) {
  const out: Record<string, unknown> = {
    code,
    message: cut(message, 2000),
    details: details.slice(0, 1000).map((d) => {
      const b: ErrorDetail = { ...d, message: cut(String(d.message), 200) };
      if (typeof d.column === "string") b.column = cut(d.column, 100);
      return b;
    }),
  };
  for (const [k, v] of Object.entries(extra)) {
    out[k] = Array.isArray(v) ? v.slice(0, 500).map((x) => (typeof x === "string" ? cut(x, 200) : x)) : v;
  }
  return out as { code: string; message: string; details: ErrorDetail[] } & Record<string, unknown>;
}

/** The JSON body of an error response. */
export function errorBody(code: string, message: string, details: ErrorDetail[] = [], extra: Record<string, unknown> = {}) {
  return { error: boundedError(code, message, details, extra) };
}

export function errorResponse(c: Context, err: ApiError) {
  return c.json(errorBody(err.code, err.message, err.details, err.extra), err.status);
}
