// The load side shared by the ingest benches: request bodies made from the real posthog-js /s/
// captures (fresh $snapshot uuids each), server processes (ingest-server.mjs) and a keep-alive
// load generator that spreads requests over one or several servers.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { Agent, request } from "node:http";
import { fileURLToPath } from "node:url";
import { gunzipSync, gzipSync } from "node:zlib";
import { capturedBody, capturedRequests, percentile } from "@replay-devkit/test-utils";

const SERVER_SCRIPT = fileURLToPath(new URL("./ingest-server.mjs", import.meta.url));

/** A UUIDv7 (ms timestamp + random), the shape posthog-js gives every event. */
export function uuidv7() {
  const bytes = randomBytes(16);
  const ms = Date.now();
  bytes.writeUIntBE(ms, 0, 6);
  bytes[6] = 0x70 | (bytes[6] & 0x0f);
  bytes[8] = 0x80 | (bytes[8] & 0x3f);
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function loadTemplates() {
  const templates = capturedRequests()
    .filter((r) => r.method === "POST" && r.path === "/s/")
    .map((r) => {
      const raw = capturedBody(r);
      if (!raw) throw new Error(`captured /s/ request ${r.run}#${r.seq} has no body file`);
      const batch = JSON.parse(gunzipSync(raw).toString("utf8"));
      if (
        !Array.isArray(batch) ||
        batch.some((e) => e?.event !== "$snapshot" || typeof e.uuid !== "string")
      ) {
        throw new Error(`captured /s/ request ${r.run}#${r.seq} is not an array of $snapshot events`);
      }
      const rrwebEvents = batch.reduce((n, e) => n + e.properties.$snapshot_data.length, 0);
      return { batch, rawBytes: raw.length, rrwebEvents, sessionId: batch[0].properties.$session_id };
    });
  if (templates.length === 0) throw new Error("no captured /s/ bodies found");
  return templates;
}

/**
 * gzip bodies cycling through the captured ones, each with fresh $snapshot uuids. `grow` adds
 * more between timed runs, so the pool fits the devkit's actual speed without preparing (and
 * holding) far more bodies than a run can send.
 */
export function createPool(templates) {
  const pool = { bodies: [], rrwebEvents: [], sessions: [], prepMs: 0 };
  pool.grow = (count) => {
    const start = performance.now();
    for (let i = pool.bodies.length; i < count; i++) {
      const template = templates[i % templates.length];
      for (const event of template.batch) event.uuid = uuidv7();
      pool.bodies.push(gzipSync(JSON.stringify(template.batch)));
      pool.rrwebEvents.push(template.rrwebEvents);
      pool.sessions.push(template.sessionId);
    }
    pool.prepMs += performance.now() - start;
  };
  return pool;
}

// ---- server processes ----------------------------------------------------------------------------

/** One ingest-server.mjs process; `pgUrl` is the database of the PostgreSQL modes. */
export async function startServer(mode, dir, { pgUrl } = {}) {
  // BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the servers.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const env = { ...process.env };
  if (pgUrl !== undefined) env.BENCH_PG_URL = pgUrl;
  const child = spawn(process.execPath, [...nodeArgs, SERVER_SCRIPT, mode, dir], {
    stdio: ["pipe", "pipe", "inherit"],
    env,
  });
  const port = await new Promise((resolve, reject) => {
    let out = "";
    const onData = (chunk) => {
      out += chunk;
      const line = out.split("\n")[0];
      if (out.includes("\n")) {
        child.stdout.off("data", onData);
        try {
          resolve(JSON.parse(line).port);
        } catch {
          reject(new Error(`${mode} server printed ${JSON.stringify(line)} instead of {"port":N}`));
        }
      }
    };
    child.stdout.on("data", onData);
    child.once("exit", (code) =>
      reject(new Error(`${mode} server exited with code ${code} before listening`)),
    );
  });
  return {
    port,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        child.once("exit", () => (clearTimeout(timer), resolve()));
        child.kill("SIGTERM");
      }),
  };
}

// ---- load generator ------------------------------------------------------------------------------

export function post(agent, port, body) {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: "127.0.0.1",
        port,
        method: "POST",
        path: "/s/",
        // What posthog-js sends: gzip bytes as text/plain, no Content-Encoding, from the app's origin.
        headers: {
          "content-type": "text/plain",
          "content-length": body.length,
          origin: "http://app.replay.test:3000",
        },
      },
      (res) => {
        const chunks = [];
        res.on("data", (chunk) => chunks.push(chunk));
        res.on("end", () =>
          resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * `concurrency` loops, each keeping one request in flight, for `seconds`; with `unique`, also until
 * the body pool runs out (the devkit must never see a body twice, or it would measure idempotent
 * no-ops).
 */
export async function runLoad({ port, concurrency, seconds, pool, cursor, unique }) {
  // Several servers (one store): loop i sends to ports[i mod n], like a load balancer would.
  const ports = Array.isArray(port) ? port : [port];
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies = [];
  let bytes = 0;
  let failures = 0;
  let firstFailure = null;
  let exhausted = false;
  const perSession = new Map();
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(seconds * 1e9));
  const loop = async (_, index) => {
    const target = ports[index % ports.length];
    while (process.hrtime.bigint() < deadline) {
      if (unique && cursor.next >= pool.bodies.length) {
        exhausted = true;
        return;
      }
      // The baselines store or drop bytes blindly, so repeating a body costs them the same.
      const index = cursor.next++ % pool.bodies.length;
      const body = pool.bodies[index];
      const sent = process.hrtime.bigint();
      const res = await post(agent, target, body);
      latencies.push(Number(process.hrtime.bigint() - sent) / 1e6);
      if (res.status === 200 && res.body.includes('"status":1')) {
        bytes += body.length;
        const session = pool.sessions[index];
        perSession.set(session, (perSession.get(session) ?? 0) + pool.rrwebEvents[index]);
      } else {
        failures += 1;
        firstFailure ??= `${res.status} ${res.body.slice(0, 200)}`;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, i) => loop(_, i)));
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  agent.destroy();
  return {
    requests: latencies.length,
    elapsed,
    reqPerSec: latencies.length / elapsed,
    mbPerSec: bytes / 1e6 / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    failures,
    firstFailure,
    exhausted,
    perSession,
  };
}

/** Reads back what the devkit stored, so a run that silently dropped bodies cannot pass as fast. */
export async function storedEvents(port) {
  const res = await fetch(`http://127.0.0.1:${port}/api/recordings?limit=100`);
  if (!res.ok) throw new Error(`GET /api/recordings answered ${res.status}`);
  const body = await res.json();
  const counts = new Map();
  for (const rec of body.recordings ?? []) counts.set(rec.id, rec.eventCount);
  return counts;
}
