import type { ExportFormat } from "@replay-devkit/api";
import { parseDuration } from "@replay-devkit/analysis";
import { usageError, type Command, type CommandContext, type OptionSpecs } from "../command.js";
import { CliError } from "../errors.js";
import { Progress, bar } from "../progress.js";
import { openDataStore } from "../shared.js";
import { batchExport } from "./run.js";
import { importFromExport } from "./import-from.js";
import { resolveTarget } from "./targets.js";

/** The options `export --all` adds to `export` (declared there, read here). */
export const BATCH_EXPORT_OPTIONS = {
  all: { type: "boolean", description: "Export every complete recording (with the filters below) to --to" },
  to: {
    type: "string",
    valueName: "dir|s3://bucket/prefix",
    description: "--all: where the files and index.jsonl go",
  },
  since: {
    type: "string",
    valueName: "time",
    description: "--all: started at or after (ISO time, or an age such as 7d)",
  },
  until: {
    type: "string",
    valueName: "time",
    description: "--all: started at or before (ISO time, or an age such as 1d)",
  },
  url: {
    type: "string",
    valueName: "text",
    description: "--all: only recordings that visited a URL containing this",
  },
  "distinct-id": { type: "string", valueName: "id", description: "--all: only this distinct id" },
  "has-errors": { type: "boolean", description: "--all: only recordings with console errors" },
  "min-duration": {
    type: "string",
    valueName: "duration",
    description: "--all: only recordings at least this long (30s, 5m)",
  },
  idle: {
    type: "string",
    valueName: "duration",
    description: "--all: a recording counts as complete after this long without new events",
    default: "30m",
  },
  progress: { type: "boolean", description: "--all: show progress on stderr even when it is not a terminal" },
} as const satisfies OptionSpecs;

function timeOption(
  command: Command<OptionSpecs>,
  name: string,
  text: string | undefined,
  now: number,
): Date | undefined {
  if (text === undefined) return undefined;
  const age = parseDuration(text);
  if (age !== null) return new Date(now - age);
  const ms = Date.parse(text);
  if (Number.isNaN(ms))
    throw usageError(
      command,
      `--${name} must be an ISO time or an age such as 7d; got ${JSON.stringify(text)}`,
    );
  return new Date(ms);
}

interface BatchExportArgs {
  to: string | undefined;
  format: ExportFormat;
  scrub: boolean;
  data: string | undefined;
  since: string | undefined;
  until: string | undefined;
  url: string | undefined;
  "distinct-id": string | undefined;
  "has-errors": boolean;
  "min-duration": string | undefined;
  idle: string;
  progress: boolean;
}

/** `export --all --to TARGET`: the CLI face of {@link batchExport}. */
export async function runBatchExport(
  command: Command<OptionSpecs>,
  ctx: CommandContext,
  args: BatchExportArgs,
  producer: string,
): Promise<void> {
  if (!args.to) throw usageError(command, "--all needs --to DIR (or s3://BUCKET/PREFIX)");
  const idleMs = args.idle === "0" ? 0 : parseDuration(args.idle);
  if (idleMs === null)
    throw usageError(command, `--idle must be a duration such as 30m; got ${JSON.stringify(args.idle)}`);
  const now = Date.now();
  const from = timeOption(command, "since", args.since, now);
  const to = timeOption(command, "until", args.until, now);
  const minDurationMs = args["min-duration"] === undefined ? undefined : parseDuration(args["min-duration"]);
  if (minDurationMs === null) throw usageError(command, "--min-duration must be a duration such as 30s");
  const target = await resolveTarget(args.to, ctx);
  const store = await openDataStore(ctx, args.data, "read");
  if (!store) {
    ctx.stderr.write("No recordings stored yet; nothing to export.\n");
    return;
  }
  const progress = new Progress(ctx.stderr, args.progress || ctx.stderr.isTTY === true);
  try {
    const report = await batchExport({
      store,
      target,
      format: args.format,
      scrub: args.scrub,
      idleMs,
      producer,
      filter: {
        ...(from && { from }),
        ...(to && { to }),
        ...(args.url !== undefined && { url: args.url }),
        ...(args["distinct-id"] !== undefined && { distinctId: args["distinct-id"] }),
        ...(args["has-errors"] && { hasErrors: true }),
        ...(minDurationMs !== undefined && { minDurationMs }),
      },
      onProgress: (done, total, id, action) =>
        progress.step(() => `export ${bar(done, total)} ${done}/${total} ${id} ${action}`, done === total),
    });
    progress.done();
    ctx.stderr.write(
      `${target.label}: ${report.written.length} written, ${report.unchanged} unchanged` +
        `${report.active ? `, ${report.active} still recording (inside --idle ${args.idle})` : ""}` +
        `${report.leftoversRemoved ? `, ${report.leftoversRemoved} leftover temporary file(s) of an earlier run removed` : ""}` +
        `${report.indexRewritten ? "" : "; index.jsonl unchanged"}\n`,
    );
    if (!args.scrub)
      ctx.stderr.write("warning: exported without scrubbing; the files may contain secrets.\n");
  } finally {
    store.close();
  }
}

/** `import --from TARGET`: the CLI face of {@link importFromExport}. */
export async function runImportFrom(
  ctx: CommandContext,
  from: string,
  data: string | undefined,
  showProgress: boolean,
  json: boolean,
): Promise<void> {
  const target = await resolveTarget(from, ctx);
  const store = await openDataStore(ctx, data, "write");
  if (!store) throw new CliError("REPLAY_DEVKIT_INTERNAL", "the data store did not open");
  const progress = new Progress(ctx.stderr, showProgress || (ctx.stderr.isTTY === true && !json));
  try {
    const report = await importFromExport(store, target, (done, total, id) =>
      progress.step(() => `import ${bar(done, total)} ${done}/${total} ${id}`, done === total),
    );
    progress.done();
    if (json) ctx.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else for (const item of report.imported) ctx.stdout.write(`${item.id}\n`);
    const created = report.imported.filter((i) => i.created).length;
    const events = report.imported.reduce((n, i) => n + i.events, 0);
    ctx.stderr.write(
      `${target.label}: ${report.imported.length} recording(s), ${created} new, ${events} new events\n`,
    );
  } finally {
    store.close();
  }
}
