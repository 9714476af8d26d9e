// Bundles the static UI (web/src/*.ts → web/dist) with esbuild and copies web/public.
import { build } from "esbuild";
import { cpSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const out = path.join(root, "web/dist");
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
cpSync(path.join(root, "web/public"), out, { recursive: true });

// web/src/<name>.entry.ts → web/dist/<name>.js
const entries = Object.fromEntries(
  readdirSync(path.join(root, "web/src"))
    .filter((f) => f.endsWith(".entry.ts"))
    .map((f) => [f.replace(/\.entry\.ts$/, ""), path.join(root, "web/src", f)]),
);
if (Object.keys(entries).length) {
  await build({
    entryPoints: entries,
    outdir: out,
    entryNames: "[name]",
    bundle: true,
    format: "esm",
    target: "es2022",
    minify: true,
    sourcemap: true,
    logLevel: "warning",
  });
}
console.log(`web: built ${Object.keys(entries).length} bundle(s) into web/dist`);
