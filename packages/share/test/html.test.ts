import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { scrubRecording } from "@replay-devkit/privacy";
import { decodeBinaryText, encodeBinaryText, renderHtml } from "../src/index.js";
import { PLAYER_SCRIPT } from "../src/generated/player.js";
import { KNOWN_VALUES, plantedRecording } from "../../privacy/test/planted.js";
import { SECRETS } from "../../privacy/test/secrets.js";
import { captureRecording } from "../../codec/test/helpers.js";
import { fileText, payloadOf } from "./read-html.js";

describe("binary text", () => {
  it("round-trips every byte through the windows-1252 reading a browser makes", () => {
    const bytes = new Uint8Array(256 * 4).map((_, i) => (i * 7) % 256);
    const encoded = encodeBinaryText(bytes);
    // What the HTML parser would change inside a <script> never appears.
    expect(encoded).not.toMatch(/[\0\r<]/);
    // A browser decodes 0x80-0x9F to the windows-1252 code points (Node's decoder does not).
    const win1252 = [...encoded]
      .map((c) => {
        const code = c.charCodeAt(0);
        if (code < 0x80 || code > 0x9f) return c;
        return new TextDecoder("windows-1252").decode(new Uint8Array([code])) === c
          ? c
          : String.fromCharCode(
              [
                0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039,
                0x152, 0x8d, 0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc,
                0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
              ][code - 0x80] as number,
            );
      })
      .join("");
    expect([...decodeBinaryText(win1252)]).toEqual([...bytes]);
    expect([...decodeBinaryText(encoded)]).toEqual([...bytes]);
  });

  it("rejects text a re-encoding garbled", () => {
    expect(() => decodeBinaryText("ok\u{fffd}")).toThrow(/not windows-1252/);
    expect(() => decodeBinaryText("=9")).toThrow(/broken escape/);
  });
});

describe("renderHtml", () => {
  const { recording, redactions } = scrubRecording(captureRecording("A"));
  const bytes = renderHtml(recording, { producer: "replay-devkit test", redactions, scrubbed: true });
  const text = fileText(bytes);

  it("declares a strict CSP whose script hash is the player's, and the charset first", () => {
    expect(text.slice(0, 200)).toContain('<meta charset="windows-1252">');
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(text)?.[1] ?? "";
    const hash = createHash("sha256").update(PLAYER_SCRIPT).digest("base64");
    expect(csp.split("; ")).toEqual([
      "default-src 'none'",
      `script-src 'sha256-${hash}'`,
      "style-src 'unsafe-inline' blob:",
      "img-src data: blob:",
      "font-src data: blob:",
      "media-src data: blob:",
      "base-uri 'none'",
      "form-action 'none'",
    ]);
    // One executable script (the player) and nothing outside the payload that is not ASCII.
    expect(text.match(/<script>/g)).toHaveLength(1);
    expect(text.includes(`<script>${PLAYER_SCRIPT}</script>`)).toBe(true);
  });

  it("stays within the player code plus 1.1x the gzip of the events", () => {
    // The player code: the whole file for a recording with nothing in it (script, styles, markup).
    const empty = { sessionId: recording.sessionId, distinctId: null, windows: [], posthogEvents: [] };
    const player = renderHtml(empty, {
      producer: "replay-devkit test",
      redactions: [],
      scrubbed: true,
    }).length;
    expect(player).toBeGreaterThan(PLAYER_SCRIPT.length);
    // The events as the bundle stores them: rrweb events and PostHog events, JSON lines.
    const events = recording.windows.flatMap((w) => w.events.map((e) => JSON.stringify(e)));
    const posthog = recording.posthogEvents.map((e) => JSON.stringify(e));
    const gzipped = gzipSync(`${[...events, ...posthog].join("\n")}\n`).length;
    expect(bytes.length).toBeLessThanOrEqual(player + 1.1 * gzipped);
  });

  it("carries the recording, the redaction log and the scan of what it holds", () => {
    const { payload } = payloadOf(bytes);
    expect(payload.sessionId).toBe(recording.sessionId);
    expect(payload.windows).toEqual(recording.windows);
    expect(payload.posthogEvents).toEqual(recording.posthogEvents);
    expect(payload.privacy.redactions).toEqual(redactions);
    expect(payload.privacy.scrubbed).toBe(true);
    expect(payload.privacy.scan.sessionId).toBe(recording.sessionId);
  });

  it("leaves no planted secret anywhere in the file, compressed or not", () => {
    const planted = plantedRecording().recording;
    const raw = renderHtml(planted, { producer: "t", redactions: [], scrubbed: false });
    // The guard: unscrubbed, the secrets are there (and the Privacy tab says it was raw).
    const rawJson = payloadOf(raw).json;
    expect(
      Object.values(SECRETS).filter((s) => rawJson.includes(JSON.stringify(s).slice(1, -1))),
    ).not.toEqual([]);
    expect(payloadOf(raw).payload.privacy.scrubbed).toBe(false);
    const scrubbed = scrubRecording(planted, { knownValues: KNOWN_VALUES });
    const file = renderHtml(scrubbed.recording, {
      producer: "t",
      redactions: scrubbed.redactions,
      scrubbed: true,
    });
    const { json } = payloadOf(file);
    for (const [name, secret] of Object.entries(SECRETS)) {
      const escaped = JSON.stringify(secret).slice(1, -1);
      expect(json.includes(escaped) || json.includes(secret), name).toBe(false);
      expect(fileText(file).includes(secret), name).toBe(false);
    }
  });
});
