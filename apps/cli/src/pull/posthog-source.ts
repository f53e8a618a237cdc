import type { CommandContext } from "../command.js";
import { POSTHOG_KEY_VARIABLE, posthogApiKey } from "../env.js";
import { CliError } from "../errors.js";
import { bar } from "../progress.js";
import { formatBytes } from "@replay-devkit/codec";
import type { ListedRemoteRecording, PullSettings, PullSource, PullTarget } from "./source.js";

/** A PostHog project page given as --from (`https://us.posthog.com/project/123`) carries the project. */
const PROJECT_PATH = /^\/project\/(\d+)(?:\/|$)/;

interface Where {
  host: string;
  projectId: string;
  sessionId?: string;
}

async function locate(target: PullTarget): Promise<Where> {
  const api = await import("@replay-devkit/posthog-api");
  if (target.what && api.isRecordingUrl(target.what)) {
    const loc = api.parseRecordingUrl(target.what);
    return {
      host: loc.host,
      projectId: target.project ? api.checkProjectId(target.project) : loc.projectId,
      sessionId: loc.sessionId,
    };
  }
  if (!target.from) {
    throw new CliError(
      "REPLAY_DEVKIT_USAGE",
      "give a PostHog recording link, or a session id with --from HOST --project ID",
    );
  }
  const host = api.parseHostUrl(target.from);
  const fromProject = PROJECT_PATH.exec(new URL(target.from).pathname)?.[1];
  const project = target.project ?? fromProject;
  if (!project)
    throw new CliError(
      "REPLAY_DEVKIT_USAGE",
      "--project ID is needed with --from (the number in PostHog's /project/ID/ links)",
    );
  return {
    host,
    projectId: api.checkProjectId(project),
    ...(target.what !== undefined ? { sessionId: api.checkSessionId(target.what) } : {}),
  };
}

async function client(where: Where, ctx: CommandContext, settings: PullSettings) {
  const api = await import("@replay-devkit/posthog-api");
  const apiKey = posthogApiKey(ctx.env);
  if (!apiKey) throw new api.PosthogApiError("NO_KEY", `${POSTHOG_KEY_VARIABLE} is not set`);
  return new api.PosthogClient({
    host: where.host,
    projectId: where.projectId,
    apiKey,
    insecure: settings.insecure,
    retry: { retries: settings.retries },
    onWait: (wait) =>
      settings.progress.update(
        wait.reason === "rate-limited"
          ? `pull: PostHog asks to wait (429); sending nothing for ${Math.ceil(wait.waitMs / 1000)} s`
          : `pull: ${wait.status ? `PostHog answered ${wait.status}` : "the connection dropped"}; retry ${wait.attempt} in ${wait.waitMs} ms`,
      ),
  });
}

/**
 * PostHog's API (cloud or self-hosted): recognised by a recording link (`…/project/ID/replay/SESSION`)
 * or by `--from` with a project. The personal API key comes from POSTHOG_PERSONAL_API_KEY.
 */
export const posthogSource: PullSource = {
  name: "posthog",

  async recognise(target) {
    const api = await import("@replay-devkit/posthog-api");
    if (target.what && api.isRecordingUrl(target.what)) return true;
    return target.from !== undefined && /^https?:\/\//i.test(target.from);
  },

  async pull(target, ctx, settings) {
    const where = await locate(target);
    if (!where.sessionId)
      throw new CliError("REPLAY_DEVKIT_USAGE", "missing the recording to pull (a link or a session id)");
    const api = await import("@replay-devkit/posthog-api");
    const c = await client(where, ctx, settings);
    const label = `pull ${where.sessionId}`;
    const pulled = await api.pullRecording(c, where.sessionId, {
      encoding: settings.encoding,
      includePerson: settings.includePerson,
      events: settings.events,
      onStep: (s) => {
        const p = settings.progress;
        if (s.step === "metadata") p.step(() => `${label}: metadata`, true);
        else if (s.step === "sources")
          p.step(() => `${label}: ${s.lts ? "one long-term file" : `${s.blocks} blocks`}`, true);
        else if (s.step === "blocks")
          p.step(
            () => `${label}: ${bar(s.done, s.total)} ${s.done}/${s.total} blocks, ${formatBytes(s.bytes)}`,
            s.done === s.total,
          );
        else if (s.step === "events")
          p.step(() => `${label}: ${s.count === null ? "no" : s.count} analytics events`, true);
        else p.step(() => `${label}: decoding ${formatBytes(s.bytes)}`, true);
      },
    });
    const notes = pulled.eventsSkipped ? [`analytics events not pulled: ${pulled.eventsSkipped}`] : [];
    return { recording: pulled.recording, notes };
  },

  async list(target, ctx, settings, filter) {
    const where = await locate(target);
    const api = await import("@replay-devkit/posthog-api");
    const c = await client(where, ctx, settings);
    const found = await api.listRecordings(c, {
      limit: filter.limit,
      ...(filter.since !== undefined && { dateFrom: filter.since }),
      ...(filter.until !== undefined && { dateTo: filter.until }),
      ...(filter.distinctId !== undefined && { distinctId: filter.distinctId }),
      ...(filter.person !== undefined && { personUuid: filter.person }),
      ...(filter.url !== undefined && { url: filter.url }),
      ...(filter.minDurationSeconds !== undefined && { minDurationSeconds: filter.minDurationSeconds }),
      ...(filter.hasErrors && { hasErrors: true }),
    });
    return found.map((r): ListedRemoteRecording => {
      // Person properties are personal data: a listing never shows them.
      const { person: _person, ...raw } = r;
      return {
        id: r.id,
        startTime: typeof r.start_time === "string" ? r.start_time : null,
        durationSeconds: typeof r.recording_duration === "number" ? r.recording_duration : null,
        distinctId: typeof r.distinct_id === "string" ? r.distinct_id : null,
        startUrl: typeof r.start_url === "string" ? r.start_url : null,
        consoleErrors: typeof r.console_error_count === "number" ? r.console_error_count : null,
        raw,
      };
    });
  },
};
