import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { Transform, type Readable, type TransformCallback, type Writable } from "node:stream";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { RECORDING_SORTS, type RecordingSort, type RecordingSummary } from "@replay-devkit/store";
import * as z from "zod";
import { cliVersion } from "./assets.js";
import type { CommandContext } from "./command.js";
import { exportData } from "./commands/export.js";
import { fixtureText } from "./commands/fixture.js";
import { queryRecordings } from "./commands/list.js";
import { scanLoaded } from "./commands/scan.js";
import { getSummary } from "./commands/show.js";
import { parseTimelineWindow, renderTimeline, timelineView, windowMessage } from "./commands/timeline.js";
import { limitEntries } from "./timeline.js";
import { databasePath, resolveDataDir } from "./env.js";
import { CliError, formatError, toCliError } from "./errors.js";
import { resolveInsideCwd } from "./paths.js";
import { EXPORT_FORMATS, loadStored, prepareForExport, writeOutput } from "./shared.js";

/** One JSON-RPC line larger than this is refused; no tool input comes near it. */
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

export interface McpIo {
  stdin: Readable;
  stdout: Writable;
}

/** A tool-level usage error: the message names the tool argument, like the CLI names the option. */
function invalidArgument(tool: string) {
  return (message: string): CliError =>
    new CliError(
      "REPLAY_DEVKIT_USAGE",
      message.replace(/--([a-z-]+)/g, (_, name: string) => camel(name)),
      {
        hint: `Check the arguments of ${tool}.`,
      },
    );
}

function camel(option: string): string {
  return option.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

function text(value: string): CallToolResult {
  return { content: [{ type: "text", text: value }] };
}

function json(value: unknown): CallToolResult {
  return text(JSON.stringify(value, null, 2));
}

/**
 * Runs a tool body and turns any failure into an MCP tool error carrying the line the CLI would print,
 * so the agent sees the same code and hint a user would, and the server never goes down with it.
 */
async function guarded(ctx: CommandContext, body: () => Promise<CallToolResult>): Promise<CallToolResult> {
  const call = (async (): Promise<CallToolResult> => {
    try {
      return await body();
    } catch (error) {
      const cliError = toCliError(error);
      if (ctx.debug) ctx.stderr.write(formatError(cliError, true));
      return { isError: true, content: [{ type: "text", text: formatError(cliError, false).trimEnd() }] };
    }
  })();
  inFlight.add(call);
  try {
    return await call;
  } finally {
    inFlight.delete(call);
  }
}

/** Tool calls still running; a client that closes stdin right after a request still gets its answer. */
const inFlight = new Set<Promise<CallToolResult>>();

/**
 * Metadata carries URLs and the distinct id, which can hold tokens and emails; it goes through the
 * same scrubber as exports (as a recording with no events) before an agent sees it.
 */
async function scrubSummary(summary: RecordingSummary): Promise<RecordingSummary> {
  const { recording } = await prepareForExport(
    {
      sessionId: summary.id,
      distinctId: summary.distinctId,
      windows: [],
      posthogEvents: [],
      metadata: summary,
    },
    true,
  );
  return {
    ...(recording.metadata as RecordingSummary),
    distinctId: recording.distinctId,
  };
}

const ID = z
  .string()
  .min(1)
  .max(200)
  .describe("Recording id (the PostHog $session_id), as list_recordings returns it");
const PATH = z
  .string()
  .min(1)
  .max(4096)
  .describe(
    "File to write, relative to the server's working directory (paths outside it are refused); folders are created",
  );
const TIME = z.string().max(64);

/** Builds the server with every tool registered; `ctx.cwd` is the write scope and `data` the data directory flag. */
export function createMcpServer(ctx: CommandContext, data: string | undefined): McpServer {
  const server = new McpServer(
    { name: "replay-devkit", version: cliVersion() },
    {
      instructions:
        "Session recordings captured locally by replay-devkit (PostHog / rrweb). Start with list_recordings, " +
        "then get_timeline with around: 'error' (or click:<selector>, request:<url part>) for the evidence of a bug. " +
        "Everything returned is scrubbed of secrets and personal data.",
    },
  );

  server.registerTool(
    "list_recordings",
    {
      title: "List recordings",
      description:
        "List stored session recordings (newest first by default) with their metadata: id, start time, duration, " +
        "click/keypress counts, console error count, visited URLs. Use the id with the other tools.",
      inputSchema: {
        url: z
          .string()
          .max(2000)
          .optional()
          .describe("Only recordings that visited a URL containing this text"),
        hasErrors: z
          .boolean()
          .optional()
          .describe("true: only recordings with console errors; false: only those without"),
        limit: z.number().int().min(1).max(1000).default(20).describe("At most this many (1-1000)"),
        sort: z
          .enum(RECORDING_SORTS as [RecordingSort, ...RecordingSort[]])
          .default("newest")
          .describe("Order: newest, oldest, longest, shortest, updated, or FIELD:asc|desc"),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args) =>
      guarded(ctx, async () => {
        const result = await queryRecordings(ctx, data, {
          limit: args.limit,
          sort: args.sort,
          ...(args.url !== undefined && { url: args.url }),
          ...(args.hasErrors !== undefined && { hasErrors: args.hasErrors }),
        });
        const recordings = await Promise.all(result.recordings.map(scrubSummary));
        return json({ recordings, total: result.total });
      }),
  );

  server.registerTool(
    "get_recording",
    {
      title: "Get recording metadata",
      description:
        "Metadata of one recording: start/end time, duration and active time, event count and size, browser " +
        "window ids, click/keypress counts, console log/warn/error counts, first URL and every visited URL.",
      inputSchema: { id: ID },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args) => guarded(ctx, async () => json(await scrubSummary(await getSummary(ctx, data, args.id)))),
  );

  server.registerTool(
    "get_timeline",
    {
      title: "Get a recording's timeline",
      description:
        "What happened in a recording, one row per thing, as offsets mm:ss.mmm from its start: page loads, " +
        "clicks and inputs with stable CSS selectors, DOM changes, console warnings/errors, network requests " +
        "(method, URL, status, duration), custom events. With `around`, only `window` before and after the " +
        "first match of the anchor: the evidence window for a bug report. An anchor that matches nothing " +
        "returns an error listing the clicks, requests, pages and events that exist.",
      inputSchema: {
        id: ID,
        around: TIME.optional().describe(
          "Anchor: error[:text], warn[:text], click[:selector], input[:selector], request[:url part] " +
            "(also 'request:POST /api'), url:<url part>, event:<name>, or a time such as 90s or 01:30",
        ),
        window: TIME.default("5s").describe(
          "How much to keep before and after the anchor, e.g. 5s, 500ms, 2m",
        ),
        format: z
          .enum(["md", "json"])
          .default("md")
          .describe("md: a compact table; json: the replay-devkit-timeline document"),
        windowId: z.string().max(200).optional().describe("Only this browser window (tab) of the recording"),
        maxEntries: z
          .number()
          .int()
          .min(1)
          .max(5000)
          .default(200)
          .describe(
            "At most this many rows, kept around the anchor (or from the start); the header says how many were left out",
          ),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args) =>
      guarded(ctx, async () => {
        const invalid = invalidArgument("get_timeline");
        const windowMs = parseTimelineWindow(args.window);
        if (windowMs === null) throw invalid(windowMessage(args.window));
        const stored = await loadStored(ctx, data, args.id);
        const { view } = await timelineView(
          stored,
          {
            ...(args.around !== undefined && { around: args.around }),
            ...(args.windowId !== undefined && { windowId: args.windowId }),
            windowMs,
            bodies: false,
            bodyLimit: 500,
            scrub: true,
          },
          invalid,
        );
        return text(await renderTimeline(limitEntries(view, args.maxEntries), args.format));
      }),
  );

  server.registerTool(
    "scan_recording",
    {
      title: "Scan a recording for leaks",
      description:
        "Privacy scan: secrets and personal data the recording holds (emails, tokens, card numbers, password " +
        "fields, unmasked text under mask selectors…), each with where it is and the posthog-js setting that " +
        "would have masked it. The same report as `replay-devkit scan --json`; previews never show the value.",
      inputSchema: {
        id: ID,
        maskTextSelector: z
          .string()
          .max(2000)
          .optional()
          .describe(
            "posthog-js maskTextSelector to check masking against (default: what the recording says)",
          ),
        blockSelector: z
          .string()
          .max(2000)
          .optional()
          .describe("posthog-js blockSelector to check against (default: what the recording says)"),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args) =>
      guarded(ctx, async () => {
        const stored = await loadStored(ctx, data, args.id);
        const report = await scanLoaded(
          stored,
          args.id,
          {
            threshold: 0,
            ...(args.maskTextSelector !== undefined && { maskTextSelector: args.maskTextSelector }),
            ...(args.blockSelector !== undefined && { blockSelector: args.blockSelector }),
          },
          invalidArgument("scan_recording"),
        );
        return json(report);
      }),
  );

  server.registerTool(
    "profile_recording",
    {
      title: "Profile a recording's size",
      description:
        "Where a recording's bytes go (by rrweb event type and source, inlined CSS, data: URLs, busiest " +
        "selectors), events/s and bytes/min, and the posthog-js setting that shrinks each heavy part. " +
        "The same report as `replay-devkit profile --json`.",
      inputSchema: { id: ID },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args) =>
      guarded(ctx, async () => {
        const { profileRecording } = await import("./profile.js");
        return json(profileRecording(await loadStored(ctx, data, args.id)));
      }),
  );

  server.registerTool(
    "write_fixture",
    {
      title: "Write a regression fixture",
      description:
        "Write a recording (or the part between from and to) as a scrubbed regression fixture file for " +
        "vitest + msw (@replay-devkit/testing). The path must be inside the server's working directory. " +
        "Each window starts at its last full snapshot before `from` so it can still be rebuilt.",
      inputSchema: {
        id: ID,
        path: PATH,
        from: TIME.optional().describe(
          "Start of the part to keep: offset like 90s, 1m30s, 01:30 or an ISO time",
        ),
        to: TIME.optional().describe("End of the part to keep, same forms as from"),
      },
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    (args) =>
      guarded(ctx, async () => {
        const full = resolveInsideCwd(ctx.cwd, args.path);
        const stored = await loadStored(ctx, data, args.id);
        const { text: fixture, summary } = await fixtureText(
          stored,
          args.id,
          {
            ...(args.from !== undefined && { from: args.from }),
            ...(args.to !== undefined && { to: args.to }),
          },
          true,
          invalidArgument("write_fixture"),
        );
        const written = await writeFile(ctx, full, fixture, false);
        return text(
          `Wrote ${written} (${Buffer.byteLength(fixture)} bytes).${summary ? `\n${summary}` : ""}`,
        );
      }),
  );

  server.registerTool(
    "export_recording",
    {
      title: "Export a recording",
      description:
        "Export a recording, scrubbed of secrets and personal data, to a file inside the server's working " +
        "directory. Formats: posthog (PostHog Export-to-JSON), rrweb (JSON array of the first window's " +
        "events), bundle (replay-devkit zip with a redaction log), har (HAR 1.2 of the network requests).",
      inputSchema: {
        id: ID,
        format: z.enum(EXPORT_FORMATS).describe("posthog, rrweb, bundle, har or html"),
        path: PATH,
      },
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    (args) =>
      guarded(ctx, async () => {
        const full = resolveInsideCwd(ctx.cwd, args.path);
        const stored = await loadStored(ctx, data, args.id);
        const { data: bytes, binary, summary } = await exportData(stored, args.format, true);
        const written = await writeFile(ctx, full, bytes, binary);
        const size = typeof bytes === "string" ? Buffer.byteLength(bytes) : bytes.byteLength;
        return text(`Wrote ${written} (${size} bytes, ${args.format}).${summary ? `\n${summary}` : ""}`);
      }),
  );

  return server;
}

async function writeFile(
  ctx: CommandContext,
  full: string,
  bytes: string | Uint8Array,
  binary: boolean,
): Promise<string> {
  try {
    await mkdir(dirname(full), { recursive: true });
  } catch (error) {
    throw toCliError(error, `cannot create the folder of ${full}`);
  }
  const written = await writeOutput(ctx, full, bytes, binary);
  return written ?? full;
}

/**
 * Drops any line longer than `max` bytes (logging it) and passes the rest through. The SDK's own
 * buffer limit closes the whole connection on one oversized message; an agent should instead get
 * its next request answered.
 */
export function limitLines(max: number, onDrop: (bytes: number) => void): Transform {
  let length = 0;
  let dropping = false;
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      let start = 0;
      while (start < chunk.length) {
        const newline = chunk.indexOf(0x0a, start);
        const end = newline === -1 ? chunk.length : newline + 1;
        const piece = chunk.subarray(start, end);
        length += piece.length;
        if (!dropping && length > max) {
          dropping = true;
          // The head of this line already went through; a newline ends it as one malformed message.
          this.push(Buffer.from("\n"));
        }
        if (!dropping) this.push(piece);
        if (newline !== -1) {
          if (dropping) onDrop(length);
          length = 0;
          dropping = false;
        }
        start = end;
      }
      done();
    },
  });
}

/**
 * Serves MCP over the given streams until the client closes stdin. Only protocol messages go to
 * `io.stdout`; everything else goes to `ctx.stderr`, which MCP clients show as the server's log.
 */
export async function serveMcp(ctx: CommandContext, data: string | undefined, io: McpIo): Promise<void> {
  const server = createMcpServer(ctx, data);
  const input = io.stdin.pipe(
    limitLines(MAX_MESSAGE_BYTES, (bytes) =>
      ctx.stderr.write(
        `replay-devkit mcp: dropped a ${bytes}-byte message, over the ${MAX_MESSAGE_BYTES}-byte limit\n`,
      ),
    ),
  );
  const transport = new StdioServerTransport(input, io.stdout, { maxBufferSize: MAX_MESSAGE_BYTES * 2 });
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    io.stdin.once("end", () => resolve());
    io.stdin.once("close", () => resolve());
  });
  // A malformed line is logged and skipped; the transport keeps reading the next one.
  server.server.onerror = (error) => ctx.stderr.write(`replay-devkit mcp: ${error.message}\n`);
  await server.connect(transport);
  ctx.stderr.write(
    `replay-devkit mcp: serving ${databasePath(resolveDataDir(data, ctx.env, ctx.cwd))} over stdio; files are written under ${ctx.cwd}\n`,
  );
  await closed;
  await Promise.allSettled([...inFlight]);
  // Let the transport flush the answers of those last calls before it closes.
  await new Promise((resolve) => setImmediate(resolve));
  await server.close();
}
