// Lint: typescript-eslint's strict type-checked rules over all TypeScript, with Prettier owning layout
// (`npm run lint` runs both; CI fails on any finding). A rule switched off or narrowed says why.
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", ".local/", "node_modules/", "test/client/api.d.ts", "dev/worker/**/*.mjs", "test/support/*.mjs"] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      // A number prints one way; interpolating it hides nothing (objects, undefined and null stay errors).
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
      // `() => void work()` style one-liners in callbacks read fine; statements that return void stay errors.
      "@typescript-eslint/no-confusing-void-expression": ["error", { ignoreArrowShorthand: true }],
      // `const { field: _, ...rest } = doc` is how a field is left out of a copy; a leading underscore marks "unused on purpose".
      "@typescript-eslint/no-unused-vars": ["error", { varsIgnorePattern: "^_", argsIgnorePattern: "^_", ignoreRestSiblings: true }],
    },
  },
  { files: ["**/*.js", "**/*.mjs", "**/*.cjs"], ...tseslint.configs.disableTypeChecked },
  {
    files: ["**/*.cjs"],
    languageOptions: { sourceType: "commonjs", globals: { process: "readonly", module: "writable", require: "readonly" } },
  },
  {
    files: ["test/**/*.ts"],
    rules: {
      // In a test a wrong `!` fails the test at once with a TypeError, as an explicit check would; production code gets no such pass.
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
  prettier,
);
