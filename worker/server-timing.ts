import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./app";

/**
 * `Server-Timing: handler;dur=<ms>` on every API response: the time from the request entering the worker's
 * routes to its response being ready, as the worker's own clock sees it (for benches: bench/scale.mjs reads it
 * beside the client's latency, which also counts queueing and the network).
 *
 * On Workers the clock only moves at I/O (a Spectre mitigation): CPU work after a handler's last I/O would not be
 * counted. One timer turn after the handler (setTimeout 0, itself an event) lets the clock catch up, so the figure
 * includes that CPU; it costs the response one turn of the event loop. The duration is whole milliseconds on
 * Cloudflare and may read 0 for a handler without I/O.
 */
export function serverTiming(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const t0 = Date.now();
    await next();
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    const ms = Date.now() - t0;
    try {
      c.res.headers.append("Server-Timing", `handler;dur=${ms}`);
    } catch {
      // A response with immutable headers (fetched, not built here) goes out without the figure.
    }
  };
}
