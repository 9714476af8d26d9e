// The API contract check of `npm test` (README "Use the API"):
//   1. dumps the live OpenAPI document of the worker app to .wrangler/openapi.json (scripts/openapi-dump.mjs, no server);
//   2. lints it with Redocly CLI's recommended rules: fails on any error or warning;
//   3. regenerates the typed client's types (openapi-typescript) and fails if web/src/api-schema.d.ts is stale.
// `node scripts/openapi-contract.mjs --write` rewrites web/src/api-schema.d.ts instead of failing on a difference.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const doc = ".wrangler/openapi.json";
const schemaFile = "web/src/api-schema.d.ts";
const write = process.argv.includes("--write");
const env = { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true", NO_COLOR: "1" };
const bin = (name) => path.join(root, "node_modules/.bin", name);

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, env, encoding: "utf8" });
  if (r.error) throw r.error;
  return r;
}

let failed = false;
const dump = run(process.execPath, ["scripts/openapi-dump.mjs", doc]);
if (dump.status !== 0) {
  console.error(dump.stdout + dump.stderr);
  process.exit(1);
}

// Redocly exits 0 on warnings: read its JSON totals (problems in .redocly.lint-ignore.yaml count as ignored).
const lint = run(bin("redocly"), ["lint", doc, "--format=json"]);
let report;
try {
  report = JSON.parse(lint.stdout);
} catch {
  console.error(`redocly lint gave no JSON report (exit ${lint.status}):\n${lint.stdout}\n${lint.stderr}`);
  process.exit(1);
}
const { errors, warnings, ignored } = report.totals;
console.log(`redocly lint (recommended rules): ${errors} errors, ${warnings} warnings, ${ignored} ignored by .redocly.lint-ignore.yaml`);
if (errors || warnings) {
  failed = true;
  for (const p of report.problems)
    if (!p.ignored) console.error(`  ${p.severity} ${p.ruleId}: ${p.message} at ${p.location.map((l) => l.pointer).join(", ")}`);
}

// Regenerate the client's types from the document just dumped and compare with the checked-in file.
const dir = mkdtempSync(path.join(tmpdir(), "openapi-types-"));
try {
  const fresh = path.join(dir, "schema.d.ts");
  // Fields with a default are optional in a request (the server fills them in), not required.
  const gen = run(bin("openapi-typescript"), [doc, "-o", fresh, "--default-non-nullable", "false"]);
  if (gen.status !== 0) {
    console.error(gen.stdout + gen.stderr);
    process.exit(1);
  }
  const next = readFileSync(fresh, "utf8");
  let current = "";
  try {
    current = readFileSync(path.join(root, schemaFile), "utf8");
  } catch {
    /* missing: stale */
  }
  if (write) {
    if (next !== current) writeFileSync(path.join(root, schemaFile), next);
    console.log(`openapi-typescript: ${next === current ? "unchanged" : "wrote"} ${schemaFile}`);
  } else if (next !== current) {
    failed = true;
    console.error(`${schemaFile} is stale: the API changed. Run \`npm run api:types\` and commit the result.`);
  } else {
    console.log(`openapi-typescript: ${schemaFile} matches the live document`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
