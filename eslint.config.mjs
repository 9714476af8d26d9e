// Lint: ESLint's and typescript-eslint's recommended rules over the TypeScript and scripts of the repo.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", ".wrangler/", "web/dist/", "test/fixtures/", "bench/out/", "web/src/api-schema.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none", destructuredArrayIgnorePattern: "^_" },
      ],
      "@typescript-eslint/no-explicit-any": "warn",
      "@typescript-eslint/no-unused-expressions": ["error", { allowShortCircuit: true, allowTernary: true }],
      "no-empty": ["error", { allowEmptyCatch: true }],
    },
  },
  // The web UI's API types come from the generated contract (web/src/api-types.ts): no `any` there.
  { files: ["web/**/*.ts"], rules: { "@typescript-eslint/no-explicit-any": "error" } },
  // TypeScript checks names itself (typescript-eslint's advice); scripts run in Node, or in the page for page.evaluate.
  { files: ["**/*.ts"], rules: { "no-undef": "off" } },
  {
    files: ["**/*.mjs"],
    languageOptions: {
      globals: Object.fromEntries(
        [
          "console",
          "process",
          "URL",
          "setTimeout",
          "clearTimeout",
          "setInterval",
          "clearInterval",
          "setImmediate",
          "Buffer",
          "TextEncoder",
          "TextDecoder",
          "fetch",
          "performance",
          "ReadableStream",
          "AbortController",
          "Response",
          "Request",
          "Headers",
          "FormData",
          "Blob",
          "structuredClone",
          "window",
          "document",
          "Event",
          "crypto",
          "WebAssembly",
        ].map((g) => [g, "readonly"]),
      ),
    },
  },
  // Published reference values are written with every digit the source prints, beyond a double's precision.
  { files: ["test/**/*.ts"], rules: { "no-loss-of-precision": "off" } },
);
