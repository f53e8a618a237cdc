import { Transform, type TransformCallback } from "node:stream";

/**
 * Drops any line longer than `max` bytes (logging it) and passes the rest through. The SDK's own
 * buffer limit closes the whole connection on one oversized message; an agent should instead get
 * its next request answered.
 */
export function limitLines(max: number, onDrop: (bytes: number) => void): Transform {
  let length = 0;
  let dropping = false;
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      let start = 0;
      while (start < chunk.length) {
        const newline = chunk.indexOf(0x0a, start);
        const end = newline === -1 ? chunk.length : newline + 1;
        const piece = chunk.subarray(start, end);
        length += piece.length;
        if (!dropping && length > max) {
          dropping = true;
          // The head of this line already went through; a newline ends it as one malformed message.
          this.push(Buffer.from("\n"));
        }
        if (!dropping) this.push(piece);
        if (newline !== -1) {
          if (dropping) onDrop(length);
          length = 0;
          dropping = false;
        }
        start = end;
      }
      done();
    },
  });
}
