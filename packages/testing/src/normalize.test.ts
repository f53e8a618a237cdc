import { describe, expect, it } from "vitest";
import { diffDigests, isMasked, normalizeDigest, normalizeText } from "./normalize.js";

const entry = (path: string, text = "", hidden = false, value?: string) => ({
  path,
  text,
  hidden,
  ...(value !== undefined ? { value } : {}),
});

describe("normalizeText", () => {
  it("replaces dates, times, epoch timestamps and uuids", () => {
    expect(normalizeText("Order 3f2b8c1e-1111-4a2b-9c3d-0123456789ab at 2026-11-25T21:40:00Z")).toBe(
      "Order <uuid> at <date>",
    );
    expect(normalizeText("Updated 12:34:56 on 25/11/2026 (1795642387646)")).toBe(
      "Updated <time> on <date> (<timestamp>)",
    );
    expect(normalizeText("Order #1001", { volatileText: [/#\d+/] })).toBe("Order <volatile>");
    expect(normalizeText("2 items in your cart")).toBe("2 items in your cart");
  });

  it("treats star-only text as masked", () => {
    expect(isMasked("*****")).toBe(true);
    expect(isMasked("** **")).toBe(true);
    expect(isMasked("")).toBe(false);
    expect(isMasked("a*")).toBe(false);
  });
});

describe("normalizeDigest + diffDigests", () => {
  it("ignores generated ids, hashed classes and replay-only classes in paths", () => {
    const [a] = normalizeDigest([entry("body > div#el-4f3a9b2c1d.css-1q2w3e.banner.:hover[2]")]);
    expect(a?.path).toBe("body > div.banner[2]");
  });

  it("finds missing, unexpected, changed text, visibility and value", () => {
    const expected = [
      entry("body"),
      entry("body > h1", "Shop"),
      entry("body > p#status", "1 item"),
      entry("body > div#banner", "Saved", false),
      entry("body > input#email", "", false, "*****"),
      entry("body > input#qty", "", false, "2"),
      entry("body > ul > li", "gone"),
    ];
    const actual = [
      entry("body"),
      entry("body > h1", "Shop"),
      entry("body > p#status", "items: 1"),
      entry("body > div#banner", "Saved", true),
      entry("body > input#email", "", false, "anything"),
      entry("body > input#qty", "", false, "3"),
      entry("body > footer", "new"),
    ];
    expect(diffDigests(expected, actual)).toEqual([
      { kind: "text", path: "body > p#status", expected: "1 item", actual: "items: 1" },
      { kind: "visibility", path: "body > div#banner", expected: "visible", actual: "hidden" },
      { kind: "value", path: "body > input#qty", expected: "2", actual: "3" },
      { kind: "missing", path: "body > ul > li", expected: "gone" },
      { kind: "unexpected", path: "body > footer", actual: "new" },
    ]);
  });

  it("reports a class change on an element with an id as one element change", () => {
    const diffs = diffDigests(
      [entry("body"), entry("body > div#banner.banner.success", "Saved"), entry("body > p", "x")],
      [entry("body"), entry("body > div#banner.banner.error", "Failed"), entry("body > p", "x")],
    );
    expect(diffs).toEqual([
      {
        kind: "element",
        path: "body > div#banner.banner.success",
        expected: 'div#banner.banner.success "Saved"',
        actual: 'div#banner.banner.error "Failed"',
      },
    ]);
    // Without an id two siblings cannot be told apart from one changed element.
    expect(diffDigests([entry("body > p.a", "1")], [entry("body > p.b", "1")]).map((d) => d.kind)).toEqual([
      "missing",
      "unexpected",
    ]);
  });

  it("reports nothing for equal digests and ignores text inside hidden elements", () => {
    const same = [entry("body"), entry("body > p", "x")];
    expect(diffDigests(same, same)).toEqual([]);
    expect(
      diffDigests([entry("body > template-ish", "a", true)], [entry("body > template-ish", "b", true)]),
    ).toEqual([]);
  });
});

describe("diffDigests on large DOMs", () => {
  it("aligns thousands of elements without an n×m table and still finds each change", () => {
    const expected = Array.from({ length: 6000 }, (_, i) => entry(`body > ul > li[${i + 1}]`, `row ${i}`));
    const actual = expected.map((e) => ({ ...e }));
    actual[4321] = entry("body > ul > li[4322]", "changed");
    actual.splice(100, 1);
    actual.push(entry("body > footer", "new"));
    expect(diffDigests(expected, actual)).toEqual([
      { kind: "missing", path: "body > ul > li[101]", expected: "row 100" },
      { kind: "text", path: "body > ul > li[4322]", expected: "row 4321", actual: "changed" },
      { kind: "unexpected", path: "body > footer", actual: "new" },
    ]);
  });
});
