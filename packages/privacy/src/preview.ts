import type { DetectorId } from "./detectors.js";

/**
 * A preview that lets a person recognise the value without learning it: a few leading characters,
 * the length, and for cards the last four digits (what receipts show).
 */
export function redactedPreview(secret: string, detector: DetectorId): string {
  const value = secret.trim();
  const len = value.length;
  if (detector === "card-number") {
    const digits = value.replace(/\D/g, "");
    return `****${digits.slice(-4)} (${digits.length} digits)`;
  }
  if (detector === "email") {
    const at = value.indexOf("@");
    const local = value.slice(0, at);
    const domain = value.slice(at + 1);
    const dot = domain.lastIndexOf(".");
    return `${local.slice(0, 1)}***@${domain.slice(0, 1)}***${domain.slice(dot)}`;
  }
  if (len <= 6) return "*".repeat(len);
  const head = len >= 24 ? 4 : len >= 10 ? 2 : 1;
  const tail = len >= 24 ? 2 : 0;
  return `${value.slice(0, head)}…${tail ? value.slice(-tail) : ""} (${len} chars)`;
}
