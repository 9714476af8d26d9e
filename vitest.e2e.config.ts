import { defineConfig } from "vitest/config";

// Browser tests: a real `wrangler dev` on a free port, driven by headless Chromium (playwright-core).
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts"],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
