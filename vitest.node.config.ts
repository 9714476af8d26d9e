import { defineConfig } from "vitest/config";

// models/ in Node: pure functions, published reference values.
export default defineConfig({
  // A `.wasm` import is a compiled WebAssembly.Module, as wrangler bundles it for the worker (worker/wasm-kernels.ts).
  plugins: [
    {
      name: "wasm-module",
      enforce: "pre",
      load(id: string) {
        const file = id.split("?")[0];
        if (!file.endsWith(".wasm")) return null;
        return `import { readFileSync } from "node:fs"; export default new WebAssembly.Module(readFileSync(${JSON.stringify(file)}));`;
      },
    },
  ],
  test: {
    include: ["test/models/**/*.test.ts", "test/node/**/*.test.ts"],
    testTimeout: 60_000,
  },
});
