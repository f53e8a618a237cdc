import { defineCommand } from "../command.js";
import { DATA_OPTION, notFound, withDataStore } from "../shared.js";

export const deleteCommand = defineCommand({
  name: "delete",
  summary: "Delete a stored recording",
  positionals: [{ name: "id", description: "Recording id" }],
  options: { data: DATA_OPTION },
  examples: ["replay-devkit delete 019a…"],
  async run(ctx, { options, positionals }) {
    const id = positionals[0] as string;
    const deleted = await withDataStore(ctx, options.data, "read", (store) => store.deleteRecording(id));
    if (!deleted) throw notFound(id);
    ctx.stderr.write(`Deleted ${id}\n`);
  },
});
