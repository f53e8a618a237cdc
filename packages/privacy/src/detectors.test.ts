import { describe, expect, it } from "vitest";
import { cardBrand, DETECTOR_IDS, findTextMatches, ibanValid, luhnValid } from "./detectors.js";
import { compileEngine } from "./options.js";

const engine = compileEngine({ knownValues: ["Grace Hopper"] });
const found = (text: string) =>
  findTextMatches(text, engine).map((m) => [m.detector, text.slice(m.start, m.end)]);

describe("checksums", () => {
  it("Luhn accepts test card numbers and rejects a changed digit", () => {
    expect(luhnValid("4111111111111111")).toBe(true);
    expect(luhnValid("5555555555554444")).toBe(true);
    expect(luhnValid("378282246310005")).toBe(true);
    expect(luhnValid("4111111111111112")).toBe(false);
    expect(luhnValid("41111a1111111111")).toBe(false);
  });

  it("card brands need the issuer prefix and length", () => {
    expect(cardBrand("4111111111111111")).toBe("Visa");
    expect(cardBrand("5555555555554444")).toBe("Mastercard");
    expect(cardBrand("2223003122003222")).toBe("Mastercard");
    expect(cardBrand("378282246310005")).toBe("American Express");
    expect(cardBrand("6011111111111117")).toBe("Discover");
    expect(cardBrand("3530111333300000")).toBe("JCB");
    expect(cardBrand("30569309025904")).toBe("Diners Club");
    expect(cardBrand("1795342628267")).toBeUndefined(); // an epoch-ms timestamp
    expect(cardBrand("411111111111111")).toBeUndefined(); // Visa prefix, wrong length
  });

  it("IBAN mod-97 with per-country length", () => {
    expect(ibanValid("DE89370400440532013000")).toBe(true);
    expect(ibanValid("GB82WEST12345698765432")).toBe(true);
    expect(ibanValid("NL91ABNA0417164300")).toBe(true);
    expect(ibanValid("DE89370400440532013001")).toBe(false);
    expect(ibanValid("DE8937040044053201300")).toBe(false);
    expect(ibanValid("ZZ89370400440532013000")).toBe(false);
  });
});

describe("findTextMatches finds", () => {
  const cases: [string, string, string][] = [
    ["email", "write to jane.doe+tag@mail.example.co.uk today", "jane.doe+tag@mail.example.co.uk"],
    ["phone", "call +1 (415) 555-2671 now", "+1 (415) 555-2671"],
    ["phone", "tel:+447911123456", "+447911123456"],
    ["phone", "office (555) 123-4567", "(555) 123-4567"],
    ["phone", "office 555-123-4567.", "555-123-4567"],
    ["card-number", "card 4111-1111-1111-1111 exp", "4111-1111-1111-1111"],
    ["card-number", "amex 3782 822463 10005", "3782 822463 10005"],
    ["iban", "IBAN: NL91 ABNA 0417 1643 00 thanks", "NL91 ABNA 0417 1643 00"],
    ["iban", "GB82WEST12345698765432", "GB82WEST12345698765432"],
    ["bearer-token", "Authorization: Bearer abc.DEF-123_xyz/+=", "abc.DEF-123_xyz/+="],
    ["api-key", `key ${"sk_live_"}abcdefghijklmnop1234`, `${"sk_live_"}abcdefghijklmnop1234`],
    ["api-key", `${"ghp_"}${"a".repeat(36)}`, `${"ghp_"}${"a".repeat(36)}`],
    ["api-key", `${"github_pat_"}${"A1_".repeat(10)}`, `${"github_pat_"}${"A1_".repeat(10)}`],
    ["api-key", `aws=${"AKIA"}ABCDEFGHIJKLMNOP`, `${"AKIA"}ABCDEFGHIJKLMNOP`],
    ["api-key", `${"phx_"}abcdefghijklmnopqrstuvwxyz`, `${"phx_"}abcdefghijklmnopqrstuvwxyz`],
    ["api-key", `${"xoxb-"}1234567890-abcdefghij`, `${"xoxb-"}1234567890-abcdefghij`],
    ["api-key", `${"AIza"}${"B".repeat(35)}`, `${"AIza"}${"B".repeat(35)}`],
    ["api-key", `${"sk-proj-"}${"C".repeat(40)}`, `${"sk-proj-"}${"C".repeat(40)}`],
    ["known-value", "Signed in as Grace Hopper.", "Grace Hopper"],
  ];
  for (const [detector, text, match] of cases) {
    it(`${detector} in ${JSON.stringify(text.slice(0, 40))}`, () => {
      expect(found(text)).toEqual([[detector, match]]);
    });
  }

  it("a JWT with a JSON header", () => {
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const jwt = `${b64({ alg: "RS256" })}.${b64({ sub: "1" })}.sig_nature-1`;
    expect(found(`token=${jwt};`)).toEqual([["jwt", jwt]]);
    // Looks like a JWT, but the header is not JSON with "alg".
    const fake = `${b64({ typ: "x" })}.${b64({ sub: "1" })}.sig`;
    expect(found(fake)).toEqual([]);
  });
});

describe("findTextMatches stays quiet on", () => {
  const quiet = [
    "phc_test", // the PostHog project token is public
    `${"phc_"}${"a".repeat(40)}`,
    "01a202c2-74cd-7f89-946b-520763bdef30", // uuid v7
    "2026-11-22T10:17:07.718Z",
    "1795342628267", // epoch ms
    "1.449.2",
    "logo@2x.png",
    "srcset: hero@3x.webp 3x",
    "rgb(255, 255, 255)",
    "translate(1280px, 800px)",
    "Order 123456 shipped",
    "1234 5678", // short digit groups
    "v=4111111111111112", // Luhn fails
    "width: 100%; height: 50%",
    "SCRIPT_PLACEHOLDER",
    "Bearer short",
    "*************",
    "sk_live_short",
    "AKIA1234", // too short
    "user@localhost", // no TLD
    "+1 2", // too few digits for a phone number
    "ABCD12EFGH34IJKL56", // upper-case id, not an IBAN
  ];
  for (const text of quiet) {
    it(JSON.stringify(text), () => expect(found(text)).toEqual([]));
  }
});

describe("overlaps and options", () => {
  it("keeps one match per character range", () => {
    const text = "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln";
    const matches = findTextMatches(text, engine);
    expect(matches).toHaveLength(1);
    expect(matches[0]!.detector).toBe("jwt");
  });

  it("respects disabled detectors and the allowlist", () => {
    const off = compileEngine({ detectors: { email: false } });
    expect(findTextMatches("a@b.example.com", off)).toEqual([]);
    const allow = compileEngine({ allowlist: ["support@example.com", /^\+1 555/] });
    expect(findTextMatches("mail support@example.com or +1 555 010 9999", allow)).toEqual([]);
    expect(findTextMatches("mail sales@example.com", allow)).toHaveLength(1);
  });

  it("every detector id can be switched off", () => {
    const none = compileEngine({ detectors: Object.fromEntries(DETECTOR_IDS.map((id) => [id, false])) });
    expect(none.enabled.size).toBe(0);
  });
});
