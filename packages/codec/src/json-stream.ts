import { errorText } from "./bytes.js";
import { CodecError } from "./errors.js";
import { MAX_JSON_DEPTH } from "./json.js";

/** Where a value sits in the document: object keys and array indexes from the root. */
export type JsonPath = readonly (string | number)[];

/**
 * What to do with the value starting at a path: `emit` parses it whole and hands it over, `descend`
 * walks into it (a scalar is emitted instead), `skip` scans past it without keeping any of it.
 */
export type JsonSelect = (path: JsonPath) => "emit" | "descend" | "skip";

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;
const OPEN_ARRAY = 91;
const CLOSE_ARRAY = 93;
const OPEN_OBJECT = 123;
const CLOSE_OBJECT = 125;

interface Frame {
  kind: "object" | "array";
  /** The key or index of the value being read in this container. */
  key: string | number;
}

type State = "value" | "first-value" | "key" | "first-key" | "key-string" | "colon" | "after" | "done";

/**
 * A streaming JSON splitter: text goes in piece by piece, and the values a `select` callback asks
 * for come out parsed (by the platform's JSON.parse, one value at a time), so a document of any
 * size is read holding only the containers on the way down and the value being read. Values are
 * capped in size by `maxValueChars`; nesting by MAX_JSON_DEPTH.
 */
export class JsonStreamSplitter {
  private readonly frames: Frame[] = [];
  private state: State = "value";
  private chars = 0;
  // The key string being read, in pieces when it spans chunks.
  private keyParts: string[] = [];
  // The value being scanned: nesting inside it, string state, kept text (null when skipped).
  private inValue = false;
  private valueDepth = 0;
  private valueIsScalar = false;
  private inString = false;
  private escaped = false;
  private valueParts: string[] | null = null;
  private valueChars = 0;

  constructor(
    private readonly select: JsonSelect,
    private readonly onValue: (path: JsonPath, value: unknown) => void,
    private readonly maxValueChars: number,
  ) {}

  /** Characters consumed so far. */
  get position(): number {
    return this.chars;
  }

  write(text: string): void {
    let i = 0;
    const n = text.length;
    while (i < n) {
      if (this.inValue) {
        i = this.scanValue(text, i);
        continue;
      }
      if (this.state === "key-string") {
        i = this.scanKey(text, i);
        continue;
      }
      const c = text.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9) {
        i++;
        continue;
      }
      i = this.structural(text, i, c);
    }
    this.chars += n;
  }

  /** Throws unless exactly one whole document was read. */
  end(): void {
    if (this.inValue && this.valueIsScalar && this.valueDepth === 0 && !this.inString) this.finishValue("");
    if (this.state !== "done" || this.inValue) {
      throw new CodecError(
        "INVALID_JSON",
        `The file ends in the middle of its JSON after ${this.chars} characters (truncated?)`,
      );
    }
  }

  private fail(what: string, at: number): never {
    throw new CodecError(
      "INVALID_JSON",
      `The file is not valid JSON at character ${this.chars + at}: ${what}`,
    );
  }

  private path(): (string | number)[] {
    return this.frames.map((f) => f.key);
  }

  private structural(text: string, i: number, c: number): number {
    const frame = this.frames[this.frames.length - 1];
    switch (this.state) {
      case "first-value":
        return c === CLOSE_ARRAY ? this.close(i, "array") : this.startValue(text, i, c);
      case "value":
        return this.startValue(text, i, c);
      case "first-key":
        return c === CLOSE_OBJECT ? this.close(i, "object") : this.startKey(i, c);
      case "key":
        return this.startKey(i, c);
      case "colon":
        if (c !== COLON) this.fail("expected ':'", i);
        this.state = "value";
        return i + 1;
      case "after":
        if (!frame) this.fail("text after the document", i);
        if (c === COMMA) {
          if (frame.kind === "array") {
            frame.key = (frame.key as number) + 1;
            this.state = "value";
          } else {
            this.state = "key";
          }
          return i + 1;
        }
        return this.close(i, c === CLOSE_ARRAY ? "array" : c === CLOSE_OBJECT ? "object" : null);
      case "done":
        return this.fail("text after the document", i);
      default:
        return this.fail("unexpected state", i);
    }
  }

  private startKey(i: number, c: number): number {
    if (c !== QUOTE) this.fail("expected a key", i);
    this.state = "key-string";
    this.keyParts = ['"'];
    return i + 1;
  }

  private close(i: number, kind: Frame["kind"] | null): number {
    const frame = this.frames[this.frames.length - 1];
    if (!frame || kind !== frame.kind) this.fail("expected ',' or the end of the container", i);
    this.frames.pop();
    this.state = this.frames.length === 0 ? "done" : "after";
    return i + 1;
  }

  private startValue(text: string, i: number, c: number): number {
    const path = this.path();
    const action = this.select(path);
    const container = c === OPEN_ARRAY || c === OPEN_OBJECT;
    if (action === "descend" && container) {
      if (this.frames.length >= MAX_JSON_DEPTH)
        throw new CodecError("TOO_LARGE", `The file is nested more than ${MAX_JSON_DEPTH} levels deep`);
      if (c === OPEN_ARRAY) {
        this.frames.push({ kind: "array", key: 0 });
        this.state = "first-value";
      } else {
        this.frames.push({ kind: "object", key: "" });
        this.state = "first-key";
      }
      return i + 1;
    }
    this.inValue = true;
    this.valueIsScalar = !container;
    this.valueDepth = 0;
    this.inString = false;
    this.escaped = false;
    this.valueParts = action === "skip" ? null : [];
    this.valueChars = 0;
    if (c === QUOTE) {
      // A string value: scanning starts inside it, and the quote is kept with the rest.
      this.inString = true;
      this.keep(text, i, i + 1);
      return this.scanValue(text, i + 1);
    }
    return this.scanValue(text, i);
  }

  /** Scans the current value from `start`; returns where scanning stopped (the chunk's end or past the value). */
  private scanValue(text: string, start: number): number {
    const n = text.length;
    let i = start;
    while (i < n) {
      if (this.inString) {
        if (this.escaped) {
          this.escaped = false;
          i++;
          continue;
        }
        // Jump to the next quote; it ends the string unless an odd run of backslashes precedes it.
        const q = text.indexOf('"', i);
        if (q === -1) {
          this.escaped = backslashesBefore(text, n, i) % 2 === 1;
          i = n;
          break;
        }
        if (backslashesBefore(text, q, i) % 2 === 1) {
          i = q + 1;
          continue;
        }
        this.inString = false;
        i = q + 1;
        if (this.valueIsScalar) return this.finishScalarAt(text, start, i);
        continue;
      }
      const c = text.charCodeAt(i);
      if (this.valueIsScalar) {
        if (
          c === COMMA ||
          c === CLOSE_ARRAY ||
          c === CLOSE_OBJECT ||
          c === 32 ||
          c === 10 ||
          c === 13 ||
          c === 9
        ) {
          return this.finishScalarAt(text, start, i);
        }
        i++;
        continue;
      }
      if (c === QUOTE) this.inString = true;
      else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
        if (++this.valueDepth + this.frames.length > MAX_JSON_DEPTH)
          throw new CodecError("TOO_LARGE", `The file is nested more than ${MAX_JSON_DEPTH} levels deep`);
      } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
        if (--this.valueDepth === 0) {
          this.keep(text, start, i + 1);
          this.finishValue("");
          return i + 1;
        }
      }
      i++;
    }
    this.keep(text, start, i);
    return i;
  }

  private finishScalarAt(text: string, start: number, end: number): number {
    this.keep(text, start, end);
    this.finishValue("");
    return end;
  }

  private keep(text: string, start: number, end: number): void {
    if (!this.valueParts) return;
    this.valueChars += end - start;
    if (this.valueChars > this.maxValueChars) {
      throw new CodecError(
        "TOO_LARGE",
        `A single event in the file is larger than the limit of ${this.maxValueChars} characters (a bomb, or a recording cut wrong?)`,
      );
    }
    if (end > start) this.valueParts.push(text.slice(start, end));
  }

  private finishValue(rest: string): void {
    this.inValue = false;
    const parts = this.valueParts;
    this.valueParts = null;
    this.state = this.frames.length === 0 ? "done" : "after";
    if (!parts) return;
    const raw = parts.length === 1 ? (parts[0] as string) + rest : parts.join("") + rest;
    let value: unknown;
    try {
      value = JSON.parse(raw) as unknown;
    } catch (error) {
      throw new CodecError(
        "INVALID_JSON",
        `The file is not valid JSON before character ${this.chars}: ${errorText(error)}`,
        { cause: error },
      );
    }
    this.onValue(this.path(), value);
  }

  private scanKey(text: string, start: number): number {
    let i = start;
    const n = text.length;
    while (i < n) {
      if (this.escaped) {
        this.escaped = false;
        i++;
        continue;
      }
      const c = text.charCodeAt(i);
      if (c === BACKSLASH) this.escaped = true;
      else if (c === QUOTE) {
        this.keyParts.push(text.slice(start, i + 1));
        const raw = this.keyParts.join("");
        this.keyParts = [];
        const frame = this.frames[this.frames.length - 1] as Frame;
        try {
          frame.key = JSON.parse(raw) as string;
        } catch (error) {
          this.fail(`a key that does not parse (${errorText(error)})`, i);
        }
        this.state = "colon";
        return i + 1;
      }
      i++;
    }
    this.keyParts.push(text.slice(start, n));
    if (this.keyParts.reduce((s, p) => s + p.length, 0) > this.maxValueChars)
      throw new CodecError("TOO_LARGE", "A key in the file is larger than the limit");
    return n;
  }
}

/** How many backslashes run back from just before `end`, not looking before `from`. */
function backslashesBefore(text: string, end: number, from: number): number {
  let k = end - 1;
  while (k >= from && text.charCodeAt(k) === BACKSLASH) k--;
  return end - 1 - k;
}
