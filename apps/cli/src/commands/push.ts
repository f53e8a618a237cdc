import { cliVersion } from "../assets.js";
import { defineCommand, usageError } from "../command.js";
import { toCliError } from "../errors.js";
import { DATA_OPTION, JSON_OPTION, notFound, openDataStore } from "../shared.js";
import { DevkitClient } from "../transfer/client.js";
import { pushRecording } from "../transfer/devkit.js";
import { copyEach } from "../transfer/run.js";

const LIST_PAGE = 1000;

export const push = defineCommand({
  name: "push",
  summary: "Copy recordings from this machine's store to a replay-devkit server",
  description:
    "Sends each recording raw (unscrubbed: it moves between your own stores) and only what the server lacks, so pushing again stores nothing and an interrupted push resumes where it stopped. Recordings keep their ids. The server's token comes from REPLAY_DEVKIT_TOKEN.",
  positionals: [{ name: "id", description: "Recording ids (or --all)", required: false, variadic: true }],
  options: {
    to: { type: "string", valueName: "url", description: "The server, e.g. https://replay.staging.example" },
    all: { type: "boolean", description: "Every recording in the local store" },
    data: DATA_OPTION,
    json: JSON_OPTION,
    progress: { type: "boolean", description: "Show progress even when stderr is not a terminal" },
  },
  examples: [
    "REPLAY_DEVKIT_TOKEN=… replay-devkit push 019a… --to https://replay.staging.example",
    "replay-devkit push --all --to http://127.0.0.1:8020",
  ],
  async run(ctx, { options, positionals }) {
    if (options.to === undefined) throw usageError(push, "--to <url> is required");
    if (options.all === positionals.length > 0)
      throw usageError(
        push,
        options.all ? "give recording ids or --all, not both" : "give recording ids or --all",
      );
    const client = new DevkitClient({ url: options.to, token: ctx.env.REPLAY_DEVKIT_TOKEN || null });
    const store = await openDataStore(ctx, options.data, "read");
    if (store === null) {
      if (options.all) {
        ctx.stderr.write("push: the local store is empty; nothing to push\n");
        return;
      }
      throw notFound(positionals[0] as string);
    }
    try {
      let ids = positionals;
      if (options.all) {
        ids = [];
        try {
          for (let offset = 0; ; offset += LIST_PAGE) {
            const page = store.listRecordings({ sort: "oldest", limit: LIST_PAGE, offset });
            ids.push(...page.recordings.map((r) => r.id));
            if (offset + LIST_PAGE >= page.total) break;
          }
        } catch (error) {
          throw toCliError(error);
        }
      }
      const producer = `replay-devkit ${cliVersion()}`;
      await copyEach(ctx, ids, "push", (id) => pushRecording(store, client, id, producer), {
        json: options.json,
        progress: options.progress || ctx.stderr.isTTY === true,
      });
    } finally {
      store.close();
    }
  },
});
