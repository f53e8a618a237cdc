import { CliError } from "../errors.js";

/** How the client reaches another replay-devkit server, and what it may wait. */
export interface ClientOptions {
  /** The server's base URL, e.g. https://replay.staging.example. */
  url: string;
  /** Sent as `Authorization: Bearer …`; never printed. */
  token: string | null;
  /** Attempts for one request when the server answers 5xx or the connection drops (default 4). */
  attempts?: number;
  /** First wait between attempts, doubled each time (default 500 ms). */
  backoffMs?: number;
  /** For tests. */
  fetch?: typeof fetch;
}

export interface ResponseOf<T> {
  status: number;
  body: T;
}

const RETRYABLE = new Set([502, 503, 504]);

/**
 * A small HTTP client for the JSON API of another replay-devkit (`dev` or `serve`). Each failure is
 * a CLI error whose message names the server and the cause: no token or a refused one
 * (REPLAY_DEVKIT_UNAUTHORIZED, exit 7), a missing recording (NOT_FOUND), and everything the other
 * side got wrong or could not be reached for (REPLAY_DEVKIT_REMOTE, exit 8), after retries.
 */
export class DevkitClient {
  readonly base: URL;
  private readonly token: string | null;
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(options: ClientOptions) {
    let base: URL;
    try {
      base = new URL(options.url);
    } catch {
      throw new CliError("REPLAY_DEVKIT_USAGE", `${JSON.stringify(options.url)} is not a URL`, {
        hint: "Give the server as http(s)://host[:port].",
      });
    }
    if (base.protocol !== "http:" && base.protocol !== "https:")
      throw new CliError("REPLAY_DEVKIT_USAGE", `${base.protocol} is not a server URL scheme`, {
        hint: "Give the server as http(s)://host[:port].",
      });
    base.username = "";
    base.password = "";
    base.search = "";
    base.hash = "";
    if (!base.pathname.endsWith("/")) base.pathname += "/";
    this.base = base;
    this.token = options.token;
    this.attempts = options.attempts ?? 4;
    this.backoffMs = options.backoffMs ?? 500;
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** The server as the user typed it, without credentials, for messages. */
  get label(): string {
    return this.base.origin + this.base.pathname.replace(/\/$/, "");
  }

  async getJson<T>(path: string): Promise<ResponseOf<T | null>> {
    const res = await this.send("GET", path, undefined, [404]);
    if (res.status === 404) {
      await res.body?.cancel();
      return { status: 404, body: null };
    }
    return { status: res.status, body: (await this.readJson(res, path)) as T };
  }

  async getBytes(path: string): Promise<Uint8Array> {
    const res = await this.send("GET", path);
    return new Uint8Array(await res.arrayBuffer());
  }

  /** A streamed body, for NDJSON pages that may be long. */
  async getText(path: string): Promise<string> {
    const res = await this.send("GET", path);
    return res.text();
  }

  async postBytes<T>(path: string, body: Uint8Array, contentType: string): Promise<T> {
    const res = await this.send("POST", path, { body, contentType });
    return (await this.readJson(res, path)) as T;
  }

  private async readJson(res: Response, path: string): Promise<unknown> {
    try {
      return await res.json();
    } catch (cause) {
      throw new CliError("REPLAY_DEVKIT_REMOTE", `${this.label}${path}: the answer is not JSON`, {
        hint: "Check that the URL points at a replay-devkit server (its /health names replay-devkit).",
        cause,
      });
    }
  }

  private async send(
    method: string,
    path: string,
    payload?: { body: Uint8Array; contentType: string },
    accepted: readonly number[] = [],
  ): Promise<Response> {
    const url = new URL(path.replace(/^\//, ""), this.base);
    const headers: Record<string, string> = { accept: "application/json" };
    if (this.token !== null) headers.authorization = `Bearer ${this.token}`;
    if (payload) headers["content-type"] = payload.contentType;
    let lastProblem = "";
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      let res: Response;
      try {
        res = await this.fetchImpl(url, {
          method,
          headers,
          // A copy typed as fetch wants it (a view on a plain ArrayBuffer).
          ...(payload ? { body: new Uint8Array(payload.body) } : {}),
          redirect: "error",
        });
      } catch (cause) {
        lastProblem = `cannot reach it (${describeNetworkError(cause)})`;
        if (attempt < this.attempts) {
          await this.wait(attempt);
          continue;
        }
        throw new CliError("REPLAY_DEVKIT_REMOTE", `${this.label}: ${lastProblem}`, {
          hint: "Check the URL and that the server is running.",
          cause,
        });
      }
      if (res.ok || accepted.includes(res.status)) return res;
      const message = await errorMessage(res);
      if (res.status === 401) {
        throw new CliError(
          "REPLAY_DEVKIT_UNAUTHORIZED",
          this.token === null ? `${this.label} needs a token` : `${this.label} refused the token`,
          { hint: "Set REPLAY_DEVKIT_TOKEN to the server's token." },
        );
      }
      if (res.status === 404) {
        throw new CliError("REPLAY_DEVKIT_NOT_FOUND", `${this.label}: ${message}`);
      }
      lastProblem = `answered ${res.status}: ${message}`;
      if (RETRYABLE.has(res.status) && attempt < this.attempts) {
        await this.wait(attempt, res.headers.get("retry-after"));
        continue;
      }
      throw new CliError("REPLAY_DEVKIT_REMOTE", `${this.label}${url.pathname} ${lastProblem}`, {
        hint:
          res.status >= 500
            ? "The server failed; see its log, then run the command again (it resumes)."
            : undefined,
      });
    }
    // The loop always returns or throws; this keeps the compiler sure of it.
    throw new CliError("REPLAY_DEVKIT_REMOTE", `${this.label}: ${lastProblem}`);
  }

  private wait(attempt: number, retryAfter?: string | null): Promise<void> {
    const seconds = retryAfter ? Number(retryAfter) : Number.NaN;
    const ms =
      Number.isFinite(seconds) && seconds >= 0
        ? Math.min(seconds * 1000, 30_000)
        : this.backoffMs * 2 ** (attempt - 1);
    return new Promise((resolve) => setTimeout(resolve, ms));
  }
}

async function errorMessage(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { error?: { message?: unknown } };
    if (typeof body.error?.message === "string") return body.error.message.slice(0, 500);
  } catch {
    // not our JSON error shape
  }
  return res.statusText || `HTTP ${res.status}`;
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === "string") return cause.code;
  if (typeof cause?.message === "string") return cause.message;
  return error instanceof Error ? error.message : String(error);
}
