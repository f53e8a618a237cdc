import { writeBundle } from "@replay-devkit/codec";
import { ZIP_TYPE } from "./content-type.js";
import type { FormatInput, FormatOutput } from "./types.js";

/**
 * The replay-devkit bundle (zip with manifest and redaction log). `createdAt` is the recording's
 * last update, never "now", so a bundle of unchanged data is byte-identical wherever it is made.
 */
export async function renderBundle({
  recording,
  redactions,
  updatedAt,
  producer,
}: FormatInput): Promise<FormatOutput> {
  const body = await writeBundle(recording, {
    producer: `${producer.name} ${producer.version}`,
    redactions,
    createdAt: new Date(updatedAt),
  });
  return { body, binary: true, contentType: ZIP_TYPE, extension: ".replay-bundle.zip" };
}
