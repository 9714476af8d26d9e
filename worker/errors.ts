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

/** The JSON body of an error response. */
export function errorBody(code: string, message: string, details: ErrorDetail[] = [], extra: Record<string, unknown> = {}) {
  return { error: { code, message, details, ...extra } };
}

export function errorResponse(c: Context, err: ApiError) {
  return c.json(errorBody(err.code, err.message, err.details, err.extra), err.status);
}
