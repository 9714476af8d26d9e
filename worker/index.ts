import { swaggerUI } from "@hono/swagger-ui";
import { newRouter, onError } from "./app";
import { errorBody } from "./errors";
import health from "./routes/health";
import workspaces from "./routes/workspaces";
import datasets from "./routes/datasets";
import uploads from "./routes/uploads";
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
import { jsonBodyLimit } from "./body-limit";
import { finiteJson } from "./finite";
import { securityHeaders, serveAssets } from "./security";
import { serverTiming } from "./server-timing";

/** The worker: one sub-app per resource, mounted here; statistics live in models/. */
const app = newRouter();

// First: security headers (CSP, nosniff, no framing, CORS only if configured) on every response.
app.use("*", securityHeaders());
// Server-Timing: handler;dur=<ms> on API responses (the in-worker time, for the scale bench).
app.use("/api/*", serverTiming());
// No NaN / Infinity in any JSON body: checked before serialisation (422 non_finite_result).
app.use("*", finiteJson());
// MAX_JSON_BYTES on every non-upload request body (413 too_large).
app.use("*", jsonBodyLimit());

app.route("/", health);
app.route("/", workspaces);
app.route("/", datasets);
app.route("/", uploads);
app.route("/", metrics);
app.route("/", models);
app.route("/", scenarios);
app.route("/", report);
app.route("/", exportsRouter);
app.route("/", drivers);
app.route("/", segments);
app.route("/", clv);
app.route("/", calc);

app.doc31("/api/openapi.json", {
  openapi: "3.1.0",
  info: {
    title: "CX-to-revenue workspace API",
    version: "0.1.0",
    description: "Upload CX and revenue data, fit models linking satisfaction to renewals, run ROI scenarios.",
  },
});
app.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer" });
app.get("/api/docs", swaggerUI({ url: "/api/openapi.json" }));

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
