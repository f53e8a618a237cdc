import { defineCommand } from "../command.js";
import { DEFAULT_MAX_FILE_BYTES, JSON_OPTION, decodeFile } from "../shared.js";

export const validate = defineCommand({
  name: "validate",
  summary: "Check that a file is a readable recording (exit 0 if valid, 4 if not)",
  positionals: [{ name: "file", description: "Recording file" }],
  options: { json: JSON_OPTION },
  examples: ["replay-devkit validate export.json"],
  async run(ctx, { options, positionals }) {
    const file = positionals[0] as string;
    const result = await decodeFile(ctx, file, DEFAULT_MAX_FILE_BYTES);
    const { doctorRecording, formatRepairs } = await import("@replay-devkit/codec");
    const recordings = result.recordings.map((rec) => ({
      sessionId: rec.sessionId,
      windows: rec.windows.length,
      events: rec.windows.reduce((sum, w) => sum + w.events.length, 0),
      posthogEvents: rec.posthogEvents.length,
      // What the playback doctor would repair on import (the file itself is left as it is).
      repairs: doctorRecording(rec).repairs,
    }));
    if (options.json) {
      ctx.stdout.write(
        `${JSON.stringify({ valid: true, file, format: result.format, formatVersion: result.formatVersion, recordings }, null, 2)}\n`,
      );
      return;
    }
    const version = result.formatVersion ? ` ${result.formatVersion}` : "";
    const parts = recordings.map((r) => `${r.sessionId} (${r.events} events in ${r.windows} window(s))`);
    ctx.stdout.write(`${file}: valid ${result.format}${version}: ${parts.join(", ")}\n`);
    for (const r of recordings) {
      const lines = formatRepairs(r.repairs);
      if (lines.length === 0) continue;
      ctx.stdout.write(`${r.sessionId}: the playback doctor repairs on import:\n`);
      for (const line of lines) ctx.stdout.write(`  ${line}\n`);
    }
  },
});
