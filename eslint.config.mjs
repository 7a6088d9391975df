// npm run lint: ESLint's and typescript-eslint's recommended rules over the whole program, scripts and tests.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "out/", "policies/node_modules/", "**/*.js", "**/*.mjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Policies read whatever properties a provider sends, the plan scripts handle the mocks' untyped argument
    // bags, and tests break fixtures with values the schema's types forbid: `any` is the honest type there.
    files: ["policies/**/*.ts", "scripts/plan/mocks.ts", "scripts/plan/policy.ts", "test/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    rules: {
      // `_name` marks a binding kept for its position or to drop a key from a rest spread.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
    },
  },
);
