// Runs s3rver in its own process for startS3Server(). Its own process because s3rver 3.7 makes list
// continuation tokens with DES, which Node 20's OpenSSL 3 only offers behind --openssl-legacy-provider, a
// flag we do not want in the test process itself. Prints one JSON line `{"port":N}` once listening.
import type { AddressInfo } from "node:net";

import S3rver from "s3rver";

const { directory, bucket } = JSON.parse(process.argv[2] ?? "{}") as { directory: string; bucket: string };
const server = new S3rver({
  address: "127.0.0.1",
  port: 0,
  silent: true,
  directory,
  configureBuckets: [{ name: bucket }],
  // Path-style only: bucket names in the Host header would need wildcard DNS.
  vhostBuckets: false,
});
const address = (await server.run()) as AddressInfo;
process.stdout.write(`${JSON.stringify({ port: address.port })}\n`);
const stop = () => {
  void server.close().finally(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
// The parent closing our stdin (it exited, even by kill -9) means nobody will stop us.
process.stdin.on("end", stop);
process.stdin.resume();
