import { defineCommand, usageError } from "../command.js";
import { DATA_OPTION, JSON_OPTION, openDataStore } from "../shared.js";
import { DevkitClient } from "../transfer/client.js";
import { pullRecording } from "../transfer/devkit.js";
import { copyEach } from "../transfer/run.js";

export const pull = defineCommand({
  name: "pull",
  summary: "Copy recordings from a replay-devkit server into this machine's store",
  description:
    "Fetches each recording raw and stores only what the local store lacks, so pulling again stores nothing. Recordings keep their ids; their raw exports here equal the server's byte for byte. The server's token comes from REPLAY_DEVKIT_TOKEN.",
  positionals: [{ name: "id", description: "Recording ids", variadic: true }],
  options: {
    from: {
      type: "string",
      valueName: "url",
      description: "The server, e.g. https://replay.staging.example",
    },
    data: DATA_OPTION,
    json: JSON_OPTION,
    progress: { type: "boolean", description: "Show progress even when stderr is not a terminal" },
  },
  examples: ["REPLAY_DEVKIT_TOKEN=… replay-devkit pull 019a… --from https://replay.staging.example"],
  async run(ctx, { options, positionals }) {
    if (options.from === undefined) throw usageError(pull, "--from <url> is required");
    const client = new DevkitClient({ url: options.from, token: ctx.env.REPLAY_DEVKIT_TOKEN || null });
    const store = await openDataStore(ctx, options.data, "write");
    if (store === null) throw usageError(pull, "cannot open the local store");
    try {
      await copyEach(ctx, positionals, "pull", (id) => pullRecording(store, client, id), {
        json: options.json,
        progress: options.progress || ctx.stderr.isTTY === true,
      });
    } finally {
      store.close();
    }
  },
});
