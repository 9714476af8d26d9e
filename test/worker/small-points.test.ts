import { describe, expect, it } from "vitest";
import { csvCell } from "../../worker/render/csv";
import { call, createWorkspace, type ErrorJson, upload } from "./helpers";

describe("smaller hardening points", () => {
  it("a multipart body with two `file` fields is 400 multiple_files, not the first one silently", async () => {
    const ws = await createWorkspace("two-files");
    const form = new FormData();
    form.append("file", new Blob(["account_id,arr,renewed\nA1,100,1\n"], { type: "text/csv" }), "a.csv");
    form.append("file", new Blob(["account_id,arr,renewed\nB1,200,0\n"], { type: "text/csv" }), "b.csv");
    const res = await call(`/api/workspaces/${ws.id}/datasets?kind=accounts`, { method: "POST", token: ws.token, body: form });
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorJson).error.code).toBe("multiple_files");
  });

  it("a closed quoted field of 20 MB is cell_too_long at its row and column; an unclosed one is still the parser's error", async () => {
    const ws = await createWorkspace("long-quoted");
    const big = "x".repeat(20 << 20);
    const closed = await upload(ws, "kind=accounts", `account_id,arr,renewed,segment\nA1,100,1,SMB\nA2,200,0,"${big}"\nA3,300,1,SMB\n`);
    expect(closed.status).toBe(422);
    const err = (await closed.json()) as ErrorJson;
    expect(err.error.code).toBe("cell_too_long");
    expect(err.error.details[0]).toMatchObject({ row: 3, column: "segment" });
    const open = await upload(ws, "kind=accounts", `account_id,arr,renewed,segment\nA1,100,1,SMB\nA2,200,0,"${big}\nA3,300,1,SMB\n`);
    expect(open.status).toBe(422);
    expect(((await open.json()) as ErrorJson).error.code).not.toBe("cell_too_long");
  });

  it("CSV exports neutralise full-width ＝ ＋ － ＠ as they do = + - @ (OWASP CSV injection)", () => {
    for (const s of ["＝1+1", "＋cmd", "－2", "＠SUM(A1)", "=1+1", "@x"]) expect(csvCell(s)).toBe(`'${s}`);
    expect(csvCell("Acme ＝ Co")).toBe("Acme ＝ Co");
  });

  it("answers to requests with a token carry Cache-Control: no-store; public ones do not need to", async () => {
    const ws = await createWorkspace("no-store");
    const authed = await call(`/api/workspaces/${ws.id}`, { token: ws.token });
    expect(authed.status).toBe(200);
    expect(authed.headers.get("cache-control")).toBe("no-store");
    const bad = await call(`/api/workspaces/${ws.id}`, { token: "wrong" });
    expect(bad.headers.get("cache-control")).toBe("no-store");
  });

  it("/api/docs loads Swagger UI from this origin only (the pinned swagger-ui-dist), no third-party script", async () => {
    const res = await call("/api/docs");
    expect(res.status).toBe(200);
    const html = await res.text();
    const srcs = [...html.matchAll(/<(?:script|link)[^>]+(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(srcs).toEqual(["/swagger/swagger-ui.css", "/swagger/swagger-ui-bundle.js", "/swagger-init.js"]);
    const csp = res.headers.get("content-security-policy")!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/https?:/);
  });
});
