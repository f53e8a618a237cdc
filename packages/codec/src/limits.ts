/** Caps that keep hostile or accidental huge input from exhausting memory. */
export interface Limits {
  /** Upper bound on decompressed (or decoded) bytes for one body, file or packed field. */
  maxDecompressedBytes: number;
  /** Upper bound on the number of events in one body or file. Unlimited when absent. */
  maxEvents?: number;
}

export const DEFAULT_LIMITS: Limits = Object.freeze({ maxDecompressedBytes: 64 * 1024 * 1024 });

export function resolveLimits(partial?: Partial<Limits>): Limits {
  const max = partial?.maxDecompressedBytes ?? DEFAULT_LIMITS.maxDecompressedBytes;
  if (!Number.isFinite(max) || max <= 0)
    throw new RangeError("maxDecompressedBytes must be a positive number");
  const limits: Limits = { maxDecompressedBytes: max };
  const maxEvents = partial?.maxEvents ?? DEFAULT_LIMITS.maxEvents;
  if (maxEvents !== undefined) limits.maxEvents = maxEvents;
  return limits;
}
