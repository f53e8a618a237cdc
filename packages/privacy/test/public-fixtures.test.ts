import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readRecordingFile } from "@replay-devkit/codec";
import { PUBLIC_FIXTURES } from "@replay-devkit/test-utils";
import { describe, expect, it } from "vitest";
import { scanRecording, scrubRecording } from "../src/index.js";

async function load(file: string) {
  const { recordings } = await readRecordingFile(new Uint8Array(readFileSync(join(PUBLIC_FIXTURES, file))));
  return recordings;
}

describe("public recordings (shared/fixtures/public)", () => {
  // The rrweb-player examples are recordings of posthog.com from 2020. Their only findings are the
  // company's published contact addresses (mailto: links in the footer and docs), which is exactly
  // what the scanner should report on a real page: an e-mail in a link, in text and in its href.
  for (const file of [
    "rrweb-player-example__homepage.json",
    "rrweb-player-example__local-docs.json",
    "rrweb-player-example__mobile-homepage.json",
  ]) {
    it(`${file}: only posthog.com contact addresses`, async () => {
      const [rec] = await load(file);
      const report = scanRecording(rec!);
      expect(report.totals.findings).toBeGreaterThan(0);
      expect(Object.keys(report.totals.byDetector)).toEqual(["email"]);
      for (const f of report.findings) {
        expect(f.kind === "dom-text" || (f.kind === "dom-attribute" && f.location.attribute === "href")).toBe(
          true,
        );
        expect(f.location.selector).toMatch(/ > (a|p|span\.token\.string|em)$/);
      }
      // Allowlisting the company's domain (and the sample addresses in code snippets) leaves nothing.
      const allowed = scanRecording(rec!, { allowlist: [/@posthog\.com$/, /@(gmail\.com|org\.io)$/] });
      expect(allowed.findings).toEqual([]);
      // Scrubbing removes exactly what was found.
      const { redactions } = scrubRecording(rec!);
      expect(redactions.reduce((n, r) => n + (r.count ?? 1), 0)).toBe(report.totals.findings);
    });
  }

  for (const file of [
    "posthog__blob-v2-snapshot-block.jsonl",
    "posthog__mobile-incremental-wireframes.json",
  ]) {
    it(`${file}: clean`, async () => {
      for (const rec of await load(file)) expect(scanRecording(rec).findings).toEqual([]);
    });
  }
});
