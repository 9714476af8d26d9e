import { createRoute, z } from "@hono/zod-openapi";
import { newRouter } from "../app";
import { requireRole } from "../auth";
import { scenarioReport } from "../linking/report";
import { REPORT_CSS } from "../render/report-html";
import { errorResponses as errors, WsParam } from "./schemas";

/** GET .../report?scenario=:id: the printable one-page business case of a saved scenario. */
const report = newRouter();

report.openapi(
  createRoute({
    method: "get",
    path: "/api/workspaces/{ws}/report",
    operationId: "getScenarioReport",
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
  async (c) => c.html(await scenarioReport(c.env, c.var.workspaceId, c.req.valid("query").scenario), 200),
);

report.openapi(
  createRoute({
    method: "get",
    path: "/api/report.css",
    operationId: "getReportStyles",
    tags: ["scenarios"],
    security: [],
    summary: "The business case's style sheet (the report embeds it; the UI's print page links it)",
    responses: { 200: { description: "CSS", content: { "text/css": { schema: z.string() } } } },
  }),
  (c) => c.body(REPORT_CSS, 200, { "content-type": "text/css; charset=utf-8", "cache-control": "public, max-age=300" }),
);

export default report;
