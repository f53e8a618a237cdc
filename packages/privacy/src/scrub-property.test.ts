import { describe, expect, it } from "vitest";
import { inspect, type SlotContext } from "./inspect.js";
import { compileEngine } from "./options.js";

// A small seeded PRNG: the cases are random-looking but every run (and every failure) is reproducible.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
const SECRETS = [
  "ann.smith@example.org",
  "4012888888881881",
  "5105 1051 0510 5100",
  "FR14 2004 1010 0505 0001 3M02 606",
  `${b64({ alg: "HS256" })}.${b64({ sub: "42" })}.c2lnbmF0dXJl`,
  ["ghp", "_", "Zz9".repeat(12)].join(""),
  ["AKIA", "Z7Y6X5W4V3U2T1S0"].join(""),
  "+33 1 42 68 53 00",
];
const ALPHABET = "abcXYZ0123456789 .,:;/?=&#@-_+()*\"'[]{}\n";

function noise(next: () => number, max: number): string {
  let out = "";
  const n = Math.floor(next() * max);
  for (let i = 0; i < n; i++) out += ALPHABET[Math.floor(next() * ALPHABET.length)];
  return out;
}

describe("scrubbing random text with planted secrets", () => {
  const engine = compileEngine({});
  const contexts: SlotContext[] = [{ format: "text" }, { format: "json-text" }, { format: "url" }];

  it("never leaves a planted secret behind and is idempotent (2000 seeded cases)", () => {
    const next = rng(20261125);
    for (let i = 0; i < 2000; i++) {
      const secret = SECRETS[i % SECRETS.length] as string;
      // Separators around the secret: detectors need a word boundary, as real text has.
      const value = `${noise(next, 30)} ${secret} ${noise(next, 30)}`;
      const ctx = contexts[i % contexts.length] as SlotContext;
      const once = inspect(value, ctx, engine, true);
      expect(once.output.includes(secret), `case ${i}: ${JSON.stringify(value)}`).toBe(false);
      expect(once.hits.length, `case ${i}`).toBeGreaterThan(0);
      const twice = inspect(once.output, ctx, engine, true);
      expect(twice.hits, `case ${i} not idempotent: ${JSON.stringify(once.output)}`).toEqual([]);
    }
  });

  it("leaves masked values byte-identical", () => {
    const next = rng(7);
    for (let i = 0; i < 500; i++) {
      const masked = "*".repeat(1 + Math.floor(next() * 40)) + (next() < 0.3 ? " \n" : "");
      for (const ctx of contexts) expect(inspect(masked, ctx, engine, true).output).toBe(masked);
    }
  });
});
