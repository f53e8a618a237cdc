import { run } from "./run.js";

function drained(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.writableLength === 0) resolve();
    else stream.once("drain", () => resolve());
  });
}

// The only place the process exits. It waits for piped output to drain first, so a large export
// to stdout is never cut short, and exits explicitly so a lingering timer cannot keep it alive.
const code = await run(process.argv.slice(2));
await Promise.all([drained(process.stdout), drained(process.stderr)]);
process.exit(code);
