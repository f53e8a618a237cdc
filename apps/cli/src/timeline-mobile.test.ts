// The CLI timeline of a PostHog mobile recording reads the transformed DOM: screens as pages,
// touches as clicks, the update as a DOM change, and the request.
import { describe, expect, it } from "vitest";
import { decodeCaptureBody, groupRecordings, splitCaptureEvents, type Recording } from "@replay-devkit/codec";
import { posthogIosBody, posthogIosSession } from "@replay-devkit/test-utils";
import { buildTimeline } from "./timeline.js";

describe("timeline of a mobile recording", () => {
  it("lists screens, touches, DOM changes and requests", () => {
    const session = posthogIosSession("ios-timeline-1");
    const snapshots = session.requests.flatMap(
      (events) => splitCaptureEvents(decodeCaptureBody(posthogIosBody(events)).events).snapshots,
    );
    const timeline = buildTimeline(groupRecordings(snapshots)[0] as Recording);
    const kinds = (kind: string) => timeline.entries.filter((e) => e.kind === kind);
    expect(kinds("page").map((e) => (e as { url: string }).url)).toEqual(["LoginScreen", "ProfileScreen"]);
    expect(kinds("click")).toHaveLength(2);
    expect(kinds("click").map((e) => e.offsetMs)).toEqual([1080, 2090]);
    // The update and the remove (title replaced, image gone) and the add, folded into one change.
    const changes = kinds("dom").flatMap(
      (e) => (e as { changes: { added: number; removed: number; text?: string }[] }).changes,
    );
    expect(changes).toContainEqual(
      expect.objectContaining({ added: 2, removed: 2, text: "Loading profile" }),
    );
    // Info logs are not timeline entries (only warnings and errors are); the request is.
    expect(JSON.stringify(kinds("request"))).toContain(session.facts.requestUrl);
  });
});
