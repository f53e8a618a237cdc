/** Header names of the JSON API and the capture protocol, lower case as node:http reports them. */
export const API_HEADERS = {
  /** On every response: the server's version. */
  version: "x-replay-devkit",
  /** On an export: how many values the scrubber replaced (0 for raw exports). */
  redactions: "x-replay-devkit-redactions",
  /** On a capture answer: how many unreadable `$snapshot` events were dropped from a stored body. */
  rejected: "x-replay-devkit-rejected",
  /** On a plain rrweb upload: names a batch, so a retried body is stored once. */
  batchId: "x-batch-id",
} as const;
