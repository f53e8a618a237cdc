export * from "./bench.js";
export * from "./capture.js";
export * from "./chromium.js";
export * from "./errors.js";
export * from "./paths.js";
export * from "./temp.js";
export * from "./large-export.js";
