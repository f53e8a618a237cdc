import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveDataDir } from "./env.js";

describe("resolveDataDir", () => {
  const home = "/home/u";
  it("prefers --data, resolved against the working directory", () => {
    expect(resolveDataDir("rel", { REPLAY_DEVKIT_DATA: "/x", HOME: home }, "/work")).toBe("/work/rel");
  });
  it("then $REPLAY_DEVKIT_DATA", () => {
    expect(
      resolveDataDir(undefined, { REPLAY_DEVKIT_DATA: "/x", XDG_DATA_HOME: "/xdg", HOME: home }, "/w"),
    ).toBe("/x");
  });
  it("then an absolute $XDG_DATA_HOME, ignoring a relative one", () => {
    expect(resolveDataDir(undefined, { XDG_DATA_HOME: "/xdg", HOME: home }, "/w")).toBe("/xdg/replay-devkit");
    expect(resolveDataDir(undefined, { XDG_DATA_HOME: "xdg", HOME: home }, "/w")).toBe(
      join(home, ".local/share/replay-devkit"),
    );
  });
  it("then ~/.local/share/replay-devkit", () => {
    expect(resolveDataDir(undefined, { HOME: home }, "/w")).toBe("/home/u/.local/share/replay-devkit");
  });
});
