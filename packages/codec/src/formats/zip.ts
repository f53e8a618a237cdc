import { unzipSync } from "fflate";
import { errorText, tooLargeMessage } from "../bytes.js";
import { CodecError } from "../errors.js";
import type { Limits } from "../limits.js";

/** More entries than this is no recording archive (a zip bomb of tiny files, or the wrong file). */
export const MAX_ZIP_ENTRIES = 10_000;

/**
 * Unzips with every bound checked before inflating: the entry count, each entry's declared size and
 * their sum. fflate inflates each entry into a buffer of its declared size and never grows it, so
 * checking the declared sizes bounds memory; a lying size only truncates data, which the readers
 * catch (checksums in bundles, Snappy framing in PostHog's raw exports).
 */
export function unzipCapped(bytes: Uint8Array, limits: Limits): Record<string, Uint8Array> {
  let count = 0;
  let declared = 0;
  try {
    return unzipSync(bytes, {
      filter(file) {
        count++;
        if (count > MAX_ZIP_ENTRIES) {
          throw new CodecError("INVALID_BUNDLE", `The zip has more than ${MAX_ZIP_ENTRIES} entries`);
        }
        declared += file.originalSize;
        if (file.originalSize > limits.maxDecompressedBytes || declared > limits.maxDecompressedBytes * 4) {
          throw new CodecError("TOO_LARGE", tooLargeMessage(limits.maxDecompressedBytes), {
            path: file.name,
          });
        }
        return true;
      },
    });
  } catch (error) {
    if (error instanceof CodecError) throw error;
    throw new CodecError("INVALID_BUNDLE", `Corrupt or truncated zip: ${errorText(error)}`, { cause: error });
  }
}

/** The entry names of a zip, read from its directory without inflating anything (null when unreadable). */
export function zipEntryNames(bytes: Uint8Array): string[] | null {
  const names: string[] = [];
  try {
    unzipSync(bytes, {
      filter(file) {
        if (names.length < MAX_ZIP_ENTRIES) names.push(file.name);
        return false;
      },
    });
    return names;
  } catch {
    return null;
  }
}
