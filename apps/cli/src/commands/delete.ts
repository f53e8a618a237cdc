import { defineCommand } from "../command.js";
import { toCliError } from "../errors.js";
import { DATA_OPTION, notFound, openDataStore } from "../shared.js";

export const deleteCommand = defineCommand({
  name: "delete",
  summary: "Delete a stored recording",
  positionals: [{ name: "id", description: "Recording id" }],
  options: { data: DATA_OPTION },
  examples: ["replay-devkit delete 019a…"],
  async run(ctx, { options, positionals }) {
    const id = positionals[0] as string;
    const store = await openDataStore(ctx, options.data, "read");
    if (!store) throw notFound(id);
    let deleted: boolean;
    try {
      deleted = store.deleteRecording(id);
    } catch (error) {
      throw toCliError(error);
    } finally {
      store.close();
    }
    if (!deleted) throw notFound(id);
    ctx.stderr.write(`Deleted ${id}\n`);
  },
});
