// A stand-in for posthog-ios session replay (the SDK cannot run here). It builds the capture
// requests the SDK sends, from these facts of posthog-ios (`PostHogReplayIntegration.swift`,
// `PostHogApi.swift`, `PostHogSessionReplayConsoleLogsPlugin.swift`, `URLSessionExtension.swift`)
// and PostHog's mobile schema (`rr-mobile-schema.json`):
// - replay data goes to `/s/` as a gzip body holding a JSON *array* of events, each with `event`,
//   `distinct_id`, `properties`, `timestamp` (ISO), `uuid` and `api_key`;
// - `$snapshot` properties are `$snapshot_source: "mobile"`, `$snapshot_data` and `$session_id`;
//   there is no `$window_id`; the SDK adds `$lib: "posthog-ios"`, `$lib_version`, `$os: "iOS"`,
//   `$screen_width` and `$screen_height` to every event;
// - the Meta event is sent alone, its `$snapshot_data` one object (not an array), with the screen
//   name as `href`; a FullSnapshot's data is `{wireframes, initialOffset}`;
// - touches are MouseInteraction TouchStart/TouchEnd (7/9) on id 0 with pointerType 2;
// - the console plugin sends `{level, payload: "<text>"}` (a string); network telemetry sends
//   `name`, `method`, `responseStatus`, `duration`, `initiatorType`, `entryType`, `timestamp`, and no
//   bodies;
// - text inputs are masked on the device (`maskAllTextInputs`), so values arrive as asterisks.
import { randomUUID } from "node:crypto";
import { gzipSync } from "node:zlib";

/** A 1x1 PNG, base64 without a prefix (the format's default image type). */
export const TINY_PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

export interface MobileBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What the stand-in recording shows, so tests can check the replay against it. */
export interface MobileSessionFacts {
  sessionId: string;
  distinctId: string;
  screen: { width: number; height: number };
  start: number;
  /** Last event minus first. */
  durationMs: number;
  /** Offsets (ms from the first event) of the moments the checks use. */
  moments: { home: number; keyboard: number; signedIn: number; profile: number };
  texts: Record<
    "title" | "big" | "loading" | "signedIn" | "profile",
    MobileBox & { id: number; text: string }
  >;
  image: MobileBox & { id: number };
  email: MobileBox & { id: number; value: string };
  password: MobileBox & { id: number; value: string };
  toggleId: number;
  keyboardHeight: number;
  bigId: number;
  consoleText: string;
  requestUrl: string;
  screens: string[];
}

export interface MobileSession {
  facts: MobileSessionFacts;
  /** The capture events, one array per request, in sending order. */
  requests: Record<string, unknown>[][];
  /** Every rrweb-shaped event posted, in posting order (what the PostHog export must hold). */
  posted: Record<string, unknown>[];
}

const LIB_VERSION = "3.31.0";

/** A posthog-ios-like session: login screen, touches, keyboard, an update, a remove, then a second screen. */
export function posthogIosSession(
  sessionId: string = randomUUID(),
  start = Date.UTC(2026, 11, 1, 9, 0, 0),
): MobileSession {
  const distinctId = "ios-user-1";
  const screen = { width: 390, height: 844 };
  const bigId = 2 ** 32 + 77;
  const style = {
    color: "#111111",
    fontFamily: "-apple-system",
    fontSize: 17,
    paddingTop: 4,
    paddingLeft: 8,
  };
  const texts = {
    title: { id: 3, x: 20, y: 80, width: 350, height: 34, text: "Welcome back" },
    big: { id: bigId, x: 20, y: 720, width: 300, height: 24, text: "Build 2026.12" },
    loading: { id: 10, x: 20, y: 640, width: 200, height: 24, text: "Loading profile" },
    signedIn: { id: 3, x: 20, y: 80, width: 350, height: 34, text: "Signed in" },
    profile: { id: 21, x: 40, y: 120, width: 310, height: 40, text: "Jane's profile" },
  };
  const image = { id: 4, x: 145, y: 130, width: 100, height: 100 };
  const email = { id: 5, x: 20, y: 260, width: 350, height: 44, value: "****************" };
  const password = { id: 6, x: 20, y: 320, width: 350, height: 44, value: "********" };
  const text = (t: (typeof texts)[keyof typeof texts]) => ({ ...t, type: "text", style });
  const loginScreen = {
    id: 1,
    x: 0,
    y: 0,
    ...screen,
    type: "div",
    style: { backgroundColor: "#ffffff" },
    childWireframes: [
      {
        id: 2,
        x: 0,
        y: 0,
        width: 390,
        height: 47,
        type: "status_bar",
        style: { backgroundColor: "#f2f2f7" },
      },
      text(texts.title),
      { ...image, type: "image", base64: TINY_PNG },
      {
        ...email,
        type: "input",
        inputType: "email",
        disabled: false,
        style: { borderWidth: 1, borderColor: "#cccccc" },
      },
      {
        ...password,
        type: "input",
        inputType: "password",
        disabled: false,
        style: { borderWidth: 1, borderColor: "#cccccc" },
      },
      {
        id: 7,
        x: 20,
        y: 380,
        width: 350,
        height: 31,
        type: "input",
        inputType: "toggle",
        checked: true,
        disabled: false,
        label: "Remember me",
      },
      {
        id: 8,
        x: 20,
        y: 430,
        width: 350,
        height: 50,
        type: "input",
        inputType: "button",
        disabled: false,
        value: "Sign in",
        style: { backgroundColor: "#007aff", color: "#ffffff", borderRadius: 10 },
      },
      text(texts.big),
      {
        id: 9,
        x: 0,
        y: 810,
        width: 390,
        height: 34,
        type: "navigation_bar",
        style: { backgroundColor: "#000000" },
      },
    ],
  };
  const moments = { home: 500, keyboard: 1600, signedIn: 2600, profile: 4500 };
  const at = (offset: number) => start + offset;
  const snapshot = (data: unknown, offset: number) => ({ type: 3, data, timestamp: at(offset) });
  const keyboardHeight = 291;
  const consoleText = "login succeeded for ****";
  const requestUrl = "https://api.example.com/v1/login";
  // One entry per capture() call of the SDK: [$snapshot_data, timestamp offset].
  const captures: [unknown, number][] = [
    [
      {
        type: 4,
        data: { width: screen.width, height: screen.height, href: "LoginScreen" },
        timestamp: at(0),
      },
      0,
    ],
    [
      [
        {
          type: 2,
          data: { wireframes: [loginScreen], initialOffset: { top: 0, left: 0 } },
          timestamp: at(1),
        },
      ],
      1,
    ],
    [
      [
        snapshot({ source: 2, type: 7, id: 0, x: 195, y: 282, pointerType: 2 }, 1000),
        snapshot({ source: 2, type: 9, id: 0, x: 195, y: 282, pointerType: 2 }, 1080),
      ],
      1080,
    ],
    [
      [
        {
          type: 5,
          data: { tag: "keyboard", payload: { open: true, height: keyboardHeight } },
          timestamp: at(1500),
        },
      ],
      1500,
    ],
    [
      [
        snapshot({ source: 2, type: 7, id: 0, x: 195, y: 455, pointerType: 2 }, 2000),
        snapshot({ source: 2, type: 9, id: 0, x: 195, y: 455, pointerType: 2 }, 2090),
        {
          type: 5,
          data: { tag: "keyboard", payload: { open: false } },
          timestamp: at(2100),
        },
        snapshot(
          {
            source: 0,
            updates: [{ parentId: 1, wireframe: text(texts.signedIn) }],
            removes: [{ parentId: 1, id: image.id }],
            adds: [{ parentId: 1, wireframe: text(texts.loading) }],
          },
          2500,
        ),
      ],
      2500,
    ],
    [
      [
        {
          type: 6,
          data: { plugin: "rrweb/console@1", payload: { level: "info", payload: consoleText } },
          timestamp: at(2550),
        },
      ],
      2550,
    ],
    [
      [
        {
          type: 6,
          data: {
            plugin: "rrweb/network@1",
            payload: {
              requests: [
                {
                  duration: 120,
                  method: "POST",
                  name: requestUrl,
                  initiatorType: "fetch",
                  entryType: "resource",
                  timestamp: at(2400),
                  responseStatus: 200,
                  transferSize: 512,
                },
              ],
            },
          },
          timestamp: at(2560),
        },
      ],
      2560,
    ],
    [
      {
        type: 4,
        data: { width: screen.width, height: screen.height, href: "ProfileScreen" },
        timestamp: at(4000),
      },
      4000,
    ],
    [
      [
        {
          type: 2,
          data: {
            wireframes: [
              {
                id: 20,
                x: 0,
                y: 0,
                ...screen,
                type: "div",
                style: { backgroundColor: "#fafafa" },
                childWireframes: [text(texts.profile)],
              },
            ],
            initialOffset: { top: 0, left: 0 },
          },
          timestamp: at(4001),
        },
      ],
      4001,
    ],
  ];
  const event = (data: unknown, offset: number) => ({
    event: "$snapshot",
    distinct_id: distinctId,
    properties: {
      $snapshot_source: "mobile",
      $snapshot_data: data,
      $session_id: sessionId,
      $lib: "posthog-ios",
      $lib_version: LIB_VERSION,
      $os: "iOS",
      $os_version: "18.2",
      $device_type: "Mobile",
      $screen_width: screen.width,
      $screen_height: screen.height,
      distinct_id: distinctId,
    },
    timestamp: new Date(at(offset)).toISOString(),
    uuid: randomUUID(),
    api_key: "phc_ios_standin",
  });
  const events = captures.map(([data, offset]) => event(data, offset));
  // The replay queue flushes a few events per request.
  const requests = [events.slice(0, 2), events.slice(2, 5), events.slice(5)];
  const posted = captures.flatMap(([data]) => (Array.isArray(data) ? data : [data])) as Record<
    string,
    unknown
  >[];
  return {
    requests,
    posted,
    facts: {
      sessionId,
      distinctId,
      screen,
      start,
      durationMs: 4001,
      moments,
      texts,
      image,
      email,
      password,
      toggleId: 7,
      keyboardHeight,
      bigId,
      consoleText,
      requestUrl,
      screens: ["LoginScreen", "ProfileScreen"],
    },
  };
}

/** One request body exactly as posthog-ios uploads it: gzip of the JSON array. */
export function posthogIosBody(events: Record<string, unknown>[]): Uint8Array {
  return new Uint8Array(gzipSync(JSON.stringify(events)));
}
