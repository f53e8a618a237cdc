import { createReadStream, statSync } from "node:fs";
import { resolve } from "node:path";
import { defineCommand, parseIntegerOption } from "../command.js";
import { CliError, EXIT, toCliError } from "../errors.js";
import { Progress, bar } from "../progress.js";
import {
  DATA_OPTION,
  DEFAULT_MAX_FILE_BYTES,
  JSON_OPTION,
  checkInputFile,
  formatBytes,
  openDataStore,
} from "../shared.js";

/** Files above this size, or more than one file, get a progress line per file. */
const LARGE_FILE_BYTES = 8 * 1024 * 1024;
const READ_CHUNK = 1024 * 1024;

interface FileReport {
  file: string;
  format?: string;
  formatVersion?: string | null;
  imported?: { id: string; created: boolean; events: number; duplicates: number }[];
  error?: { code: string; message: string };
}

export const importCommand = defineCommand({
  name: "import",
  summary: "Import recording files (PostHog export, rrweb JSON, blob_v2, bundle, fixture; gzip ok)",
  positionals: [{ name: "file", description: "One or more recording files", variadic: true }],
  options: {
    json: JSON_OPTION,
    data: DATA_OPTION,
    "max-size": {
      type: "string",
      valueName: "mb",
      description: "Refuse files larger than this many MB",
      default: "512",
    },
    progress: {
      type: "boolean",
      description:
        "Show progress inside each file (bytes read, events stored) on stderr even when it is not a terminal",
    },
  },
  examples: ["replay-devkit import export.json", "replay-devkit import recordings/*.json --json"],
  async run(ctx, { options, positionals }) {
    const maxBytes =
      parseIntegerOption(importCommand, "max-size", options["max-size"], 1, 4096) * 1024 * 1024;
    const sizes = positionals.map((file) => {
      try {
        return statSync(resolve(ctx.cwd, file)).size;
      } catch {
        return 0;
      }
    });
    const totalBytes = sizes.reduce((a, b) => a + b, 0);
    // Steps inside a file redraw a terminal line; in logs they are only wanted on request, and
    // --json callers are scripts that asked for data, not for a live display.
    const inFile = options.progress || (ctx.stderr.isTTY === true && !options.json);
    const progress = new Progress(
      ctx.stderr,
      inFile || positionals.length > 1 || sizes.some((s) => s > LARGE_FILE_BYTES),
    );
    const store = await openDataStore(ctx, options.data, "write");
    if (!store) throw new CliError("REPLAY_DEVKIT_INTERNAL", "the data store did not open");
    const reports: FileReport[] = [];
    let doneBytes = 0;
    try {
      for (const [index, file] of positionals.entries()) {
        progress.update(
          `import ${bar(doneBytes, totalBytes)} ${index + 1}/${positionals.length} ${file} (${formatBytes(sizes[index] ?? 0)})`,
        );
        const report: FileReport = { file };
        reports.push(report);
        const label = `import ${index + 1}/${positionals.length} ${file}:`;
        try {
          const fileMax = Math.min(maxBytes, DEFAULT_MAX_FILE_BYTES * 8);
          const { full, size } = checkInputFile(ctx, file, fileMax);
          const { importStream } = await import("@replay-devkit/server");
          let storing = false;
          // Read, inflated and parsed as a stream, then stored in short transactions (import-stream.ts).
          const result = await importStream(store, createReadStream(full, { highWaterMark: READ_CHUNK }), {
            maxBytes: fileMax,
            maxDecompressedBytes: Math.max(fileMax, 64 << 20),
            onProgress: (p) => {
              if (!inFile) return;
              if (p.phase === "reading") {
                progress.step(
                  () => `${label} read ${formatBytes(p.bytesRead)} of ${formatBytes(size)}`,
                  p.bytesRead === size,
                );
                return;
              }
              if (!storing) {
                storing = true;
                progress.step(
                  () => `${label} read ${formatBytes(p.bytesRead)} of ${formatBytes(size)}`,
                  true,
                );
                progress.step(() => `${label} decoded ${p.events} events`, true);
              }
              progress.step(
                () => `${label} stored ${p.eventsStored}/${p.events} events`,
                p.eventsStored === 0 || p.eventsStored === p.events,
              );
            },
          });
          report.format = result.format;
          report.formatVersion = result.formatVersion;
          report.imported = result.imported;
        } catch (error) {
          const cliError = toCliError(error, file);
          // One bad file must not hide the others' results: report it and keep going.
          if (positionals.length === 1) throw cliError;
          report.error = { code: cliError.code, message: cliError.message };
        }
        doneBytes += sizes[index] ?? 0;
      }
      progress.update(`import ${bar(1, 1)} ${positionals.length}/${positionals.length} done`);
      progress.done();
    } finally {
      store.close();
    }

    const failed = reports.filter((r) => r.error);
    if (options.json) {
      ctx.stdout.write(`${JSON.stringify({ files: reports }, null, 2)}\n`);
    } else {
      for (const report of reports) {
        for (const item of report.imported ?? []) ctx.stdout.write(`${item.id}\n`);
        if (report.imported) {
          const created = report.imported.filter((i) => i.created).length;
          const events = report.imported.reduce((sum, i) => sum + i.events, 0);
          ctx.stderr.write(
            `${report.file}: ${report.format} → ${report.imported.length} recording(s)` +
              `${created < report.imported.length ? ` (${report.imported.length - created} already stored)` : ""}, ${events} new events\n`,
          );
        }
        if (report.error) ctx.stderr.write(`replay-devkit: ${report.error.message} [${report.error.code}]\n`);
      }
    }
    if (failed.length > 0) return failed.length === reports.length ? EXIT.INVALID_INPUT : EXIT.FAILURE;
    return EXIT.OK;
  },
});
