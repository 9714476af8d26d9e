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
    fd.append(
      opts.multipartField,
      new Blob([body as ArrayBuffer], { type: opts.contentType ?? "text/csv" }),
      opts.fileName ?? "upload.csv",
    );
    payload = fd;
  } else {
    headers["Content-Type"] = opts.contentType ?? "text/csv";
  }
  return call(`/api/workspaces/${ws}/datasets?${q}`, { method: "POST", headers, body: payload });
}

let tableFilters: { name: string; where: string }[] | undefined;

/**
 * What one workspace holds: row counts of every D1 table scoped to the workspace
 * (by `workspace_id`, by `id` for workspaces, through `uploads` for upload_parts;
 * a table with no link to a workspace is counted whole) and every R2 key under it
 * (keys are `<prefix>/<ws>/...`). Scoped so that test files running at the same
 * time in other workspaces cannot disturb the comparison.
 */
export async function storageSnapshot(ws: string): Promise<{ tables: Record<string, number>; r2: string[] }> {
  // Migrations ran in the setup file, so the table list is fixed for the run: read it once.
  if (!tableFilters) {
    const { results } = await env.DB.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'd1_%'",
    ).all<{ name: string }>();
    tableFilters = [];
    for (const { name } of results) {
      const cols = (await env.DB.prepare(`PRAGMA table_info("${name.replace(/"/g, '""')}")`).all<{ name: string }>()).results.map(
        (c) => c.name,
      );
      const where =
        name === "workspaces"
          ? "id = ?1"
          : cols.includes("workspace_id")
            ? "workspace_id = ?1"
            : cols.includes("upload_id")
              ? "upload_id IN (SELECT id FROM uploads WHERE workspace_id = ?1)"
              : "?1 IS NOT NULL";
      tableFilters.push({ name, where });
    }
  }
  // One statement for all counts: the fuzz test takes thousands of snapshots.
  const q = (n: string) => `"${n.replace(/"/g, '""')}"`;
  const counts = await env.DB.prepare(
    `SELECT ${tableFilters.map(({ name, where }, i) => `(SELECT COUNT(*) FROM ${q(name)} WHERE ${where}) AS c${i}`).join(", ")}`,
  )
    .bind(ws)
    .first<Record<string, number>>();
  const tables: Record<string, number> = {};
  tableFilters.forEach(({ name }, i) => (tables[name] = counts?.[`c${i}`] ?? 0));
  // R2: every top-level prefix (raw/, cols/, agg/, uploads/, any new one), then the keys under <prefix><ws>/.
  const r2: string[] = [];
  const list = async (opts: R2ListOptions, each: (page: R2Objects) => void) => {
    let cursor: string | undefined;
    do {
      const page = await env.FILES.list({ ...opts, cursor, limit: 1000 });
      each(page);
      cursor = page.truncated ? page.cursor : undefined;
    } while (cursor);
  };
  const prefixes: string[] = [];
  await list({ delimiter: "/" }, (page) => {
    prefixes.push(...page.delimitedPrefixes);
    for (const o of page.objects) r2.push(o.key); // top-level keys: none expected
  });
  for (const p of prefixes) await list({ prefix: `${p}${ws}/` }, (page) => r2.push(...page.objects.map((o) => o.key)));
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
