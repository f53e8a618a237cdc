import { PlaybackDoctor, type CaptureEvent, type SnapshotBatch } from "@replay-devkit/codec";

/** Sessions whose doctor state is kept; the least recently seen one is forgotten past this. */
const MAX_SESSIONS = 1000;

/**
 * The playback doctor for live capture: one per session, kept between requests, so a FullSnapshot
 * that posthog-js sends without its Meta (1.180 on a second page) gets one from the previous Meta
 * and the page's $pageview. Each batch carries the repairs made in it to the store.
 */
export class LivePlayback {
  private readonly doctors = new Map<string, PlaybackDoctor>();

  repair(batches: SnapshotBatch[], others: readonly CaptureEvent[]): void {
    for (const event of others) {
      const session = event.properties.$session_id;
      if (typeof session === "string") this.doctorOf(session).noteCaptureEvents([event]);
    }
    for (const batch of batches) {
      const doctor = this.doctorOf(batch.sessionId);
      batch.events = doctor.repair(batch.windowId, batch.events);
      const fresh = doctor.takeFresh();
      if (fresh.length > 0) batch.repairs = fresh;
    }
  }

  private doctorOf(session: string): PlaybackDoctor {
    let doctor = this.doctors.get(session);
    if (doctor) this.doctors.delete(session);
    // A body the server failed is sent again: its events are not duplicates then.
    else doctor = new PlaybackDoctor(undefined, { duplicatesAcrossCalls: false });
    this.doctors.set(session, doctor);
    if (this.doctors.size > MAX_SESSIONS) this.doctors.delete(this.doctors.keys().next().value as string);
    return doctor;
  }
}
