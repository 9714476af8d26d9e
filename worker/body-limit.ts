import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "./app";
import { limit } from "./env";
import { ApiError } from "./errors";

/**
 * MAX_JSON_BYTES for every request body except dataset uploads (those have
 * MAX_UPLOAD_BYTES, checked by the intake). Uses Hono's bodyLimit, which trusts
 * Content-Length when there is one and otherwise counts a streamed body as it
 * arrives, so an oversized body is never read whole.
 * @throws ApiError 413 too_large naming the limit
 */
const UPLOAD = /^\/api\/workspaces\/[^/]+\/datasets\/?$/;
/** Parts of chunked uploads (PUT), limited to MAX_UPLOAD_BYTES by their route. */
const PART = /^\/api\/workspaces\/[^/]+\/uploads\/[^/]+\/parts\/[^/]+$/;

export function jsonBodyLimit(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.method === "GET" || c.req.method === "HEAD" || c.req.method === "OPTIONS") return next();
    if (c.req.method === "POST" && UPLOAD.test(new URL(c.req.url).pathname)) return next();
    if (c.req.method === "PUT" && PART.test(new URL(c.req.url).pathname)) return next();
    const maxSize = limit(c.env, "MAX_JSON_BYTES", 10 * 1024 * 1024);
    return bodyLimit({
      maxSize,
      onError: () => {
        throw new ApiError(413, "too_large", `The request body is over ${maxSize} bytes (MAX_JSON_BYTES). Send less data per request.`);
      },
    })(c, next);
  };
}
