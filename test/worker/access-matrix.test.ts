import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import app from "../../worker/index";
import { auth, call, issueToken, newWorkspace, upload } from "./support/api";
import { cdnowTransactionsCsv } from "./support/cdnow";
import { goodBytes } from "./support/fixtures";
import { readChecked } from "./support/json-check";

/**
 * Every `/api/workspaces/{ws}...` operation in /api/openapi.json (so new routes
 * are covered without editing this file) × {no token, bad token, viewer, editor,
 * owner, another workspace's owner}, asserting docs/api.md's rules:
 *   no / bad token → 401 · another workspace's owner → 404 (never reveal that it
 *   exists) · role below the route's → 403 · role at or above → 2xx.
 * The minimum role of a route comes from docs/api.md#auth-and-roles ("owner > editor (upload, fit,
 * save scenarios) > viewer (read, run unsaved what-ifs)"): the table ROLE below,
 * and for routes not in it: GET → viewer, anything else → editor. A new route
 * whose role differs must be added to ROLE, so a wrong guess fails loudly.
 * Every response body is run through the no-NaN walker.
 */
type Role = "viewer" | "editor" | "owner";
const RANK: Record<Role, number> = { viewer: 1, editor: 2, owner: 3 };

/** Minimum role by "METHOD path" (OpenAPI path), when not the default. */
const ROLE: Record<string, Role> = {
  "POST /api/workspaces/{ws}/tokens": "owner",
  "POST /api/workspaces/{ws}/scenarios#save": "editor",
  "POST /api/workspaces/{ws}/scenarios#unsaved": "viewer",
  // Reads that compute (nothing stored): a viewer may run them.
  "POST /api/workspaces/{ws}/drivers": "viewer",
  "POST /api/workspaces/{ws}/clv": "viewer",
  "POST /api/workspaces/{ws}/programs": "viewer",
};

function minRole(op: string, method: string): Role {
  return ROLE[op] ?? (method === "GET" ? "viewer" : "editor");
}

let A: { id: string; token: string };
let B: { id: string; token: string };
let editor = "";
let viewer = "";
const ids: Record<string, string> = {};
const logged: string[] = [];

/** A JSON request body that a permitted caller's request should succeed with; null = send none. */
function jsonBody(op: string): unknown {
  switch (op) {
    case "POST /api/workspaces/{ws}/tokens":
      return { role: "viewer" };
    case "POST /api/workspaces/{ws}/models":
      return { kind: "logistic", outcome: "renewed", predictors: ["nps", "log_arr"] };
    case "POST /api/workspaces/{ws}/scenarios#save":
    case "POST /api/workspaces/{ws}/scenarios#unsaved":
      return {
        name: "matrix",
        modelId: ids.model,
        change: { nps: 1 },
        horizonYears: 3,
        annualDiscountRate: 0,
        grossMargin: 0.8,
        investment: 1000,
        save: op.endsWith("#save"),
        draws: 50,
      };
    case "POST /api/workspaces/{ws}/programs":
      return { scenarioIds: [ids.scenario], overlap: 0.2 };
    case "POST /api/workspaces/{ws}/drivers":
      return {};
    case "POST /api/workspaces/{ws}/backtests":
      return { kind: "logistic", outcome: "renewed", predictors: ["nps", "log_arr"], splits: ["2025-04-01"], draws: 50 };
    case "POST /api/workspaces/{ws}/clv":
      return { method: "bgnbd-gg", horizonMonths: 12, annualDiscountRate: 0.1, margin: 0.3 };
    default:
      return {};
  }
}

/** Fills path parameters with ids of real resources of workspace A. */
async function concretePath(path: string, method: string): Promise<string> {
  let out = path.replace("{ws}", A.id);
  if (method === "DELETE" && /\/datasets\/\{[^}]+\}$/.test(path)) {
    // Each permitted DELETE needs its own dataset to delete.
    const res = await upload(A.id, A.token, goodBytes("transactions.csv"), { kind: "transactions" });
    const { json } = await readChecked(res, "upload for delete");
    expect(res.status).toBe(201);
    return out.replace(/\{[^}]+\}$/, (json as { id: string }).id);
  }
  out = out.replace(/\/datasets\/\{[^}]+\}/, `/datasets/${ids.dataset}`);
  out = out.replace(/\/models\/\{[^}]+\}/, `/models/${ids.model ?? "m_none"}`);
  out = out.replace(/\/scenarios\/\{[^}]+\}/, `/scenarios/${ids.scenario ?? "s_none"}`);
  out = out.replace(/\/backtests\/\{[^}]+\}/, `/backtests/${ids.backtest ?? "b_none"}`);
  return out;
}

async function send(op: string, method: string, path: string, token: string | null): Promise<Response> {
  const headers: Record<string, string> = token ? auth(token) : {};
  // Routes that read one scenario take it as ?scenario= (report, accounts export).
  const url = path + (/\/report$|\/export\/accounts\.csv$/.test(op) && ids.scenario ? `?scenario=${ids.scenario}` : "");
  if (op === "POST /api/workspaces/{ws}/datasets") {
    return upload(A.id, token ?? "", goodBytes("responses.csv"), { kind: "responses" }).then((r) => r);
  }
  if (/ \/api\/workspaces\/\{ws\}\/uploads/.test(op)) return sendChunked(op, path, token);
  if (method === "GET" || method === "DELETE") return call(url, { method, headers });
  return call(url, {
    method,
    headers: { ...headers, "Content-Type": "application/json" },
    body: JSON.stringify(jsonBody(op)),
  });
}

/** Chunked uploads: each permitted call gets its own upload (started by the owner), with one real part. */
async function sendChunked(op: string, path: string, token: string | null): Promise<Response> {
  const headers: Record<string, string> = token ? auth(token) : {};
  const bytes = goodBytes("responses.csv");
  const start = (t: string | null) =>
    call(`/api/workspaces/${A.id}/uploads`, {
      method: "POST",
      headers: { ...(t ? auth(t) : {}), "Content-Type": "application/json" },
      body: JSON.stringify({ kind: "responses", totalBytes: bytes.byteLength }),
    });
  if (op.endsWith("/uploads")) return start(token);
  const res = await start(A.token);
  const id = ((await res.json()) as { uploadId: string }).uploadId;
  const base = path.replace(/\/uploads\/.*$/, `/uploads/${id}`);
  const put = (t: string | null) =>
    call(`${base}/parts/1`, { method: "PUT", headers: { ...(t ? auth(t) : {}), "Content-Length": String(bytes.byteLength) }, body: bytes });
  if (op.includes("/parts/")) return put(token);
  await (await put(A.token)).arrayBuffer();
  // DELETE .../uploads/{id} aborts that open upload.
  if (op.startsWith("DELETE ")) return call(base, { method: "DELETE", headers });
  return call(`${base}/complete`, { method: "POST", headers });
}

beforeAll(async () => {
  for (const level of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      logged.push(args.map((a) => (typeof a === "string" ? a : (JSON.stringify(a) ?? String(a)))).join(" "));
    });
  }
  A = await newWorkspace("Matrix A");
  B = await newWorkspace("Matrix B");
  editor = await issueToken(A.id, A.token, "editor");
  viewer = await issueToken(A.id, A.token, "viewer");
  for (const kind of ["accounts", "responses", "transactions"]) {
    // Transactions: the CDNOW sample, so that the CLV fit converges and its routes can answer 2xx.
    const body = kind === "transactions" ? cdnowTransactionsCsv() : goodBytes(`${kind}.csv`);
    const res = await upload(A.id, A.token, body, { kind });
    const { json } = await readChecked(res, `seed ${kind}`);
    expect(res.status, JSON.stringify(json)).toBe(201);
    if (kind === "accounts") ids.dataset = (json as { id: string }).id;
  }
  const fit = await call(`/api/workspaces/${A.id}/models`, {
    method: "POST",
    headers: { ...auth(A.token), "Content-Type": "application/json" },
    body: JSON.stringify(jsonBody("POST /api/workspaces/{ws}/models")),
  });
  const bt = await send("POST /api/workspaces/{ws}/backtests", "POST", `/api/workspaces/${A.id}/backtests`, A.token);
  const btJson = await readChecked(bt, "backtest");
  expect(bt.status, btJson.text).toBe(201);
  ids.backtest = (btJson.json as { id: string }).id;
  if (fit.status === 201) ids.model = ((await readChecked(fit, "fit")).json as { id: string }).id;
  else await fit.arrayBuffer();
  if (ids.model) {
    const sc = await send("POST /api/workspaces/{ws}/scenarios#save", "POST", `/api/workspaces/${A.id}/scenarios`, A.token);
    if (sc.status === 201 || sc.status === 200) ids.scenario = ((await readChecked(sc, "scenario")).json as { id: string }).id;
    else await sc.arrayBuffer();
  }
});

let summary = "";
afterAll(() => {
  vi.restoreAllMocks();
  console.log(summary);
});

describe("access matrix", () => {
  it("covers every workspace route in the OpenAPI document", async () => {
    const doc = await (await call("/api/openapi.json")).json<{ paths: Record<string, Record<string, unknown>> }>();
    const ops: { op: string; method: string; path: string }[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      if (!path.startsWith("/api/workspaces/{ws}")) continue;
      for (const method of Object.keys(item).filter((m) => ["get", "post", "put", "patch", "delete"].includes(m))) {
        const M = method.toUpperCase();
        const op = `${M} ${path}`;
        if (op === "POST /api/workspaces/{ws}/scenarios")
          ops.push({ op: `${op}#unsaved`, method: M, path }, { op: `${op}#save`, method: M, path });
        else ops.push({ op, method: M, path });
      }
    }
    expect(ops.length).toBeGreaterThanOrEqual(3);
    // The seeded workspace must have a model and a saved scenario when those routes exist,
    // so that their routes are checked for 2xx, not just for "not 401/403".
    if (ops.some((o) => o.path.startsWith("/api/workspaces/{ws}/models")))
      expect(ids.model, "model fitted on the good fixtures").toBeDefined();
    if (ops.some((o) => o.path.startsWith("/api/workspaces/{ws}/scenarios"))) expect(ids.scenario, "scenario saved").toBeDefined();
    const failures: string[] = [];
    const callers: { who: string; token: string | null; role?: Role; foreign?: boolean }[] = [
      { who: "no token", token: null },
      { who: "bad token", token: "x".repeat(43) },
      { who: "viewer", token: viewer, role: "viewer" },
      { who: "editor", token: editor, role: "editor" },
      { who: "owner", token: A.token, role: "owner" },
      { who: "other workspace's owner", token: B.token, foreign: true },
    ];
    let checked = 0;
    for (const { op, method, path } of ops) {
      const need = minRole(op, method);
      const needsModel = /\/models\/\{|\/scenarios|\/report|\/programs/.test(path) && !(ids.model && ids.scenario);
      for (const caller of callers) {
        const concrete = await concretePath(path, caller.role && RANK[caller.role] >= RANK[need] ? method : "GET");
        const res = await send(op, method, concrete, caller.token);
        let text = "";
        try {
          text = (await readChecked(res, `${op} as ${caller.who}`)).text;
        } catch (e) {
          failures.push((e as Error).message);
        }
        checked++;
        let expected: string;
        let ok: boolean;
        if (!caller.token || !caller.role) {
          expected = caller.foreign ? "404" : "401";
          ok = res.status === (caller.foreign ? 404 : 401);
        } else if (RANK[caller.role] < RANK[need]) {
          expected = "403";
          ok = res.status === 403;
        } else if (needsModel) {
          expected = "not 401/403, < 500 (no model could be fitted for this route)";
          ok = res.status < 500 && res.status !== 401 && res.status !== 403;
        } else {
          expected = "2xx";
          ok = res.status >= 200 && res.status < 300;
        }
        if (!ok) failures.push(`${op} as ${caller.who} (needs ${need}): expected ${expected}, got ${res.status} ${text.slice(0, 200)}`);
      }
    }
    summary = `access matrix: ${ops.length} operations, ${checked} requests`;
    expect(failures, failures.join("\n")).toEqual([]);
  });

  it("issues tokens of >= 128 bits, stored only as their SHA-256 hex", async () => {
    const tokens = [A.token, B.token, editor, viewer];
    for (const t of tokens) {
      // base64url: 6 bits per character; hex: 4.
      const bits = /^[0-9a-f]+$/i.test(t) ? t.length * 4 : t.length * 6;
      expect(t).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(bits).toBeGreaterThanOrEqual(128);
    }
    expect(new Set(tokens).size).toBe(tokens.length);
    // Independent hash with Web Crypto; the tokens table must hold exactly it.
    const hex = async (s: string) =>
      [...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(s)))]
        .map((b) => b.toString(16).padStart(2, "0"))
        .join("");
    for (const t of tokens) {
      const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM tokens WHERE hash = ?")
        .bind(await hex(t))
        .first<{ n: number }>();
      expect(row?.n).toBe(1);
    }
    const { results } = await env.DB.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
    ).all<{ name: string }>();
    for (const { name } of results) {
      const rows = await env.DB.prepare(`SELECT * FROM "${name}"`).all();
      const dump = JSON.stringify(rows.results);
      for (const t of tokens) expect(dump.includes(t), `raw token found in table ${name}`).toBe(false);
    }
    const hashes = await env.DB.prepare("SELECT hash FROM tokens").all<{ hash: string }>();
    for (const h of hashes.results) expect(h.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("creating a workspace needs ADMIN_TOKEN when the deployment sets it", async () => {
    const admin = "a".repeat(20) + "-admin-secret-" + "b".repeat(20);
    const cfg = { ...env, ADMIN_TOKEN: admin };
    const create = (token?: string) =>
      app.request(
        "/api/workspaces",
        {
          method: "POST",
          headers: { "Content-Type": "application/json", ...(token ? auth(token) : {}) },
          body: JSON.stringify({ name: "Gated" }),
        },
        cfg,
      );
    expect((await create()).status).toBe(401);
    expect((await create(admin.slice(0, -1) + "x")).status).toBe(401);
    expect((await create(A.token)).status).toBe(401);
    const ok = await create(admin);
    expect(ok.status).toBe(201);
    const all = logged.join("\n");
    expect(all.includes(admin)).toBe(false);
  });

  it("never logs a token", () => {
    const all = logged.join("\n");
    for (const t of [A.token, B.token, editor, viewer]) expect(all.includes(t)).toBe(false);
  });
});
