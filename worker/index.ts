import { newRouter, onError } from "./app";
import { errorBody } from "./errors";
import health from "./routes/health";
import workspaces from "./routes/workspaces";
import datasets from "./routes/datasets";
import uploads from "./routes/uploads";
import mappings from "./routes/mappings";
import renewals from "./routes/renewals";
import demo from "./routes/demo";
import exportTables from "./routes/export-tables";
import { handleQueue } from "./jobs/parse-job";
import { sweepUploads } from "./jobs/upload-sweep";
import type { Env } from "./env";
import metrics from "./routes/metrics";
import models from "./routes/models";
import scenarios from "./routes/scenarios";
import report from "./routes/report";
import exportsRouter from "./routes/export";
import drivers from "./routes/drivers";
import segments from "./routes/segments";
import clv from "./routes/clv";
import calc from "./routes/calc";
import backtests from "./routes/backtests";
import { jsonBodyLimit } from "./body-limit";
import { drainUnreadBody } from "./drain";
import { finiteJson } from "./finite";
import { securityHeaders, serveAssets } from "./security";
import { serverTiming } from "./server-timing";
import { registerKernels } from "./wasm-kernels";

// The SIMD kernels of the OLS and logit passes, once per isolate (models/wasm/kernels.ts).
registerKernels();

/** The worker: one sub-app per resource, mounted here; statistics live in models/. */
const app = newRouter();

// Outermost: a request body the route left unread (an upload refused early) is read to its end before the answer
// goes out, so the connection stays usable for the next request.
app.use("*", drainUnreadBody());
// First: security headers (CSP, nosniff, no framing, CORS only if configured) on every response.
app.use("*", securityHeaders());
// Server-Timing: handler;dur=<ms> on API responses (the in-worker time, for the scale bench).
app.use("/api/*", serverTiming());
// No NaN / Infinity in any JSON body: checked before serialisation (422 non_finite_result).
app.use("*", finiteJson());
// MAX_JSON_BYTES on every non-upload request body (413 too_large).
app.use("*", jsonBodyLimit());

app.route("/", health);
app.route("/", demo);
app.route("/", workspaces);
app.route("/", datasets);
app.route("/", uploads);
app.route("/", mappings);
app.route("/", metrics);
app.route("/", models);
app.route("/", scenarios);
app.route("/", report);
app.route("/", exportsRouter);
app.route("/", exportTables);
app.route("/", renewals);
app.route("/", drivers);
app.route("/", segments);
app.route("/", clv);
app.route("/", calc);
app.route("/", backtests);

app.doc31("/api/openapi.json", {
  openapi: "3.1.0",
  info: {
    title: "CX-to-revenue workspace API",
    version: "0.1.0",
    description:
      "Upload CX and revenue data, fit models linking satisfaction to renewals, run ROI scenarios. Workspace routes take the " +
      "workspace's bearer token (answered once by createWorkspace; more with createToken); health, the calculators, " +
      "workspace creation and these docs are public.",
    // OpenAPI 3.1's SPDX `identifier` (the generator's types know 3.0's `url` only).
    license: { name: "Proprietary (all rights reserved)", identifier: "LicenseRef-Proprietary" } as { name: string },
  },
  // "/" first: the server that serves this document (so /api/docs' "Try it out" calls the same one).
  servers: [
    { url: "/", description: "This server (the one that served this document)" },
    { url: "http://127.0.0.1:8787", description: "Local: `npm start` (wrangler dev on port 8787)" },
    {
      url: "https://{worker}.{account}.workers.dev",
      description: "Deployed (placeholder: your worker's name and workers.dev subdomain, or a custom domain)",
      variables: { worker: { default: "cx-revenue-workspace" }, account: { default: "your-account" } },
    },
  ],
});
app.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer" });
// Swagger UI from the pinned swagger-ui-dist package, served from this origin (scripts/build-web.mjs copies it to
// /swagger/): no third-party script on the origin that holds the tokens, and no inline script.
app.get("/api/docs", (c) =>
  c.html(
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>CX-to-revenue API</title>' +
      '<link rel="stylesheet" href="/swagger/swagger-ui.css"></head><body><div id="swagger-ui"></div>' +
      '<script src="/swagger/swagger-ui-bundle.js"></script><script src="/swagger-init.js"></script></body></html>',
  ),
);
// The document and its UI are public operations of the contract too (served above, listed here).
app.openAPIRegistry.registerPath({
  method: "get",
  path: "/api/openapi.json",
  operationId: "getOpenApiDocument",
  tags: ["meta"],
  summary: "This OpenAPI 3.1 document",
  security: [],
  responses: { 200: { description: "The document", content: { "application/json": { schema: { type: "object" } } } } },
});
app.openAPIRegistry.registerPath({
  method: "get",
  path: "/api/docs",
  operationId: "getApiDocs",
  tags: ["meta"],
  summary: "Interactive API documentation (Swagger UI) of this document",
  security: [],
  responses: { 200: { description: "An HTML page", content: { "text/html": { schema: { type: "string" } } } } },
});

app.notFound(
  async (c) => (await serveAssets(c)) ?? c.json(errorBody("not_found", `No route ${c.req.method} ${new URL(c.req.url).pathname}.`), 404),
);
app.onError(onError);

// The Queue consumer of chunked uploads' parse jobs sits beside fetch on the default export, and the
// hourly sweep of abandoned uploads (wrangler.toml [triggers] crons) beside both.
export default Object.assign(app, {
  queue: handleQueue,
  scheduled: (controller: ScheduledController, env: Env, ctx: ExecutionContext) => {
    ctx.waitUntil(sweepUploads(env, new Date(controller.scheduledTime)));
  },
});
