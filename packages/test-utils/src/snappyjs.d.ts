// snappyjs ships no types; the PostHog stand-in uses it to write Snappy blocks with a second implementation.
declare module "snappyjs" {
  export function compress(input: Uint8Array): Uint8Array;
  export function uncompress(input: Uint8Array, maxLength?: number): Uint8Array;
}
