import { base, node, tests } from "@replay-devkit/eslint-config";

export default [
  ...base,
  ...node,
  ...tests,
  // The shop's own code runs in the browser.
  { files: ["app/**/*.js"], languageOptions: { globals: { window: "readonly", document: "readonly" } } },
];
