// Flat ESLint configs composed per package: `base` everywhere, `node` for server-side
// packages, `react` for the inspector. One linter for the whole repo; Prettier formats.
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export const ignores = {
  ignores: [
    "**/dist/**",
    "**/out/**",
    "**/.next/**",
    "**/.cache/**",
    "**/node_modules/**",
    "**/*.d.ts",
    "**/next-env.d.ts",
  ],
};

export const base = tseslint.config(ignores, js.configs.recommended, ...tseslint.configs.recommended, {
  files: ["**/*.ts", "**/*.tsx", "**/*.mts"],
  rules: {
    "@typescript-eslint/consistent-type-imports": [
      "error",
      { prefer: "type-imports", fixStyle: "separate-type-imports" },
    ],
    "@typescript-eslint/no-explicit-any": "error",
    "@typescript-eslint/no-non-null-assertion": "error",
    "@typescript-eslint/no-unused-vars": [
      "error",
      { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" },
    ],
    eqeqeq: ["error", "smart"],
    "no-console": "off",
  },
});

export const node = [
  {
    languageOptions: { globals: { ...globals.node } },
  },
];

export const react = [
  {
    files: ["**/*.tsx", "**/*.ts"],
    plugins: { "react-hooks": reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "warn",
    },
  },
];

// Test files may use non-null assertions on values they just asserted to exist.
export const tests = [
  {
    files: ["**/*.test.ts", "**/*.test.tsx", "**/test/**/*.ts", "**/bench/**/*.ts"],
    rules: { "@typescript-eslint/no-non-null-assertion": "off" },
  },
];
