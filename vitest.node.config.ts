import { defineConfig } from "vitest/config";

// models/ in Node: pure functions, published reference values.
export default defineConfig({
  test: {
    include: ["test/models/**/*.test.ts", "test/node/**/*.test.ts"],
    testTimeout: 60_000,
  },
});
