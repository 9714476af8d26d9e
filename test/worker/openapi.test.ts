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

describe("/api/openapi.json as a contract for outside clients", () => {
  it("names every operation and says who may call it: [] for the public ones, the bearer token for the rest", async () => {
    type Op = { operationId?: string; security?: Record<string, string[]>[] };
    const doc = await (await call("/api/openapi.json")).json<{ paths: Record<string, Record<string, Op>>; servers?: { url: string }[] }>();
    const ops = Object.entries(doc.paths).flatMap(([p, item]) => Object.entries(item).map(([m, op]) => ({ key: `${m} ${p}`, p, op })));
    const ids = ops.map((o) => o.op.operationId);
    expect(ids.filter((id) => !id)).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    // The public operations (no token): health, the calculators, workspace creation, the document and its docs page.
    const isPublic = (key: string, p: string) =>
      ["get /api/health", "get /api/openapi.json", "get /api/docs", "get /api/report.css"].includes(key) || p.startsWith("/api/calc/");
    // Workspace creation is public too, or takes the deployment's ADMIN_TOKEN when it sets one: optional bearer.
    const optional = (key: string) => key === "post /api/workspaces";
    for (const { key, p, op } of ops)
      expect(op.security, key).toEqual(optional(key) ? [{}, { bearer: [] }] : isPublic(key, p) ? [] : [{ bearer: [] }]);
    // Names an SDK user reads (the examples).
    const byKey = Object.fromEntries(ops.map((o) => [o.key, o.op.operationId]));
    expect(byKey["post /api/workspaces/{ws}/scenarios"]).toBe("createScenario");
    expect(byKey["post /api/workspaces/{ws}/models"]).toBe("fitModel");
    expect(byKey["post /api/workspaces/{ws}/datasets"]).toBe("uploadDataset");
    expect(byKey["post /api/calc/renewal-uplift"]).toBe("calcRenewalUplift");
    expect(doc.servers?.map((s) => s.url)).toEqual(["/", "http://127.0.0.1:8787", "https://{worker}.{account}.workers.dev"]);
  });
});
