import type { RecordingFilter, RecordingSummary } from "@replay-devkit/store";
import type { CommandContext } from "./command.js";
import { toCliError } from "./errors.js";
import { notFound, openDataStore } from "./shared.js";

/** The `list` query, shared with the MCP server: a missing database is an empty list, not an error. */
export async function queryRecordings(
  ctx: CommandContext,
  data: string | undefined,
  filter: RecordingFilter,
): Promise<{ recordings: RecordingSummary[]; total: number }> {
  const store = await openDataStore(ctx, data, "read");
  if (!store) return { recordings: [], total: 0 };
  try {
    return store.listRecordings(filter);
  } catch (error) {
    throw toCliError(error);
  } finally {
    store.close();
  }
}

/** One recording's metadata, or NOT_FOUND naming the id; shared with the MCP server. */
export async function getSummary(
  ctx: CommandContext,
  data: string | undefined,
  id: string,
): Promise<RecordingSummary> {
  const store = await openDataStore(ctx, data, "read");
  if (!store) throw notFound(id);
  let summary: RecordingSummary | null;
  try {
    summary = store.getRecording(id);
  } catch (error) {
    throw toCliError(error);
  } finally {
    store.close();
  }
  if (!summary) throw notFound(id);
  return summary;
}
