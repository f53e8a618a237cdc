import { fixtureText } from "../../fixture-text.js";
import { resolveInsideCwd } from "../../paths.js";
import { loadStored } from "../../shared.js";
import { ID, invalidArgument, PATH, text, TIME, writeToolFile, type McpTool } from "../tool.js";

export const writeFixture: McpTool = (server, { ctx, data, guarded }) =>
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
      guarded(async () => {
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
          (field) => field,
          (message) => invalidArgument("write_fixture", message),
        );
        const written = await writeToolFile(ctx, full, fixture, false);
        return text(
          `Wrote ${written} (${Buffer.byteLength(fixture)} bytes).${summary ? `\n${summary}` : ""}`,
        );
      }),
  );
