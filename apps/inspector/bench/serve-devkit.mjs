// The devkit server for player.bench.mjs, in its own process like `replay-devkit dev`: a temp
// SQLite store holding the generated recording, and the built inspector. Prints {"port"} once
// listening; exits (removing the store) on SIGTERM or when stdin closes.
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createHandler } from "@replay-devkit/server";
import { openStore } from "@replay-devkit/store";
import { tempDir } from "@replay-devkit/test-utils";
import { generateRecording } from "./generate.mjs";

const OUT = join(dirname(fileURLToPath(import.meta.url)), "..", "out");
const [sessionId = "bench-60min", windowId = "bench-window"] = process.argv.slice(2);

const dir = tempDir("inspector-bench-");
const store = openStore(join(dir.path, "bench.db"));
const { events } = generateRecording();
const t0 = performance.now();
for (let i = 0; i < events.length; i += 2000) {
  store.ingestRrweb(sessionId, windowId, events.slice(i, i + 2000), {
    distinctId: "bench",
    batchId: `b${i}`,
  });
}
const ingestMs = Math.round(performance.now() - t0);
const handler = createHandler({
  store,
  staticDirs: { inspector: OUT },
  version: "0.0.0-bench",
  log: () => {},
});
const server = createServer(handler);
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port, ingestMs })}\n`);
});

let closing = false;
function shutdown() {
  if (closing) return;
  closing = true;
  handler.close();
  server.closeAllConnections();
  server.close(() => {
    store.close();
    dir.cleanup();
    process.exit(0);
  });
}
process.on("SIGTERM", shutdown);
process.stdin.on("end", shutdown);
process.stdin.resume();
