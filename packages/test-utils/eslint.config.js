import { base, node } from "@replay-devkit/eslint-config";

export default [...base, ...node];
