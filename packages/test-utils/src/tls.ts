import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "./temp.js";

/**
 * A fresh self-signed certificate for 127.0.0.1 (PEM), made with Debian's `openssl`: what a
 * self-hosted server with its own certificate presents. Clients must refuse it unless told otherwise.
 */
export function selfSignedCertificate(): { key: string; cert: string } {
  using dir = tempDir("replay-devkit-tls-");
  const key = join(dir.path, "key.pem");
  const cert = join(dir.path, "cert.pem");
  execFileSync(
    "openssl",
    ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1"].concat([
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
    ]),
    { stdio: "ignore" },
  );
  return { key: readFileSync(key, "utf8"), cert: readFileSync(cert, "utf8") };
}
