import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import app from "../../worker/index";
import { auth, newWorkspace, storageSnapshot } from "./support/api";
import { goodBytes } from "./support/fixtures";
import { readChecked } from "./support/json-check";

/**
 * Limits from wrangler.toml [vars], each answered with 413 or 422, an error code
 * and a message that names the limit. The worker is called with tiny overrides
 * of the vars (same D1 / R2), so each limit is hit with a small request:
 * upload size, rows, columns, cell length, JSON body size, predictors per model,
 * draws per scenario. Rejected uploads must store nothing.
 */
let ws: { id: string; token: string };
let modelId: string | undefined;

function withVars(vars: Record<string, string>) {
  return { ...env, ...vars };
}

async function send(path: string, init: RequestInit, vars: Record<string, string>) {
  const res = await app.request(path, init, withVars(vars));
  const { json, text } = await readChecked(res, path);
  return {
    status: res.status,
    json: json as { error?: { code: string; message: string; details?: { row?: number; column?: string }[] }; id?: string },
    text,
  };
}

function csvUpload(kind: string, body: string | Uint8Array, extraHeaders: Record<string, string> = {}): RequestInit {
  return { method: "POST", headers: { ...auth(ws.token), "Content-Type": "text/csv", ...extraHeaders }, body };
}

function expectLimit(r: Awaited<ReturnType<typeof send>>, limitValue: string, what: string) {
  expect([413, 422], `${what}: ${r.status} ${r.text.slice(0, 300)}`).toContain(r.status);
  expect(r.json.error?.code, what).toMatch(/^[a-z][a-z0-9_]*$/);
  expect(r.json.error?.message, `${what}: the message names the limit`).toContain(limitValue);
}

beforeAll(async () => {
  ws = await newWorkspace("Limits");
  for (const kind of ["accounts", "responses"]) {
    const r = await send(`/api/workspaces/${ws.id}/datasets?kind=${kind}&name=${kind}`, csvUpload(kind, goodBytes(`${kind}.csv`)), {});
    expect(r.status, r.text).toBe(201);
  }
  const fit = await send(
    `/api/workspaces/${ws.id}/models`,
    {
      method: "POST",
      headers: { ...auth(ws.token), "Content-Type": "application/json" },
      body: JSON.stringify({ kind: "logistic", outcome: "renewed", predictors: ["nps", "log_arr"] }),
    },
    {},
  );
  if (fit.status === 201) modelId = fit.json.id;
});

describe("limits", () => {
  it("MAX_UPLOAD_BYTES: a file over the limit gets 413 and nothing is stored", async () => {
    const before = await storageSnapshot(ws.id);
    const body = goodBytes("accounts.csv"); // ~3 KB
    const r = await send(`/api/workspaces/${ws.id}/datasets?kind=accounts&name=big`, csvUpload("accounts", body), {
      MAX_UPLOAD_BYTES: "1000",
    });
    expect(r.status, r.text).toBe(413);
    expectLimit(r, "1000", "upload size");
    // Same with a streamed body of unknown length (no Content-Length to trust).
    const stream = new Blob([body]).stream();
    const r2 = await send(
      `/api/workspaces/${ws.id}/datasets?kind=accounts&name=big`,
      { ...csvUpload("accounts", body), body: stream, duplex: "half" } as RequestInit,
      { MAX_UPLOAD_BYTES: "1000" },
    );
    expect(r2.status, r2.text).toBe(413);
    expect(await storageSnapshot(ws.id)).toEqual(before);
  });

  it("MAX_ROWS: 20 rows over a limit of 10", async () => {
    const before = await storageSnapshot(ws.id);
    const lines = ["account_id,arr,renewed"];
    for (let i = 0; i < 20; i++) lines.push(`R${i},100,1`);
    const r = await send(`/api/workspaces/${ws.id}/datasets?kind=accounts&name=rows`, csvUpload("accounts", lines.join("\n")), {
      MAX_ROWS: "10",
    });
    expectLimit(r, "10", "rows");
    expect(await storageSnapshot(ws.id)).toEqual(before);
  });

  it("MAX_COLUMNS: 8 columns over a limit of 5", async () => {
    const before = await storageSnapshot(ws.id);
    const r = await send(
      `/api/workspaces/${ws.id}/datasets?kind=accounts&name=cols`,
      csvUpload("accounts", "account_id,arr,renewed,c1,c2,c3,c4,c5\nA1,100,1,a,b,c,d,e\n"),
      { MAX_COLUMNS: "5" },
    );
    expectLimit(r, "5", "columns");
    expect(await storageSnapshot(ws.id)).toEqual(before);
  });

  it("MAX_CELL_CHARS: a 30-character cell over a limit of 20 names its row and column", async () => {
    const before = await storageSnapshot(ws.id);
    const r = await send(
      `/api/workspaces/${ws.id}/datasets?kind=accounts&name=cell`,
      csvUpload("accounts", `account_id,arr,renewed,segment\nA1,100,1,SMB\nA2,100,1,${"x".repeat(30)}\n`),
      { MAX_CELL_CHARS: "20" },
    );
    expectLimit(r, "20", "cell length");
    expect(
      r.json.error?.details?.some((d) => d.row === 3 && d.column === "segment"),
      JSON.stringify(r.json.error?.details),
    ).toBe(true);
    expect(await storageSnapshot(ws.id)).toEqual(before);
  });

  it("MAX_JSON_BYTES: a JSON body over the limit gets 413", async () => {
    const big = JSON.stringify({ kind: "logistic", outcome: "renewed", predictors: ["nps"], note: "x".repeat(600) });
    const r = await send(
      `/api/workspaces/${ws.id}/models`,
      { method: "POST", headers: { ...auth(ws.token), "Content-Type": "application/json" }, body: big },
      { MAX_JSON_BYTES: "500" },
    );
    expect(r.status, r.text).toBe(413);
    expectLimit(r, "500", "JSON body");
    const calc = await send(
      "/api/calc/nps",
      {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ scores: Array.from({ length: 400 }, (_, i) => i % 11) }),
      },
      { MAX_JSON_BYTES: "500" },
    );
    expect(calc.status, calc.text).toBe(413);
  });

  it("MAX_PREDICTORS: 3 predictors over a limit of 2", async () => {
    const r = await send(
      `/api/workspaces/${ws.id}/models`,
      {
        method: "POST",
        headers: { ...auth(ws.token), "Content-Type": "application/json" },
        body: JSON.stringify({ kind: "logistic", outcome: "renewed", predictors: ["nps", "csat", "log_arr"] }),
      },
      { MAX_PREDICTORS: "2" },
    );
    expectLimit(r, "2", "predictors");
  });

  it("MAX_DRAWS: 500 draws over a limit of 100", async () => {
    expect(modelId, "a model could be fitted on the good fixtures").toBeDefined();
    const r = await send(
      `/api/workspaces/${ws.id}/scenarios`,
      {
        method: "POST",
        headers: { ...auth(ws.token), "Content-Type": "application/json" },
        body: JSON.stringify({
          name: "d",
          modelId,
          change: { nps: 1 },
          horizonYears: 3,
          annualDiscountRate: 0,
          grossMargin: 0.8,
          investment: 1000,
          save: false,
          draws: 500,
        }),
      },
      { MAX_DRAWS: "100" },
    );
    expectLimit(r, "100", "draws");
  });
});
