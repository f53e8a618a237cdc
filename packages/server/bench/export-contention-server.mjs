// The server side of export-contention.bench.mjs, in its own process so the load generator never
// shares its event loop. Usage: node export-contention-server.mjs <inline|worker> <db file>
// Prints {"port":N} on stdout when listening; exits on SIGTERM or when stdin closes.
import { createHandler, listen } from "../dist/index.js";
import { openStore } from "@replay-devkit/store";

const [mode, file] = process.argv.slice(2);
if ((mode !== "inline" && mode !== "worker") || !file) {
  console.error("usage: node export-contention-server.mjs <inline|worker> <db file>");
  process.exit(2);
}

const store = openStore(file);
const handler = createHandler({
  store,
  version: "bench",
  captureDir: null,
  compactIdleMs: null,
  exportWorkers: { threads: mode === "worker" ? 1 : 0 },
});
const listening = await listen(handler, { port: 0, host: "127.0.0.1", handleSignals: false });
if (handler.exportStats.mode !== mode) {
  console.error(`asked for ${mode} exports, the server runs them ${handler.exportStats.mode}`);
  process.exit(1);
}
process.stdout.write(`${JSON.stringify({ port: listening.port })}\n`);

let closing = false;
const shutdown = async () => {
  if (closing) return;
  closing = true;
  await listening.close();
  store.close();
  process.exit(0);
};
process.on("SIGTERM", shutdown);
process.stdin.on("end", shutdown);
process.stdin.resume();
