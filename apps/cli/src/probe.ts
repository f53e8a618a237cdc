import { request } from "node:http";
import { API_ROUTES, type HealthResponse } from "@replay-devkit/api";

export type ProbeResult =
  | { kind: "replay-devkit"; version: string }
  /** Something answered HTTP, but it is not us. */
  | { kind: "other"; detail: string }
  /** Nothing accepted the connection: the port is free (as far as this host can tell). */
  | { kind: "free" }
  /** A socket accepted but did not answer in time: something holds the port. */
  | { kind: "silent" };

/**
 * Asks `GET /health` on host:port with a hard deadline, so a hung process on the port cannot make
 * `dev` hang too. The answer body is capped: anything could be listening there.
 */
export function probeHealth(host: string, port: number, timeoutMs = 800): Promise<ProbeResult> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: ProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(result);
    };
    const req = request(
      { host, port, path: API_ROUTES.health, method: "GET", headers: { accept: "application/json" } },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          body += chunk;
          if (body.length > 16_384)
            finish({ kind: "other", detail: `HTTP ${res.statusCode}, oversized /health answer` });
        });
        res.on("end", () => {
          try {
            const doc = JSON.parse(body) as Partial<Record<keyof HealthResponse, unknown>>;
            if (res.statusCode === 200 && doc.name === "replay-devkit") {
              finish({
                kind: "replay-devkit",
                version: typeof doc.version === "string" ? doc.version : "unknown",
              });
              return;
            }
          } catch {
            // Not JSON: some other server.
          }
          finish({ kind: "other", detail: `HTTP ${res.statusCode} from /health` });
        });
        res.on("error", () => finish({ kind: "other", detail: "a broken HTTP answer" }));
      },
    );
    const timer = setTimeout(() => finish({ kind: "silent" }), timeoutMs);
    req.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ECONNREFUSED" || error.code === "EADDRNOTAVAIL") finish({ kind: "free" });
      else finish({ kind: "other", detail: error.code ?? error.message });
    });
    req.end();
  });
}

/**
 * Whether a server URL (http or https, any path prefix) is a replay-devkit: its `/health` answers
 * name "replay-devkit" within the deadline. Anything else, including no answer, is `other`/`free`.
 */
export async function probeUrl(url: string, timeoutMs = 2000): Promise<ProbeResult> {
  let health: URL;
  try {
    health = new URL(API_ROUTES.health.replace(/^\//, ""), url.endsWith("/") ? url : `${url}/`);
  } catch {
    return { kind: "other", detail: "not a URL" };
  }
  try {
    const res = await fetch(health, { signal: AbortSignal.timeout(timeoutMs), redirect: "error" });
    const text = (await res.text()).slice(0, 16_384);
    const doc = JSON.parse(text) as { name?: unknown; version?: unknown };
    if (res.status === 200 && doc.name === "replay-devkit")
      return { kind: "replay-devkit", version: typeof doc.version === "string" ? doc.version : "?" };
    return { kind: "other", detail: `HTTP ${res.status}` };
  } catch {
    return { kind: "other", detail: "no replay-devkit /health answer" };
  }
}
