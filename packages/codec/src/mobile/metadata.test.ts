import { posthogIosBody, posthogIosSession } from "@replay-devkit/test-utils";
import { describe, expect, it } from "vitest";
import { decodeCaptureBody, groupRecordings, splitCaptureEvents } from "../capture.js";
import { computeMetadata, MetadataAccumulator } from "../metadata.js";
import type { CaptureEvent } from "../types.js";

describe("mobile capture and metadata", () => {
  const session = posthogIosSession("ios-meta-1");
  const split = session.requests.map((events) =>
    splitCaptureEvents(decodeCaptureBody(posthogIosBody(events)).events),
  );
  const snapshots = split.flatMap((s) => s.snapshots);

  it("takes the window from the session when iOS sends no $window_id, and keeps what the SDK said about itself", () => {
    expect(new Set(snapshots.map((b) => b.windowId))).toEqual(new Set(["ios-meta-1"]));
    expect(snapshots[0]?.client).toEqual({
      lib: "posthog-ios",
      libVersion: "3.31.0",
      snapshotSource: "mobile",
      os: "iOS",
      screenWidth: 390,
      screenHeight: 844,
    });
    // The Meta event is sent alone as one object, not an array.
    expect(snapshots[0]?.events).toHaveLength(1);
    const numeric = splitCaptureEvents([
      { event: "$snapshot", properties: { $session_id: "s", $window_id: 2 ** 32 + 5, $snapshot_data: [] } },
    ] as CaptureEvent[]);
    expect(numeric.snapshots[0]?.windowId).toBe("4294967301");
  });

  it("is honest about a mobile recording: screens as pages, touches as clicks, real duration, SDK and platform", () => {
    const acc = new MetadataAccumulator("ios-meta-1");
    for (const batch of snapshots) {
      acc.addEvents(batch.windowId, batch.events);
      if (batch.client) acc.addClient(batch.client);
    }
    // The state survives a round trip through JSON (the store keeps it between ingests).
    const meta = new MetadataAccumulator("ios-meta-1", JSON.parse(JSON.stringify(acc.toJSON()))).metadata();
    expect(meta).toMatchObject({
      firstUrl: "LoginScreen",
      urls: ["LoginScreen", "ProfileScreen"],
      clickCount: 2,
      durationMs: session.facts.durationMs,
      snapshotSource: "mobile",
      sdk: "posthog-ios",
      sdkVersion: "3.31.0",
      platform: "ios",
      screen: { width: 390, height: 844 },
      consoleLogCount: 1,
    });
    // An import has no capture properties: the wireframes alone say it is mobile.
    const imported = computeMetadata(groupRecordings(snapshots)[0]!);
    expect(imported).toMatchObject({
      snapshotSource: "mobile",
      sdk: null,
      platform: null,
      screen: { width: 390, height: 844 },
    });
  });

  it("lists $screen names and reads the platform from $os for SDKs it does not know", () => {
    const acc = new MetadataAccumulator("s");
    acc.addPosthogEvent({
      event: "$screen",
      timestamp: "2026-12-01T09:00:00.000Z",
      properties: { $screen_name: "Settings", $os: "Android" },
    });
    acc.addClient({ lib: "some-wrapper-sdk" });
    expect(acc.metadata()).toMatchObject({
      urls: ["Settings"],
      sdk: "some-wrapper-sdk",
      platform: "android",
      snapshotSource: "web",
    });
  });
});
