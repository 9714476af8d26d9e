import { describe, expect, it } from "vitest";
import app from "../../worker/index";
import { call } from "./helpers";

describe("/api/openapi.json lists every route", () => {
  it("has an operation for every /api route the app registers (except the document and its UI)", async () => {
    const doc = await (
      await call("/api/openapi.json")
    ).json<{
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
      components?: { securitySchemes?: Record<string, unknown> };
    }>();
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.components?.securitySchemes?.bearer).toBeTruthy();
    const routes = app.routes
      .filter((r) => r.method !== "ALL" && r.path.startsWith("/api/") && !["/api/openapi.json", "/api/docs"].includes(r.path))
      .map((r) => ({ method: r.method.toLowerCase(), path: r.path.replace(/:(\w+)/g, "{$1}") }));
    expect(routes.length).toBeGreaterThan(15); // the filter keeps the real routes
    const missing = routes.filter((r) => !doc.paths[r.path]?.[r.method]).map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect(missing).toEqual([]);
    // The core routes by name (docs/api.md).
    for (const [m, p] of [
      ["get", "/api/health"],
      ["post", "/api/workspaces"],
      ["post", "/api/workspaces/{ws}/tokens"],
      ["get", "/api/workspaces/{ws}"],
      ["post", "/api/workspaces/{ws}/datasets"],
      ["get", "/api/workspaces/{ws}/datasets"],
      ["get", "/api/workspaces/{ws}/datasets/{id}"],
      ["delete", "/api/workspaces/{ws}/datasets/{id}"],
      ["get", "/api/workspaces/{ws}/metrics"],
    ])
      expect(doc.paths[p]?.[m], `${m} ${p}`).toBeTruthy();
    // Upload parameters documented, including the CSAT scale and dryRun.
    const upload = doc.paths["/api/workspaces/{ws}/datasets"].post as { parameters: { name: string }[] };
    expect(upload.parameters.map((x) => x.name)).toEqual(expect.arrayContaining(["kind", "mapping", "sheet", "csatScale", "dryRun"]));
  });
});
