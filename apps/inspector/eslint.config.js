import { base, node, react, tests } from "@replay-devkit/eslint-config";

export default [
  ...base,
  ...react,
  ...tests,
  // Tests, benchmarks and configs run in Node.
  ...node.map((config) => ({ ...config, files: ["test/**", "bench/**", "*.config.*"] })),
  {
    // Benchmarks pass functions to page.evaluate, which run in the browser.
    files: ["bench/**"],
    languageOptions: {
      globals: {
        window: "readonly",
        document: "readonly",
        requestAnimationFrame: "readonly",
        PointerEvent: "readonly",
      },
    },
  },
];
