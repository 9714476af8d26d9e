// Bundles the static UI (web/src/<name>.entry.ts → web/dist/<name>.js) with esbuild and copies web/public.
// Files are written in place and stale ones removed afterwards, never the whole folder first, so a running
// `wrangler dev` serving web/dist never sees it empty (it would answer the SPA fallback for /app.js meanwhile).
import { build } from "esbuild";
import { cpSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const out = path.join(root, "web/dist");
mkdirSync(out, { recursive: true });
const before = new Set(readdirSync(out));

const entries = Object.fromEntries(
  readdirSync(path.join(root, "web/src"))
    .filter((f) => f.endsWith(".entry.ts"))
    .map((f) => [f.replace(/\.entry\.ts$/, ""), path.join(root, "web/src", f)]),
);
const written = new Set(readdirSync(path.join(root, "web/public")));
cpSync(path.join(root, "web/public"), out, { recursive: true });
if (Object.keys(entries).length) {
  const result = await build({
    entryPoints: entries,
    outdir: out,
    entryNames: "[name]",
    bundle: true,
    format: "esm",
    target: "es2022",
    minify: true,
    sourcemap: true,
    metafile: true,
    logLevel: "warning",
  });
  for (const f of Object.keys(result.metafile.outputs)) written.add(path.basename(f));
}
// Swagger UI for /api/docs, pinned by package.json (swagger-ui-dist), served from this origin: no third-party
// script on the origin that holds the tokens. Its initializer is web/public/swagger-init.js, not an inline script.
const swagger = path.join(out, "swagger");
mkdirSync(swagger, { recursive: true });
for (const f of ["swagger-ui-bundle.js", "swagger-ui.css"])
  cpSync(path.join(root, "node_modules/swagger-ui-dist", f), path.join(swagger, f));
written.add("swagger");
for (const f of before) if (!written.has(f)) rmSync(path.join(out, f), { recursive: true, force: true });
console.log(`web: built ${Object.keys(entries).length} bundle(s) into web/dist`);
