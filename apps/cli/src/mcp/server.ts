import type { Readable, Writable } from "node:stream";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { cliVersion } from "../assets.js";
import type { CommandContext } from "../command.js";
import { databasePath, resolveDataDir } from "../env.js";
import { formatError, toCliError } from "../errors.js";
import { limitLines } from "./lines.js";
import { TOOLS } from "./tools/index.js";

/** One JSON-RPC line larger than this is refused; no tool input comes near it. */
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

export interface McpIo {
  stdin: Readable;
  stdout: Writable;
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
  const scope = { ctx, data, guarded: (body: () => Promise<CallToolResult>) => guarded(ctx, body) };
  for (const register of TOOLS) register(server, scope);
  return server;
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
