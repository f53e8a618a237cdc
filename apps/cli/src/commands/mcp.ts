import { defineCommand } from "../command.js";
import { DATA_OPTION } from "../shared.js";

export const mcp = defineCommand({
  name: "mcp",
  summary: "Serve the recordings to AI agents as Model Context Protocol tools over stdio",
  description:
    "Tools: list_recordings, get_recording, get_timeline, scan_recording, profile_recording, write_fixture, export_recording. " +
    "Everything returned is scrubbed like exports; files are written only inside the current directory. " +
    "It reads the data directory directly, so it works with or without `dev` running. " +
    'Configure a client with { "mcpServers": { "replay-devkit": { "command": "npx", "args": ["replay-devkit", "mcp"] } } }.',
  positionals: [],
  options: { data: DATA_OPTION },
  examples: ["replay-devkit mcp", "replay-devkit mcp --data ./recordings"],
  async run(ctx, { options }) {
    // Loaded only here, so other commands never pay for the MCP SDK.
    const { serveMcp } = await import("../mcp/server.js");
    await serveMcp(ctx, options.data, { stdin: process.stdin, stdout: process.stdout });
  },
});
