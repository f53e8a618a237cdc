import { toHar } from "@replay-devkit/codec";
import { JSON_TYPE } from "./content-type.js";
import type { FormatInput, FormatOutput } from "./types.js";

/** HAR 1.2 of the recorded network requests, its creator naming the producer and its real version. */
export function renderHar({ recording, producer }: FormatInput): FormatOutput {
  const har = toHar(recording, { creator: producer.name, creatorVersion: producer.version });
  return { body: JSON.stringify(har, null, 2), binary: false, contentType: JSON_TYPE, extension: ".har" };
}
