// `npm run build:wasm`: compiles models/wasm/kernels.wat with wabt (wat2wasm, SIMD on) into models/wasm/kernels.wasm.
// Both files are committed (the worker imports the .wasm; Workers cannot compile wasm from bytes at run time);
// test/node/wasm-build.test.ts rebuilds it and checks the bytes are identical, so the two cannot drift.
// `--check` only compares and exits 1 on a difference.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import wabtInit from "wabt";

const dir = path.resolve(import.meta.dirname, "../models/wasm");

/** The binary of kernels.wat (no names section, so the bytes depend on the source only). */
export async function buildKernels() {
  const wabt = await wabtInit();
  const mod = wabt.parseWat("kernels.wat", readFileSync(path.join(dir, "kernels.wat"), "utf8"), { simd: true });
  try {
    mod.validate();
    return Buffer.from(mod.toBinary({ log: false, write_debug_names: false }).buffer);
  } finally {
    mod.destroy();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const bytes = await buildKernels();
  const out = path.join(dir, "kernels.wasm");
  if (process.argv.includes("--check")) {
    const same = Buffer.compare(bytes, readFileSync(out)) === 0;
    console.log(same ? "kernels.wasm matches kernels.wat" : "kernels.wasm is stale: run npm run build:wasm");
    process.exit(same ? 0 : 1);
  }
  writeFileSync(out, bytes);
  console.log(`wrote ${path.relative(process.cwd(), out)} (${bytes.length} bytes)`);
}
