import { OpenAPIHono } from "@hono/zod-openapi";
import { HTTPException } from "hono/http-exception";
import { ModelError } from "../models/numeric/errors";
import type { Env } from "./env";
import { ApiError, errorBody, errorResponse } from "./errors";

export type AppEnv = {
  Bindings: Env;
  /** prefetched: what requireRole's prefetch read, set only once the token passed (see auth.ts). */
  Variables: { workspaceId: string; role: Role; prefetched?: unknown };
};
export type Role = "owner" | "editor" | "viewer";

/**
 * A sub-app whose zod validation failures answer 400 in the API's error shape,
 * naming each field at fault. Every resource router is made with this.
 */
export function newRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) {
        const details = result.error.issues.map((i) => ({
          column: i.path.join(".") || undefined,
          message: i.message,
        }));
        return c.json(errorBody("invalid_request", "The request is not valid: see details for each field at fault.", details), 400);
      }
    },
  });
}

/** Maps anything thrown to the API's error JSON; never leaks a stack. */
export function onError(err: Error, c: Parameters<Parameters<OpenAPIHono<AppEnv>["onError"]>[0]>[1]) {
  if (err instanceof ApiError) return errorResponse(c, err);
  if (err instanceof ModelError) {
    return c.json(
      errorBody(
        err.code,
        err.message,
        err.terms.map((t) => ({ column: t, message: err.message })),
      ),
      422,
    );
  }
  if (err instanceof HTTPException) {
    const status = err.status;
    const code = status === 413 ? "too_large" : status === 401 ? "unauthorized" : "bad_request";
    return c.json(errorBody(code, err.message || "Bad request."), status);
  }
  if (err instanceof SyntaxError) {
    return c.json(errorBody("invalid_json", `The body is not valid JSON: ${err.message}`), 400);
  }
  console.error("unexpected error", err);
  return c.json(errorBody("internal_error", "Something went wrong on our side; the request was not applied. Try again."), 500);
}
