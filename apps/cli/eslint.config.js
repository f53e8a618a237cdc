import { base, node, tests } from "@replay-devkit/eslint-config";

export default [
  ...base,
  ...node,
  ...tests,
  { ignores: ["inspector/**", "video-lib/**", "bench/results/**"] },
];
