// npm run lint: ESLint's and typescript-eslint's recommended rules over the whole program, scripts and tests.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "out/", "policies/node_modules/", "**/*.js", "**/*.mjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Policies read whatever properties a provider sends, the plan scripts handle the mocks' untyped argument
    // bags, the chart inventory reads objects of any shape that upstream charts render, and tests break
    // fixtures with values the schema's types forbid: `any` is the honest type there.
    files: ["policies/**/*.ts", "scripts/plan/mocks.ts", "scripts/plan/policy.ts", "scripts/plan/upstream.ts", "scripts/inventory/*.ts", "test/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    // Program code states what it knows: no `x!` (narrow, or throw with a reason), and parameters of named
    // functions say what they are (one-letter names only in small inline lambdas).
    files: ["**/*.ts"],
    ignores: ["test/**"],
    rules: {
      "@typescript-eslint/no-non-null-assertion": "error",
      "no-restricted-syntax": [
        "error",
        ...[
          "FunctionDeclaration > Identifier.params",
          "MethodDefinition > FunctionExpression > Identifier.params",
          "Program > VariableDeclaration > VariableDeclarator > ArrowFunctionExpression > Identifier.params",
          "Program > ExportNamedDeclaration > VariableDeclaration > VariableDeclarator > ArrowFunctionExpression > Identifier.params",
        ].map((params) => ({ selector: `${params}[name=/^.$/]`, message: "Name this parameter for what it holds; one letter is for small inline lambdas." })),
      ],
    },
  },
  {
    rules: {
      // `_name` marks a binding kept for its position or to drop a key from a rest spread.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
    },
  },
);
