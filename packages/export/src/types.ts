import type { ExportFormat, ScrubMode } from "@replay-devkit/api";
import type { Recording, RedactionEntry } from "@replay-devkit/codec";

/** A stored recording and the one fact about its storage that an export records. */
export interface ExportSource {
  recording: Recording;
  /** When the recording last changed (ISO 8601): a bundle's `createdAt`, so unchanged data gives the same bytes. */
  updatedAt: string;
  /** Redactions made before this export (a bundle read back carries its log); kept in a bundle's log. */
  priorRedactions?: readonly RedactionEntry[];
}

export interface ExportRequest {
  format: ExportFormat;
  scrub: ScrubMode;
  /** rrweb only: the window to export (default: the recording's first). */
  window?: string;
}

/** Who wrote the file: the HAR `creator` and the bundle's `producer`. */
export interface Producer {
  name: string;
  /** The producing package's version, read from its package.json by the caller. */
  version: string;
}

/** One format's bytes, before any naming or headers. */
export interface FormatOutput {
  body: string | Uint8Array;
  /** Binary formats are refused on a terminal. */
  binary: boolean;
  contentType: string;
  /** Attachment name suffix after the recording id, e.g. `.posthog.json`. */
  extension: string;
}

export interface FormatInput {
  recording: Recording;
  /** The full redaction log: earlier ones first, then this export's. */
  redactions: RedactionEntry[];
  updatedAt: string;
  producer: Producer;
  window?: string;
}

export interface RenderedExport extends Omit<FormatOutput, "extension"> {
  /** A file name safe in a Content-Disposition header and on any file system. */
  filename: string;
  /** This export's redaction log (empty for raw exports); bundles carry it, after any earlier one. */
  redactions: RedactionEntry[];
  /** Values replaced in total. */
  redactionCount: number;
}
