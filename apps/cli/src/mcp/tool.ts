// What every MCP tool file shares: the tool shape, result helpers, argument schemas and the
// privacy pass over metadata. Tools call the same functions as the commands (analysis, store,
// privacy and the CLI's shared modules), never a command file.
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import * as z from "zod";
import type { CommandContext } from "../command.js";
import { CliError, toCliError } from "../errors.js";
import { writeOutput } from "../shared.js";
export { scrubSummary } from "../shared.js";

/** Where a tool runs: the command context (`cwd` is the write scope) and the data directory flag. */
export interface ToolScope {
  ctx: CommandContext;
  data: string | undefined;
  /** Runs a tool body, turning any failure into an MCP tool error. */
  guarded(body: () => Promise<CallToolResult>): Promise<CallToolResult>;
}

/** One tool file's export: registers itself on the server. */
export type McpTool = (server: McpServer, scope: ToolScope) => void;

/** A tool-level usage error: the message names the tool's own argument. */
export function invalidArgument(tool: string, message: string): CliError {
  return new CliError("REPLAY_DEVKIT_USAGE", message, { hint: `Check the arguments of ${tool}.` });
}

export function text(value: string): CallToolResult {
  return { content: [{ type: "text", text: value }] };
}

export function json(value: unknown): CallToolResult {
  return text(JSON.stringify(value, null, 2));
}

/** Writes a tool's output file, creating its folder; returns the path written. */
export async function writeToolFile(
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

export const ID = z
  .string()
  .min(1)
  .max(200)
  .describe("Recording id (the PostHog $session_id), as list_recordings returns it");
export const PATH = z
  .string()
  .min(1)
  .max(4096)
  .describe(
    "File to write, relative to the server's working directory (paths outside it are refused); folders are created",
  );
export const TIME = z.string().max(64);
