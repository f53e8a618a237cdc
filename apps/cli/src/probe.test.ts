import { createServer as createHttpServer } from "node:http";
import { createServer as createTcpServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { probeHealth } from "./probe.js";

const servers: { close(cb: () => void): unknown }[] = [];

function listen(server: Server | ReturnType<typeof createHttpServer>): Promise<number> {
  servers.push(server);
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : 0);
    });
  });
}

afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise<void>((r) => server.close(() => r()));
});

describe("probeHealth", () => {
  it("recognises a replay-devkit /health answer", async () => {
    const port = await listen(
      createHttpServer((_req, res) =>
        res.end(JSON.stringify({ ok: true, name: "replay-devkit", version: "9.9.9" })),
      ),
    );
    expect(await probeHealth("127.0.0.1", port)).toEqual({ kind: "replay-devkit", version: "9.9.9" });
  });

  it("reports another HTTP server as other", async () => {
    const port = await listen(createHttpServer((_req, res) => res.writeHead(404).end("<html>nope</html>")));
    expect(await probeHealth("127.0.0.1", port)).toEqual({ kind: "other", detail: "HTTP 404 from /health" });
  });

  it("gives up on a socket that never answers instead of hanging", async () => {
    const sockets: Socket[] = [];
    const tcp = createTcpServer((socket) => sockets.push(socket));
    const port = await listen(tcp);
    expect(await probeHealth("127.0.0.1", port, 200)).toEqual({ kind: "silent" });
    for (const socket of sockets) socket.destroy();
  });

  it("stops reading an endless answer", async () => {
    const port = await listen(
      createHttpServer((_req, res) => {
        const chunk = "x".repeat(4096);
        const timer = setInterval(() => res.write(chunk), 1);
        res.on("close", () => clearInterval(timer));
      }),
    );
    expect(await probeHealth("127.0.0.1", port, 5000)).toMatchObject({ kind: "other" });
  });

  it("reports a closed port as free", async () => {
    const port = await listen(createTcpServer());
    await new Promise<void>((r) => servers.pop()!.close(() => r()));
    expect(await probeHealth("127.0.0.1", port)).toEqual({ kind: "free" });
  });
});
