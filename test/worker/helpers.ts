import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";

/** Calls the worker like a client would. */
export function call(path: string, init: RequestInit & { token?: string } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set("authorization", `Bearer ${init.token}`);
  return exports.default.fetch(new Request(`http://x${path}`, { ...init, headers }));
}

/** Creates a workspace and returns { id, token } (owner). */
export async function createWorkspace(name = "Test"): Promise<{ id: string; token: string }> {
  const res = await call("/api/workspaces", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name }),
  });
  if (res.status !== 201) throw new Error(`createWorkspace: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Issues a token of a role in a workspace. */
export async function tokenFor(ws: { id: string; token: string }, role: "editor" | "viewer"): Promise<string> {
  const res = await call(`/api/workspaces/${ws.id}/tokens`, {
    method: "POST",
    token: ws.token,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ role }),
  });
  if (res.status !== 201) throw new Error(`tokenFor: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

/** Uploads a file body (CSV text or bytes) as a dataset. */
export function upload(
  ws: { id: string; token: string },
  query: string,
  body: BodyInit,
  contentType = "text/csv",
  token = ws.token,
): Promise<Response> {
  return call(`/api/workspaces/${ws.id}/datasets?${query}`, {
    method: "POST",
    token,
    headers: { "content-type": contentType },
    body,
  });
}

export type ErrorJson = { error: { code: string; message: string; details: { row?: number; column?: string; message: string }[] } };

/** Every R2 key under a prefix, all pages, in key order. */
export async function r2Keys(prefix: string): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await env.FILES.list({ prefix, cursor });
    out.push(...page.objects.map((o) => o.key));
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return out.sort();
}

/**
 * Every field of two API answers equal: strings, booleans and null exactly, numbers to `rel` relative (`abs` absolute
 * near 0), the same keys at every level. For "the same answer by another path" tests (blocks, kernels).
 */
export function expectSameAnswer(a: unknown, b: unknown, path: string, rel: number, abs: number): void {
  if (typeof a === "number" && typeof b === "number") {
    expect(Math.abs(a - b), `${path}: ${a} vs ${b}`).toBeLessThanOrEqual(rel * Math.max(Math.abs(a), Math.abs(b)) + abs);
    return;
  }
  if (a && typeof a === "object") {
    expect(b !== null && typeof b === "object", `${path} is an object on both sides`).toBe(true);
    const ka = Object.keys(a).sort();
    expect(Object.keys(b as object).sort(), `${path} keys`).toEqual(ka);
    for (const k of ka) expectSameAnswer((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`, rel, abs);
    return;
  }
  expect(b, path).toEqual(a);
}
