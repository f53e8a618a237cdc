import { defineCommand, parseIntegerOption, usageError } from "../command.js";
import { EXIT } from "../errors.js";
import { scanLoaded } from "../scan-report.js";
import { DATA_OPTION, JSON_OPTION } from "../shared.js";
import { loadTarget } from "../targets.js";

export const scan = defineCommand({
  name: "scan",
  summary: "Scan a recording for leaked secrets and personal data (exit 6 over --max-findings)",
  positionals: [{ name: "target", description: "Recording id, or a recording file" }],
  options: {
    json: JSON_OPTION,
    "max-findings": {
      type: "string",
      valueName: "n",
      description: "Findings allowed before exiting non-zero",
      default: "0",
    },
    "mask-text-selector": {
      type: "string",
      valueName: "css",
      description: "posthog-js maskTextSelector to check masking against (default: what the recording says)",
    },
    "block-selector": {
      type: "string",
      valueName: "css",
      description: "posthog-js blockSelector to check against (default: what the recording says)",
    },
    data: DATA_OPTION,
  },
  examples: [
    "replay-devkit scan 019a…",
    "replay-devkit scan export.json --json --max-findings 3",
    "replay-devkit scan rrweb.json --mask-text-selector '[data-private], .account *'",
  ],
  async run(ctx, { options, positionals }) {
    const target = positionals[0] as string;
    const threshold = parseIntegerOption(scan, "max-findings", options["max-findings"], 0, 1_000_000);
    const recording = await loadTarget(ctx, options.data, target);
    const selectors = {
      ...(options["mask-text-selector"] !== undefined && { maskTextSelector: options["mask-text-selector"] }),
      ...(options["block-selector"] !== undefined && { blockSelector: options["block-selector"] }),
    };
    const report = await scanLoaded(recording, target, { threshold, ...selectors }, (message) =>
      usageError(scan, message),
    );
    const { formatFindings } = await import("@replay-devkit/privacy");
    if (options.json) ctx.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else ctx.stdout.write(`${formatFindings(report).trimEnd()}\n`);
    if (!report.ok) {
      ctx.stderr.write(
        `replay-devkit: ${report.totals.findings} finding(s), over the allowed ${threshold} [REPLAY_DEVKIT_FINDINGS]\n`,
      );
      return EXIT.FINDINGS;
    }
  },
});
