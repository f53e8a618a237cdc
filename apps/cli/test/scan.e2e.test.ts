import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "@replay-devkit/test-utils";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers.js";

// A plain rrweb recording: no $session_options, so only the selectors given on the command line apply.
const dir = tempDir("replay-devkit-cli-scan-");
afterAll(() => dir.cleanup());
const file = join(dir.path, "account.rrweb.json");
const event = (type: number, timestamp: number, data: unknown) => ({ type, timestamp, data });
writeFileSync(
  file,
  JSON.stringify([
    event(4, 1000, { href: "https://app.example/account", width: 800, height: 600 }),
    event(2, 1001, {
      node: {
        type: 0,
        id: 1,
        childNodes: [
          {
            type: 2,
            id: 2,
            tagName: "section",
            attributes: { "data-private": "" },
            childNodes: [
              {
                type: 2,
                id: 3,
                tagName: "p",
                attributes: {},
                childNodes: [{ type: 3, id: 4, textContent: "Jane Roe" }],
              },
            ],
          },
          {
            type: 2,
            id: 5,
            tagName: "p",
            attributes: { id: "hello" },
            childNodes: [{ type: 3, id: 6, textContent: "Hello" }],
          },
        ],
      },
      initialOffset: { top: 0, left: 0 },
    }),
  ]),
);

describe("replay-devkit scan --mask-text-selector / --block-selector", () => {
  it("checks masking against the selectors given and exits 6 on clear text under them", async () => {
    expect((await runCli(["scan", file])).code).toBe(0);
    const res = await runCli(["scan", file, "--json", "--mask-text-selector", "[data-private] p"]);
    expect(res.code).toBe(6);
    const report = JSON.parse(res.stdout) as {
      findings: { detector: string; location: { selector?: string } }[];
    };
    expect(report.findings.map((f) => `${f.detector} ${f.location.selector ?? ""}`)).toEqual([
      "mask-violation section > p",
    ]);
    const blocked = await runCli(["scan", file, "--block-selector", "#hello"]);
    expect(blocked.code).toBe(6);
    expect(blocked.stdout).toContain("content inside a blocked element");
  });

  it("refuses a selector it cannot evaluate as a usage error", async () => {
    const res = await runCli(["scan", file, "--mask-text-selector", "p:first-child"]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(
      /maskTextSelector "p:first-child" cannot be evaluated \(unsupported: .*:first-child/,
    );
  });
});
