import { env, exports } from "cloudflare:workers";
import { readChecked } from "./json-check";

/** Calls the worker's fetch (through its middleware) with a relative path. */
export function call(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(`http://x${path}`, init);
}

export const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

/** POST /api/workspaces; returns the id and the owner token. */
export async function newWorkspace(name = "Reliability"): Promise<{ id: string; token: string }> {
  const res = await call("/api/workspaces", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ name }),
  });
  const { json } = await readChecked(res, "create workspace");
  if (res.status !== 201) throw new Error(`create workspace: ${res.status} ${JSON.stringify(json)}`);
  return json as { id: string; token: string };
}

/** POST /api/workspaces/:ws/tokens (owner) for another role. */
export async function issueToken(ws: string, ownerToken: string, role: "editor" | "viewer"): Promise<string> {
  const res = await call(`/api/workspaces/${ws}/tokens`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...auth(ownerToken) },
    body: JSON.stringify({ role }),
  });
  const { json } = await readChecked(res, `issue ${role}`);
  if (res.status !== 201) throw new Error(`issue token: ${res.status} ${JSON.stringify(json)}`);
  return (json as { token: string }).token;
}

/** Uploads a file body as a dataset. `query` values are added as query parameters. */
export function upload(
  ws: string,
  token: string,
  body: BodyInit,
  opts: { kind?: string | null; query?: Record<string, string>; contentType?: string; multipartField?: string; fileName?: string } = {},
): Promise<Response> {
  const q = new URLSearchParams();
  if (opts.kind !== null) q.set("kind", opts.kind ?? "accounts");
  q.set("name", opts.fileName ?? "upload");
  for (const [k, v] of Object.entries(opts.query ?? {})) q.set(k, v);
  const headers: Record<string, string> = { ...auth(token) };
  let payload: BodyInit = body;
  if (opts.multipartField) {
    const fd = new FormData();
    fd.append(opts.multipartField, new Blob([body as ArrayBuffer], { type: opts.contentType ?? "text/csv" }), opts.fileName ?? "upload.csv");
    payload = fd;
  } else {
    headers["Content-Type"] = opts.contentType ?? "text/csv";
  }
  return call(`/api/workspaces/${ws}/datasets?${q}`, { method: "POST", headers, body: payload });
}

let tableList: { name: string }[] | undefined;

/** Row counts of every D1 table (migrations bookkeeping aside) and every R2 key: what an upload may leave behind. */
export async function storageSnapshot(): Promise<{ tables: Record<string, number>; r2: string[] }> {
  // Migrations ran in the setup file, so the table list is fixed for the run: read it once.
  tableList ??= (
    await env.DB.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'd1_%'",
    ).all<{ name: string }>()
  ).results;
  const results = tableList;
  // One statement for all counts: the fuzz test takes thousands of snapshots.
  const q = (n: string) => `"${n.replace(/"/g, '""')}"`;
  const counts = await env.DB.prepare(`SELECT ${results.map(({ name }, i) => `(SELECT COUNT(*) FROM ${q(name)}) AS c${i}`).join(", ")}`).first<Record<string, number>>();
  const tables: Record<string, number> = {};
  results.forEach(({ name }, i) => (tables[name] = counts?.[`c${i}`] ?? 0));
  const r2: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await env.FILES.list({ cursor, limit: 1000 });
    for (const o of page.objects) r2.push(o.key);
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return { tables, r2: r2.sort() };
}

/** Decodes a Vite `?url&inline` data URL (base64) into bytes. */
export function dataUrlBytes(url: string): Uint8Array {
  const b64 = url.slice(url.indexOf(",") + 1);
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
