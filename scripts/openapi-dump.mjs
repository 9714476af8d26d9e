// Writes the live OpenAPI document (GET /api/openapi.json of the worker app) to a file, without a server:
// the worker is bundled for Node with esbuild and asked in-process (the document needs no bindings).
// Usage: node scripts/openapi-dump.mjs [out.json]   (default: .wrangler/openapi.json)
import { build } from "esbuild";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

const root = path.resolve(import.meta.dirname, "..");
const out = path.resolve(process.argv[2] ?? path.join(root, ".wrangler/openapi.json"));

const dir = mkdtempSync(path.join(tmpdir(), "openapi-dump-"));
try {
  const bundle = path.join(dir, "worker.mjs");
  await build({
    entryPoints: [path.join(root, "worker/index.ts")],
    outfile: bundle,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    logLevel: "warning",
    // The worker imports models/wasm/kernels.wasm as a compiled module (wrangler's rule); in Node it is compiled here.
    plugins: [
      {
        name: "wasm-module",
        setup(b) {
          b.onLoad({ filter: /\.wasm$/ }, (args) => ({
            contents: `import { readFileSync } from "node:fs"; export default new WebAssembly.Module(readFileSync(${JSON.stringify(args.path)}));`,
            loader: "js",
          }));
        },
      },
    ],
  });
  const { default: app } = await import(pathToFileURL(bundle).href);
  const res = await app.request("/api/openapi.json");
  if (res.status !== 200) throw new Error(`GET /api/openapi.json answered ${res.status}`);
  const doc = await res.json();
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(doc, null, 2) + "\n");
  console.log(`openapi: wrote ${path.relative(process.cwd(), out)} (${Object.keys(doc.paths).length} paths)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
