import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./app";
import { ApiError } from "./errors";

/**
 * No NaN or Infinity ever reaches a client. `JSON.stringify` silently turns
 * them into `null`, which a board report then prints as a blank or a zero, so
 * every JSON body is checked *before* serialisation: `finiteJson()` wraps
 * `c.json` for every route, and a non-finite number becomes a named 422
 * `non_finite_result` naming the field, instead of a silent null.
 */

/** JSON path of the first non-finite number (or bigint) in `value`, or null when all are finite. */
export function findNonFinite(value: unknown, path = "$", depth = 0): string | null {
  if (typeof value === "number") return Number.isFinite(value) ? null : path;
  if (typeof value === "bigint") return path;
  if (value === null || typeof value !== "object" || depth > 64) return null;
  if (ArrayBuffer.isView(value)) {
    const arr = value as unknown as ArrayLike<number>;
    for (let i = 0; i < arr.length; i++) if (typeof arr[i] === "number" && !Number.isFinite(arr[i])) return `${path}[${i}]`;
    return null;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = findNonFinite(value[i], `${path}[${i}]`, depth + 1);
      if (p) return p;
    }
    return null;
  }
  const withToJSON = value as { toJSON?: () => unknown };
  if (typeof withToJSON.toJSON === "function") return findNonFinite(withToJSON.toJSON(), path, depth + 1);
  for (const [k, v] of Object.entries(value)) {
    const p = findNonFinite(v, `${path}.${k}`, depth + 1);
    if (p) return p;
  }
  return null;
}

/**
 * Throws a 422 `non_finite_result` when `value` holds NaN / ±Infinity anywhere.
 * @throws ApiError 422 non_finite_result
 * @example assertFinite({ roi: 0.2 }) // ok
 */
/** The same walk as findNonFinite without building paths: the common, clean case allocates nothing. */
function anyNonFinite(value: unknown, depth = 0): boolean {
  if (typeof value === "number") return !Number.isFinite(value);
  if (typeof value === "bigint") return true;
  if (value === null || typeof value !== "object" || depth > 64) return false;
  if (ArrayBuffer.isView(value)) {
    const arr = value as unknown as ArrayLike<number>;
    for (let i = 0; i < arr.length; i++) if (typeof arr[i] === "number" && !Number.isFinite(arr[i])) return true;
    return false;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (anyNonFinite(value[i], depth + 1)) return true;
    return false;
  }
  const withToJSON = value as { toJSON?: () => unknown };
  if (typeof withToJSON.toJSON === "function") return anyNonFinite(withToJSON.toJSON(), depth + 1);
  for (const k in value)
    if (Object.prototype.hasOwnProperty.call(value, k) && anyNonFinite((value as Record<string, unknown>)[k], depth + 1)) return true;
  return false;
}

export function assertFinite(value: unknown, what = "result"): void {
  if (!anyNonFinite(value)) return;
  const at = findNonFinite(value);
  if (at) {
    throw new ApiError(
      422,
      "non_finite_result",
      `The ${what} has a value that is not a finite number at ${at}: the data cannot support this calculation (check for too few rows, zero variance or extreme values).`,
      [{ column: at.replace(/^\$\.?/, ""), message: "not a finite number" }],
    );
  }
}

/** Middleware: every `c.json(body)` in the app checks `body` with `assertFinite` first. */
export function finiteJson(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const json = c.json.bind(c) as (...args: unknown[]) => Response;
    (c as unknown as { json: (...args: unknown[]) => Response }).json = (body: unknown, ...rest: unknown[]) => {
      assertFinite(body);
      return json(body, ...rest);
    };
    await next();
  };
}
