import { defineCommand, parseIntegerOption, usageError } from "../command.js";
import { CliError, toCliError } from "../errors.js";
import { Progress } from "../progress.js";
import { resolvePullSource } from "../pull/sources.js";
import type { PullListFilter, PullSettings, PullTarget } from "../pull/source.js";
import { formatDuration } from "@replay-devkit/codec";
import { DATA_OPTION, JSON_OPTION, openDataStore, writeOutput } from "../shared.js";
import { fixtureText } from "../fixture-text.js";
import { table } from "./list.js";

export const pull = defineCommand({
  name: "pull",
  summary:
    "Pull recordings from PostHog (a link, or ids with --from/--project) or a devkit server (--from URL)",
  description:
    "The source decides: --from a replay-devkit server (its /health says so) copies recordings raw with the token from REPLAY_DEVKIT_TOKEN, storing only what the local store lacks; otherwise PostHog. " +
    "The personal API key comes from POSTHOG_PERSONAL_API_KEY (scope session_recording:read; query:read adds the session's analytics events). " +
    "Everything is fetched before anything is stored, in one transaction, so a failed pull stores nothing and pulling again stores nothing twice. " +
    "429s are waited out (nothing is sent before Retry-After), server errors and dropped connections are retried with backoff and resume after the last whole block.",
  positionals: [
    {
      name: "recording",
      description:
        "PostHog recording links (…/project/ID/replay/SESSION) or session ids; each is pulled and stored on its own",
      required: false,
      variadic: true,
    },
  ],
  options: {
    from: {
      type: "string",
      valueName: "url",
      description: "The PostHog host (https://us.posthog.com, https://eu.posthog.com, a self-hosted URL)",
    },
    project: { type: "string", valueName: "id", description: "The PostHog project id" },
    data: DATA_OPTION,
    fixture: {
      type: "string",
      valueName: "file",
      description: "Write a scrubbed regression fixture here instead of storing (- for stdout)",
    },
    list: {
      type: "boolean",
      description: "List the host's recordings (with the filters below) instead of pulling one",
    },
    since: {
      type: "string",
      valueName: "time",
      description: "--list: started at or after (ISO time, or -7d)",
    },
    until: {
      type: "string",
      valueName: "time",
      description: "--list: started at or before (ISO time, or -1d)",
    },
    "distinct-id": { type: "string", valueName: "id", description: "--list: only this distinct id" },
    person: { type: "string", valueName: "uuid", description: "--list: only this person (UUID)" },
    url: {
      type: "string",
      valueName: "text",
      description: "--list: only recordings that visited a URL containing this",
    },
    "min-duration": {
      type: "string",
      valueName: "seconds",
      description: "--list: only recordings longer than this",
    },
    "has-errors": { type: "boolean", description: "--list: only recordings with console errors" },
    limit: {
      type: "string",
      valueName: "n",
      description: "--list: at most this many (1-1000)",
      default: "50",
    },
    "with-person": {
      type: "boolean",
      description: "Keep PostHog's person (name, email, properties): personal data, off by default",
    },
    "no-events": { type: "boolean", description: "Do not pull the session's analytics events" },
    encoding: {
      type: "string",
      valueName: "kind",
      description: "How blocks travel: snappy (decompress=false) or jsonl",
      choices: ["snappy", "jsonl"],
      default: "snappy",
    },
    retries: {
      type: "string",
      valueName: "n",
      description: "Retries for server errors and dropped connections (0-20)",
      default: "5",
    },
    insecure: {
      type: "boolean",
      description: "Accept a self-signed or untrusted TLS certificate (only for a host you trust)",
    },
    json: JSON_OPTION,
    progress: { type: "boolean", description: "Show progress on stderr even when it is not a terminal" },
  },
  examples: [
    "POSTHOG_PERSONAL_API_KEY=phx_… replay-devkit pull https://us.posthog.com/project/123/replay/0193…",
    "replay-devkit pull 0193… --from https://eu.posthog.com --project 123 --fixture test/fixtures/bug.replay.jsonl",
    "replay-devkit pull --list --from https://us.posthog.com --project 123 --since -7d --has-errors",
  ],
  async run(ctx, { options, positionals }) {
    const target: PullTarget = {
      ...(positionals[0] !== undefined && { what: positionals[0] }),
      ...(options.from !== undefined && { from: options.from }),
      ...(options.project !== undefined && { project: options.project }),
    };
    const settings: PullSettings = {
      insecure: options.insecure,
      includePerson: options["with-person"],
      events: !options["no-events"],
      encoding: options.encoding as PullSettings["encoding"],
      retries: parseIntegerOption(pull, "retries", options.retries, 0, 20),
      progress: new Progress(ctx.stderr, options.progress || (ctx.stderr.isTTY === true && !options.json)),
    };
    if (!options.list && target.what === undefined)
      throw usageError(pull, "missing <recording> (a PostHog link or a session id), or --list");
    if (options.list && options.fixture) throw usageError(pull, "--list and --fixture do not go together");
    if (options.fixture && positionals.length > 1) throw usageError(pull, "--fixture takes one recording");
    if (options.insecure)
      ctx.stderr.write("warning: --insecure: the host's TLS certificate is not checked.\n");
    const source = await resolvePullSource(target, ctx, settings);
    if (!source) {
      throw usageError(
        pull,
        "cannot tell where to pull from: give a PostHog recording link, or --from HOST with --project ID",
      );
    }

    if (options.list) {
      const filter: PullListFilter = {
        hasErrors: options["has-errors"],
        limit: parseIntegerOption(pull, "limit", options.limit, 1, 1000),
        ...(options.since !== undefined && { since: options.since }),
        ...(options.until !== undefined && { until: options.until }),
        ...(options["distinct-id"] !== undefined && { distinctId: options["distinct-id"] }),
        ...(options.person !== undefined && { person: options.person }),
        ...(options.url !== undefined && { url: options.url }),
        ...(options["min-duration"] !== undefined && {
          minDurationSeconds: parseIntegerOption(
            pull,
            "min-duration",
            options["min-duration"],
            0,
            10_000_000,
          ),
        }),
      };
      const found = await source.list(target, ctx, settings, filter);
      if (options.json) {
        ctx.stdout.write(
          `${JSON.stringify({ source: source.name, recordings: found.map((r) => r.raw) }, null, 2)}\n`,
        );
        return;
      }
      if (found.length === 0) {
        ctx.stderr.write("No recordings match.\n");
        return;
      }
      ctx.stdout.write(
        table(
          ["ID", "STARTED", "DURATION", "ERRORS", "DISTINCT ID", "START URL"],
          found.map((r) => [
            r.id,
            r.startTime ?? "",
            r.durationSeconds === null ? "" : formatDuration(r.durationSeconds * 1000),
            r.consoleErrors === null ? "" : String(r.consoleErrors),
            r.distinctId ?? "",
            r.startUrl ?? "",
          ]),
        ),
      );
      return;
    }

    // One recording at a time, each stored in its own transaction: a failure stops here, and what was
    // pulled before it stays stored (pulling the same list again stores nothing twice).
    for (const what of positionals) {
      let pulled;
      try {
        pulled = await source.pull({ ...target, what }, ctx, settings);
      } finally {
        // End a redrawn progress line, so an error message starts on a line of its own.
        settings.progress.done();
      }
      const { recording, notes } = pulled;
      for (const note of notes) ctx.stderr.write(`${note}\n`);
      const id = recording.sessionId;
      if (options.fixture) {
        const { text, summary } = await fixtureText(
          recording,
          id,
          {},
          true,
          (field) => `--${field}`,
          (message) => usageError(pull, message),
        );
        const written = await writeOutput(ctx, options.fixture, text, false);
        if (summary) ctx.stderr.write(`${summary}\n`);
        if (written) ctx.stderr.write(`Wrote ${written}\n`);
        return;
      }
      const store = await openDataStore(ctx, options.data, "write");
      if (!store) throw new CliError("REPLAY_DEVKIT_INTERNAL", "the data store did not open");
      try {
        const result = source.save
          ? source.save(store, pulled)
          : store.importRecording(recording, { source: pulled.storeAs ?? `${source.name}-pull` });
        if (options.json)
          ctx.stdout.write(`${JSON.stringify({ source: source.name, ...result }, null, 2)}\n`);
        else ctx.stdout.write(`${id}\n`);
        ctx.stderr.write(
          result.created
            ? `pulled ${id}: ${result.events} events in ${recording.windows.length} window(s), ${recording.posthogEvents.length} analytics events\n`
            : `pulled ${id}: already stored (${result.events} new events, ${result.duplicates} already there)\n`,
        );
      } catch (error) {
        throw toCliError(error, `storing ${id}`);
      } finally {
        store.close();
      }
    }
  },
});
