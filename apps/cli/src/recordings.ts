import type { RecordingFilter, RecordingSummary } from "@replay-devkit/store";
import type { CommandContext } from "./command.js";
import { notFound, withDataStore } from "./shared.js";

/** The `list` query, shared with the MCP server: a missing database is an empty list, not an error. */
export async function queryRecordings(
  ctx: CommandContext,
  data: string | undefined,
  filter: RecordingFilter,
): Promise<{ recordings: RecordingSummary[]; total: number }> {
  return (
    (await withDataStore(ctx, data, "read", (store) => store.listRecordings(filter))) ?? {
      recordings: [],
      total: 0,
    }
  );
}

/** One recording's metadata, or NOT_FOUND naming the id; shared with the MCP server. */
export async function getSummary(
  ctx: CommandContext,
  data: string | undefined,
  id: string,
): Promise<RecordingSummary> {
  const summary = await withDataStore(ctx, data, "read", (store) => store.getRecording(id));
  if (!summary) throw notFound(id);
  return summary;
}
