// snappyjs ships no types; the tests use it only to produce Snappy blocks from a second implementation.
declare module "snappyjs" {
  export function compress(input: Uint8Array): Uint8Array;
  export function uncompress(input: Uint8Array, maxLength?: number): Uint8Array;
}
