import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./app";
import { limit } from "./env";

/**
 * Reads to its end (and discards) whatever of the request body the route left unread, before the response goes
 * out. A route that refuses an upload early (a 20 MB line, too many columns, a bad mapping, a lying part) answers
 * without reading the rest; a server that then closes the request leaves the client, or a proxy in front of the
 * worker such as wrangler dev's, with a reset connection instead of the 4xx, and the next request on it fails.
 * Reading on costs network time, not CPU. Bodies past MAX_UPLOAD_BYTES (or declaring more) are cancelled instead:
 * a client sending that much past its refusal is not waited for.
 */
export function drainUnreadBody(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    const body = c.req.raw.body;
    if (!body || body.locked) return;
    const max = limit(c.env, "MAX_UPLOAD_BYTES", 100 * 1024 * 1024);
    const declared = Number(c.req.header("content-length") ?? NaN);
    try {
      if (Number.isFinite(declared) && declared > max) {
        await body.cancel();
        return;
      }
      const reader = body.getReader();
      for (let n = 0; ;) {
        const r = await reader.read();
        if (r.done) break;
        n += r.value.byteLength;
        if (n > max) {
          await reader.cancel();
          break;
        }
      }
    } catch {
      // The client went away: nothing to clean.
    }
  };
}
