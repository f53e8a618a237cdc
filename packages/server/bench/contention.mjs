// What the contention benches share: real posthog-js /s/ bodies, a server in a child process, and
// open-loop ingest (one body every 1000/rate ms whatever the server does, as browsers send them)
// with its latency percentiles.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { Agent, request } from "node:http";
import { gunzipSync, gzipSync } from "node:zlib";
import { capturedBody, capturedRequests, percentile } from "@replay-devkit/test-utils";

function uuidv7() {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(Date.now(), 0, 6);
  bytes[6] = 0x70 | (bytes[6] & 0x0f);
  bytes[8] = 0x80 | (bytes[8] & 0x3f);
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** `count` gzipped /s/ bodies from every captured POST /s/ (shared/fixtures), each with fresh uuids. */
export function prepareBodies(count) {
  const templates = capturedRequests()
    .filter((r) => r.method === "POST" && r.path === "/s/")
    .map((r) => JSON.parse(gunzipSync(capturedBody(r)).toString("utf8")));
  if (templates.length === 0) throw new Error("no captured /s/ bodies found");
  const bodies = [];
  for (let i = 0; i < count; i++) {
    const batch = templates[i % templates.length];
    for (const event of batch) event.uuid = uuidv7();
    bodies.push(gzipSync(JSON.stringify(batch)));
  }
  return bodies;
}

/** Runs `script args…` (a server that prints {"port":N} once listening); stop() ends it. */
export async function startServer(script, args) {
  const child = spawn(process.execPath, [script, ...args], { stdio: ["pipe", "pipe", "inherit"] });
  const port = await new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
      if (out.includes("\n")) resolve(JSON.parse(out.split("\n")[0]).port);
    });
    child.once("exit", (code) => reject(new Error(`server exited with ${code} before listening`)));
  });
  return {
    port,
    pid: child.pid,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
        child.once("exit", () => (clearTimeout(timer), resolve()));
        child.kill("SIGTERM");
      }),
  };
}

export function send(agent, port, method, path, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: "127.0.0.1",
        port,
        method,
        path,
        headers: body
          ? {
              "content-type": "text/plain",
              "content-length": body.length,
              origin: "http://app.replay.test:3000",
              ...headers,
            }
          : headers,
      },
      (res) => {
        let bytes = 0;
        let text = "";
        res.on("data", (chunk) => {
          bytes += chunk.length;
          if (text.length < 300) text += chunk.toString("utf8", 0, Math.min(chunk.length, 300));
        });
        res.on("end", () => resolve({ status: res.statusCode, bytes, text }));
        res.on("error", reject);
      },
    );
    // A reset or refused connection is a result here (what a browser would see), not a crash.
    req.on("error", (error) =>
      resolve({ status: 0, bytes: 0, text: `${error.code ?? ""} ${error.message}` }),
    );
    req.end(body);
  });
}

/**
 * Open-loop ingest for `seconds`: one /s/ body every 1000/rate ms. Resolves when every request
 * answered, with latency percentiles and failures (non-200 or not {"status":1}).
 */
export async function ingestLoad({ port, seconds, rate, bodies, cursor }) {
  const agent = new Agent({ keepAlive: true });
  const latencies = [];
  let failures = 0;
  let firstFailure = null;
  const interval = 1000 / rate;
  const count = Math.floor(seconds * rate);
  const began = performance.now();
  const inFlight = [];
  for (let n = 0; n < count; n++) {
    const due = began + n * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (cursor.next >= bodies.length) throw new Error("ran out of prepared /s/ bodies; raise the pool");
    const body = bodies[cursor.next++];
    const sent = performance.now();
    inFlight.push(
      send(agent, port, "POST", "/s/", body).then((res) => {
        latencies.push(performance.now() - sent);
        if (res.status !== 200 || !res.text.includes('"status":1')) {
          failures++;
          firstFailure ??= `${res.status} ${res.text.slice(0, 200)}`;
        }
      }),
    );
  }
  await Promise.all(inFlight);
  agent.destroy();
  return {
    requests: latencies.length,
    failures,
    firstFailure,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: Math.max(...latencies),
    latencies,
  };
}
