// The msw helpers alone: no jsdom, rrweb or node: imports, so a browser bundle can use them with setupWorker.
export { handlersFromRecording, type HandlersOptions, type RecordingHandlers } from "./msw.js";
export {
  RecordedRoutes,
  VOLATILE_PARAMS,
  type MatchStrategy,
  type NetworkSource,
  type RouteOptions,
  type RecordedResponse,
} from "./match.js";
