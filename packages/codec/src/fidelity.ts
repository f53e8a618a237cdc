import { isRecord } from "./json.js";
import type { Recording } from "./types.js";
import { CONSOLE_PLUGIN, NETWORK_PLUGIN } from "./validate.js";

/**
 * What a bundle keeps and lacks, as flags listed in its manifest (`fidelity`). Each flag is set
 * when its sentence is true of the bundle; the table is the documentation.
 */
export const FIDELITY_FLAGS = {
  scrubbed:
    "Secrets and personal data were replaced by the privacy scrubber on export; manifest.redactions lists each change.",
  raw: "Exported without scrubbing (--no-scrub): values are as recorded and may include secrets.",
  "inputs-masked":
    "Some typed values were masked at capture (posthog-js maskAllInputs): only their length survives.",
  "inputs-clear":
    "Some typed values were recorded in clear (and then scrubbed when the bundle is `scrubbed`).",
  console: "Console calls were recorded (the rrweb console plugin).",
  network: "Network requests were recorded: URL, method, status, timing.",
  "network-headers": "Some network requests carry their request or response headers.",
  "network-bodies": "Some network requests carry their request or response bodies.",
  "assets-complete":
    "assets/ holds every image, stylesheet and font the DOM references: it renders with no network.",
  "assets-partial":
    "assets/ holds some of the assets the DOM references; the rest point at their original URLs.",
  "assets-missing":
    "The DOM references assets and assets/ holds none: they load from their original URLs, if those still answer.",
  "mobile-wireframes":
    "Recorded by a PostHog mobile SDK: the DOM is a wireframe drawn from the native view tree, not the app's pixels.",
  "dom-snapshots":
    "dom/ holds static HTML of the page at each full snapshot and every 10 s in which it changed.",
} as const;

export type FidelityFlag = keyof typeof FIDELITY_FLAGS;

const MOBILE_LIBS = new Set(["posthog-ios", "posthog-android", "posthog-react-native", "posthog-flutter"]);

export interface FidelityInput {
  recording: Recording;
  scrubbed: boolean;
  /** How many referenced asset URLs there are, and how many of them the bundle holds. */
  assets: { referenced: number; pinned: number };
  domSnapshots: number;
}

function hasEntries(value: unknown): boolean {
  return isRecord(value) && Object.keys(value).length > 0;
}

function hasBody(value: unknown): boolean {
  return value !== undefined && value !== null && value !== "";
}

/** The fidelity flags of a bundle, in the order of {@link FIDELITY_FLAGS}. */
export function fidelityFlags(input: FidelityInput): FidelityFlag[] {
  const flags = new Set<FidelityFlag>([input.scrubbed ? "scrubbed" : "raw"]);
  for (const window of input.recording.windows) {
    for (const event of window.events) {
      const data: unknown = event.data;
      if (!isRecord(data)) continue;
      if (event.type === 3 && data.source === 5 && typeof data.text === "string" && data.text !== "")
        flags.add(/^\*+$/.test(data.text) ? "inputs-masked" : "inputs-clear");
      if ((event.type === 6 && data.plugin === CONSOLE_PLUGIN) || (event.type === 3 && data.source === 11))
        flags.add("console");
      if (event.type === 6 && data.plugin === NETWORK_PLUGIN && isRecord(data.payload)) {
        flags.add("network");
        const requests = Array.isArray(data.payload.requests) ? data.payload.requests : [];
        for (const r of requests) {
          if (!isRecord(r)) continue;
          if (hasEntries(r.requestHeaders) || hasEntries(r.responseHeaders)) flags.add("network-headers");
          if (hasBody(r.requestBody) || hasBody(r.responseBody)) flags.add("network-bodies");
        }
      }
      if (event.type === 2 && "wireframes" in data) flags.add("mobile-wireframes");
    }
  }
  for (const e of input.recording.posthogEvents)
    if (typeof e.properties.$lib === "string" && MOBILE_LIBS.has(e.properties.$lib))
      flags.add("mobile-wireframes");
  const { referenced, pinned } = input.assets;
  if (pinned >= referenced) flags.add("assets-complete");
  else flags.add(pinned === 0 ? "assets-missing" : "assets-partial");
  if (input.domSnapshots > 0) flags.add("dom-snapshots");
  return (Object.keys(FIDELITY_FLAGS) as FidelityFlag[]).filter((f) => flags.has(f));
}
