/**
 * The export vocabulary shared by `GET /api/recordings/:id/export`, `replay-devkit export` and the
 * MCP `export_recording` tool. The renderer (@replay-devkit/export) renders exactly these.
 */
export const EXPORT_FORMATS = ["posthog", "rrweb", "bundle", "har"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/**
 * `scrubbed` (the default everywhere) replaces secrets and personal data with stable markers;
 * `raw` exports the stored values (`?scrub=false`, `--no-scrub`).
 */
export const SCRUB_MODES = ["scrubbed", "raw"] as const;
export type ScrubMode = (typeof SCRUB_MODES)[number];
