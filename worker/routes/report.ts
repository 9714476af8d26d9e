import { createRoute, z } from "@hono/zod-openapi";
import { newRouter } from "../app";
import { requireRole } from "../auth";
import { notFound } from "../errors";
import { renderReport, REPORT_CSS } from "../linking/report-html";
import { WsParam } from "../linking/schemas";
import { getModel, getScenario } from "../linking/store";
import { errorResponses as errors } from "./schemas";

/** GET .../report?scenario=:id: the printable one-page business case of a saved scenario. */
const report = newRouter();

report.openapi(
  createRoute({
    method: "get",
    path: "/api/workspaces/{ws}/report",
    tags: ["scenarios"],
    summary: "Printable one-page business case (HTML with print CSS) of a saved scenario",
    security: [{ bearer: [] }],
    middleware: [requireRole("viewer")] as const,
    request: { params: WsParam, query: z.object({ scenario: z.string().min(1).max(100) }) },
    responses: {
      200: { description: "HTML page", content: { "text/html": { schema: z.string() } } },
      ...errors(400, 401, 403, 404),
    },
  }),
  async (c) => {
    const ws = c.var.workspaceId;
    const s = await getScenario(c.env, ws, c.req.valid("query").scenario);
    if (!s) throw notFound("scenario");
    const m = await getModel(c.env, ws, s.modelId);
    if (!m) throw notFound("model");
    const row = await c.env.DB.prepare("SELECT name FROM workspaces WHERE id = ?").bind(ws).first<{ name: string }>();
    const html = renderReport(row?.name ?? ws, s, m, new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC");
    return c.html(html, 200);
  },
);

report.openapi(
  createRoute({
    method: "get",
    path: "/api/report.css",
    tags: ["scenarios"],
    summary: "The business case's style sheet (the report embeds it; the UI's print page links it)",
    responses: { 200: { description: "CSS", content: { "text/css": { schema: z.string() } } } },
  }),
  (c) => c.body(REPORT_CSS, 200, { "content-type": "text/css; charset=utf-8", "cache-control": "public, max-age=300" }),
);

export default report;
