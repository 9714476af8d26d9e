import { env } from "cloudflare:workers";
import app from "../../worker/index";
import { describe, expect, it } from "vitest";
import { call, createWorkspace, tokenFor, type ErrorJson } from "./helpers";

describe("workspaces and tokens", () => {
  it("creates a workspace with a 256-bit owner token stored only as its SHA-256", async () => {
    const ws = await createWorkspace("Acme");
    expect(ws.token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 bytes base64url
    const rows = await env.DB.prepare("SELECT hash, role FROM tokens WHERE workspace_id = ?")
      .bind(ws.id)
      .all<{ hash: string; role: string }>();
    expect(rows.results).toHaveLength(1);
    expect(rows.results[0].role).toBe("owner");
    // Independent hash of the token with WebCrypto: the stored value is its hex SHA-256, never the token.
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(ws.token)));
    expect(rows.results[0].hash).toBe([...digest].map((b) => b.toString(16).padStart(2, "0")).join(""));
    const got = await call(`/api/workspaces/${ws.id}`, { token: ws.token });
    expect(got.status).toBe(200);
    expect(await got.json()).toMatchObject({ id: ws.id, name: "Acme", datasets: [], join: { accounts: 0, responses: 0 } });
  });

  it("answers 401 without or with a bad token, 404 for another workspace's token, 403 for a low role", async () => {
    const a = await createWorkspace("A");
    const b = await createWorkspace("B");
    expect((await call(`/api/workspaces/${a.id}`)).status).toBe(401);
    const bad = await call(`/api/workspaces/${a.id}`, { token: "x".repeat(43) });
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as ErrorJson).error.code).toBe("unauthorized");
    const other = await call(`/api/workspaces/${a.id}`, { token: b.token });
    expect(other.status).toBe(404);
    // Same answer for a workspace that does not exist: existence is never revealed.
    expect((await call(`/api/workspaces/w_doesnotexist`, { token: b.token })).status).toBe(404);
    const viewer = await tokenFor(a, "viewer");
    expect((await call(`/api/workspaces/${a.id}`, { token: viewer })).status).toBe(200);
    const issue = await call(`/api/workspaces/${a.id}/tokens`, {
      method: "POST",
      token: viewer,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ role: "editor" }),
    });
    expect(issue.status).toBe(403);
    expect(((await issue.json()) as ErrorJson).error.code).toBe("forbidden");
  });

  it("rejects a bad body with 400 and names the field", async () => {
    const res = await call("/api/workspaces", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorJson).error.details[0].column).toBe("name");
  });

  it("requires ADMIN_TOKEN as the bearer to create a workspace when the secret is set", async () => {
    const withAdmin = { ...env, ADMIN_TOKEN: "s3cret-admin-token" };
    const post = (token?: string) =>
      app.fetch(
        new Request("http://x/api/workspaces", {
          method: "POST",
          headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify({ name: "Gated" }),
        }),
        withAdmin,
      );
    expect((await post()).status).toBe(401);
    expect((await post("wrong")).status).toBe(401);
    expect((await post("s3cret-admin-token")).status).toBe(201);
  });
});
