/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Functions that run inside the render page (passed to page.evaluate, so each is self-contained:
// no imports, no closures). The page loads rrweb's UMD build, mp4-muxer and gifenc from the local
// render server (see page.ts); WebCodecs needs the page's secure context (http://127.0.0.1).

interface RrwebReplayer {
  pause(timeOffset?: number): void;
  iframe: HTMLIFrameElement;
}
interface EncoderState {
  format: "mp4" | "gif";
  width: number;
  height: number;
  fps: number;
  canvas: OffscreenCanvas;
  frames: number;
  /** The last screenshot: frames where only the pointer moved reuse it. */
  last?: ImageBitmap;
  encoder?: VideoEncoder;
  muxer?: {
    addVideoChunk(chunk: EncodedVideoChunk, meta?: EncodedVideoChunkMetadata): void;
    finalize(): void;
    target: { buffer: ArrayBuffer };
  };
  gif?: {
    writeFrame(index: Uint8Array, w: number, h: number, o: object): void;
    finish(): void;
    bytes(): Uint8Array;
  };
  error?: string;
}
interface RenderWindow {
  rrweb: { Replayer: new (events: unknown[], config: object) => RrwebReplayer };
  __rd: {
    M: Record<string, new (...args: never[]) => unknown>;
    G: Record<string, (...args: never[]) => unknown>;
  };
  __replayer?: RrwebReplayer;
  __enc?: EncoderState;
}

/** Builds the replayer over the events served at `url`, in #stage, at the recorded size. */
export async function setupReplayer(arg: { url: string }): Promise<number> {
  const w = window as unknown as RenderWindow;
  const events = (await (await fetch(arg.url)).json()) as unknown[];
  const stage = document.getElementById("stage") as HTMLElement;
  const replayer = new w.rrweb.Replayer(events, {
    root: stage,
    skipInactive: false,
    showWarning: false,
    showDebug: false,
    mouseTail: false,
    triggerFocus: false,
    speed: 1,
  });
  replayer.pause(0);
  w.__replayer = replayer;
  return events.length;
}

/** Shows the replay at `offset` ms, once its images and fonts have loaded (bounded) and it has painted. */
export async function showFrame(arg: { offset: number }): Promise<void> {
  const w = window as unknown as RenderWindow;
  const replayer = w.__replayer as RrwebReplayer;
  replayer.pause(arg.offset);
  const doc = replayer.iframe.contentDocument;
  if (doc) {
    const pending = [...doc.images].filter((img) => !img.complete);
    if (pending.length > 0)
      await Promise.race([
        Promise.all(
          pending.map(
            (img) => new Promise((resolve) => img.addEventListener("loadend", resolve, { once: true })),
          ),
        ),
        new Promise((resolve) => setTimeout(resolve, 1000)),
      ]);
    await Promise.race([doc.fonts.ready, new Promise((resolve) => setTimeout(resolve, 1000))]);
  }
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
}

/** Starts the encoder: H.264 (or VP9 when H.264 is unavailable) muxed as MP4, or a GIF. Returns the codec. */
export async function startEncoder(arg: {
  format: "mp4" | "gif";
  width: number;
  height: number;
  fps: number;
}): Promise<string> {
  const w = window as unknown as RenderWindow;
  const state: EncoderState = { ...arg, canvas: new OffscreenCanvas(arg.width, arg.height), frames: 0 };
  w.__enc = state;
  if (arg.format === "gif") {
    state.gif = (w.__rd.G.GIFEncoder as () => EncoderState["gif"])();
    return "gif";
  }
  const candidates: [string, string][] = [
    ["avc1.420028", "avc"],
    ["vp09.00.40.08", "vp9"],
  ];
  for (const [codec, muxCodec] of candidates) {
    const config: VideoEncoderConfig = {
      codec,
      width: arg.width,
      height: arg.height,
      bitrate: Math.round(arg.width * arg.height * arg.fps * 0.15),
      framerate: arg.fps,
      latencyMode: "quality",
      ...(muxCodec === "avc" ? { avc: { format: "avc" as const } } : {}),
    };
    const support = await VideoEncoder.isConfigSupported(config);
    if (!support.supported) continue;
    const Muxer = w.__rd.M.Muxer as unknown as new (o: object) => NonNullable<EncoderState["muxer"]>;
    const Target = w.__rd.M.ArrayBufferTarget as unknown as new () => object;
    const muxer = new Muxer({
      target: new Target(),
      video: { codec: muxCodec, width: arg.width, height: arg.height, frameRate: arg.fps },
      fastStart: "in-memory",
      firstTimestampBehavior: "offset",
    });
    const encoder = new VideoEncoder({
      output: (chunk, meta) => muxer.addVideoChunk(chunk, meta),
      error: (e) => (state.error = String(e)),
    });
    encoder.configure(config);
    state.encoder = encoder;
    state.muxer = muxer;
    return codec;
  }
  throw new Error("This Chromium's WebCodecs can encode neither H.264 nor VP9");
}

/**
 * Encodes the next frame: the new screenshot (base64 JPEG) or, when the page did not change, the
 * last one, scaled to the output size, with the pointer arrow and click rings drawn on top.
 */
export async function encodeFrame(arg: {
  jpeg: string | null;
  scale: number;
  pointer: { x: number; y: number } | null;
  clicks: { x: number; y: number; age: number }[];
}): Promise<void> {
  const w = window as unknown as RenderWindow;
  const state = w.__enc as EncoderState;
  if (state.error) throw new Error(state.error);
  if (arg.jpeg !== null) {
    const blob = await (await fetch(`data:image/jpeg;base64,${arg.jpeg}`)).blob();
    state.last?.close();
    state.last = await createImageBitmap(blob);
  }
  const ctx = state.canvas.getContext("2d", {
    willReadFrequently: state.format === "gif",
  }) as OffscreenCanvasRenderingContext2D;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, state.width, state.height);
  if (state.last) ctx.drawImage(state.last, 0, 0, state.width, state.height);
  ctx.setTransform(arg.scale, 0, 0, arg.scale, 0, 0);
  for (const c of arg.clicks) {
    ctx.globalAlpha = 1 - c.age;
    ctx.strokeStyle = "rgb(230, 60, 60)";
    ctx.lineWidth = 3;
    ctx.beginPath();
    ctx.arc(c.x, c.y, 8 + c.age * 22, 0, 2 * Math.PI);
    ctx.stroke();
  }
  ctx.globalAlpha = 1;
  if (arg.pointer) {
    const { x, y } = arg.pointer;
    const arrow = new Path2D("M1 1 L1 21 L6 16 L10 25 L13 24 L9 15 L16 15 Z");
    ctx.translate(x, y);
    ctx.fillStyle = "#111";
    ctx.strokeStyle = "#fff";
    ctx.lineWidth = 1.5;
    ctx.fill(arrow);
    ctx.stroke(arrow);
  }
  const i = state.frames++;
  if (state.gif) {
    const G = w.__rd.G as unknown as {
      quantize(d: Uint8ClampedArray, n: number): number[][];
      applyPalette(d: Uint8ClampedArray, p: number[][]): Uint8Array;
    };
    const { data } = ctx.getImageData(0, 0, state.width, state.height);
    const palette = G.quantize(data, 256);
    state.gif.writeFrame(G.applyPalette(data, palette), state.width, state.height, {
      palette,
      delay: Math.round(1000 / state.fps),
    });
    return;
  }
  const encoder = state.encoder as VideoEncoder;
  const frameUs = 1e6 / state.fps;
  const frame = new VideoFrame(state.canvas, {
    timestamp: Math.round(i * frameUs),
    duration: Math.round(frameUs),
  });
  encoder.encode(frame, { keyFrame: i % (state.fps * 2) === 0 });
  frame.close();
  while (encoder.encodeQueueSize > 4) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** Finishes the file and returns it as base64. */
export async function finishEncoder(): Promise<string> {
  const w = window as unknown as RenderWindow;
  const state = w.__enc as EncoderState;
  let bytes: Uint8Array;
  if (state.gif) {
    state.gif.finish();
    bytes = state.gif.bytes();
  } else {
    await (state.encoder as VideoEncoder).flush();
    if (state.error) throw new Error(state.error);
    (state.muxer as NonNullable<EncoderState["muxer"]>).finalize();
    bytes = new Uint8Array((state.muxer as NonNullable<EncoderState["muxer"]>).target.buffer);
  }
  const url = await new Promise<string>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(new Blob([bytes as Uint8Array<ArrayBuffer>]));
  });
  return url.slice(url.indexOf(",") + 1);
}
