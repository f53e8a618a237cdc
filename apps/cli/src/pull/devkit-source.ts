import type { RecordingListResponse } from "@replay-devkit/api";
import type { CommandContext } from "../command.js";
import { probeUrl } from "../probe.js";
import { DevkitClient } from "../transfer/client.js";
import { fetchFromDevkit, storePulled } from "../transfer/devkit.js";
import type { PullSource, PullTarget } from "./source.js";

function clientFor(target: PullTarget, ctx: CommandContext): DevkitClient {
  return new DevkitClient({ url: target.from ?? "", token: ctx.env.REPLAY_DEVKIT_TOKEN || null });
}

/**
 * Another replay-devkit (a team server or a colleague's `dev`), recognised by `GET <--from>/health`
 * answering name "replay-devkit". Its token comes from REPLAY_DEVKIT_TOKEN; the recording travels
 * raw as a bundle, and only what the local store lacks is stored.
 */
export const devkitSource: PullSource = {
  name: "devkit",
  async recognise(target) {
    if (target.from === undefined || target.project !== undefined) return false;
    return (await probeUrl(target.from)).kind === "replay-devkit";
  },
  async pull(target, ctx) {
    const { recording, source } = await fetchFromDevkit(clientFor(target, ctx), target.what ?? "");
    return { recording, notes: [], storeAs: source };
  },
  save(store, pulled) {
    return storePulled(store, pulled.recording, pulled.storeAs ?? "devkit-pull");
  },
  async list(target, ctx, _settings, filter) {
    const query = new URLSearchParams({ limit: String(filter.limit) });
    if (filter.since !== undefined) query.set("from", filter.since);
    if (filter.until !== undefined) query.set("to", filter.until);
    if (filter.distinctId !== undefined) query.set("distinctId", filter.distinctId);
    if (filter.url !== undefined) query.set("url", filter.url);
    if (filter.minDurationSeconds !== undefined)
      query.set("minDurationMs", String(filter.minDurationSeconds * 1000));
    if (filter.hasErrors) query.set("hasErrors", "true");
    const { body } = await clientFor(target, ctx).getJson<RecordingListResponse>(`/api/recordings?${query}`);
    return (body?.recordings ?? []).map((r) => ({
      id: r.id,
      startTime: r.startTime,
      durationSeconds: r.durationMs / 1000,
      distinctId: r.distinctId,
      startUrl: r.firstUrl,
      consoleErrors: r.consoleErrorCount,
      raw: r as unknown as Record<string, unknown>,
    }));
  },
};
