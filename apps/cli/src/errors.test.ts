import { describe, expect, it } from "vitest";
import { CodecError } from "@replay-devkit/codec";
import { ExportError } from "@replay-devkit/export";
import { ServerStartError } from "@replay-devkit/server";
import { StoreError } from "@replay-devkit/store";
import { CliError, EXIT, formatError, toCliError } from "./errors.js";

describe("toCliError", () => {
  it("maps codec errors to invalid input, keeping the path and the cause", () => {
    const cause = new CodecError("INVALID_EVENT", "Event has no timestamp", { path: "[3].timestamp" });
    const error = toCliError(cause, "rec.json");
    expect(error.code).toBe("REPLAY_DEVKIT_INVALID_INPUT");
    expect(error.exitCode).toBe(EXIT.INVALID_INPUT);
    expect(error.message).toBe("rec.json: Event has no timestamp (at [3].timestamp)");
    expect(error.cause).toBe(cause);
  });

  it("maps size and version errors to their own codes", () => {
    expect(toCliError(new CodecError("TOO_LARGE", "big")).code).toBe("REPLAY_DEVKIT_TOO_LARGE");
    expect(toCliError(new CodecError("UNKNOWN_VERSION", "v9")).code).toBe(
      "REPLAY_DEVKIT_UNSUPPORTED_VERSION",
    );
  });

  it("maps store errors: not found → 3, others → database failure", () => {
    expect(toCliError(new StoreError("NOT_FOUND", "no such recording")).exitCode).toBe(EXIT.NOT_FOUND);
    const db = toCliError(new StoreError("NOT_A_DATABASE", "not sqlite"));
    expect(db.code).toBe("REPLAY_DEVKIT_DATABASE");
    expect(db.exitCode).toBe(EXIT.FAILURE);
  });

  it("maps export errors: an unknown window → not found (3), a bad request → usage (2)", () => {
    const window = toCliError(
      new ExportError("UNKNOWN_WINDOW", 'Recording r has no window "w"; it has a, b.'),
    );
    expect(window.code).toBe("REPLAY_DEVKIT_NOT_FOUND");
    expect(window.message).toBe('Recording r has no window "w"; it has a, b.');
    expect(toCliError(new ExportError("INVALID_REQUEST", "bad")).exitCode).toBe(EXIT.USAGE);
  });

  it("maps server start-up errors: a taken port → 5, a failed bind → I/O, bad options → usage", () => {
    const port = toCliError(new ServerStartError("PORT_IN_USE", "Port 8010 on 127.0.0.1 is already in use."));
    expect(port.code).toBe("REPLAY_DEVKIT_PORT_IN_USE");
    expect(port.exitCode).toBe(EXIT.PORT_IN_USE);
    expect(toCliError(new ServerStartError("LISTEN_FAILED", "EADDRNOTAVAIL")).code).toBe("REPLAY_DEVKIT_IO");
    expect(toCliError(new ServerStartError("INVALID_OPTIONS", "port")).exitCode).toBe(EXIT.USAGE);
  });

  it("maps file system errors by errno code", () => {
    const enoent = Object.assign(new Error("ENOENT: no such file"), { code: "ENOENT" });
    expect(toCliError(enoent).exitCode).toBe(EXIT.NOT_FOUND);
    const eacces = Object.assign(new Error("EACCES: permission denied"), { code: "EACCES" });
    expect(toCliError(eacces).code).toBe("REPLAY_DEVKIT_IO");
  });

  it("treats anything else as an internal error that asks for --debug", () => {
    const error = toCliError(new TypeError("x is undefined"));
    expect(error.code).toBe("REPLAY_DEVKIT_INTERNAL");
    expect(error.hint).toMatch(/--debug/);
  });
});

describe("formatError", () => {
  it("prints one line without a stack, and the stack and cause with debug", () => {
    const error = new CliError("REPLAY_DEVKIT_NOT_FOUND", "no recording abc", {
      hint: "Run list.",
      cause: new Error("inner"),
    });
    const plain = formatError(error, false);
    expect(plain).toBe("replay-devkit: no recording abc (Run list.) [REPLAY_DEVKIT_NOT_FOUND]\n");
    const debug = formatError(error, true);
    expect(debug).toContain("at ");
    expect(debug).toContain("caused by: Error: inner");
  });
});
