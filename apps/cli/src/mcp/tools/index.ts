// Every MCP tool, one file each; the server registers them in this order.
import type { McpTool } from "../tool.js";
import { exportRecording } from "./export-recording.js";
import { getRecording } from "./get-recording.js";
import { getTimeline } from "./get-timeline.js";
import { listRecordings } from "./list-recordings.js";
import { profileRecordingTool } from "./profile-recording.js";
import { scanRecordingTool } from "./scan-recording.js";
import { writeFixture } from "./write-fixture.js";

export const TOOLS: readonly McpTool[] = [
  listRecordings,
  getRecording,
  getTimeline,
  scanRecordingTool,
  profileRecordingTool,
  writeFixture,
  exportRecording,
];
