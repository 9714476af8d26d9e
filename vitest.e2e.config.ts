import { defineConfig } from "vitest/config";

// Browser tests: one real `wrangler dev` on a free port (test/e2e/global-setup.ts), driven by headless Chromium (playwright-core).
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts"],
    globalSetup: ["test/e2e/global-setup.ts"],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
