export {
  renderVideo,
  videoWindow,
  type VideoAsset,
  type VideoFormat,
  type VideoOptions,
  type VideoResult,
} from "./render.js";
export { planFrames, Pointers, viewportAt, IDLE_GAP_MS, IDLE_KEEP_MS, type FramePlan } from "./plan.js";
export { VideoError, isVideoError, type VideoErrorCode } from "./errors.js";
export { LIB_FILES, findLibDir } from "./page.js";
