export interface GeneratedRecording {
  events: Array<{ type: number; timestamp: number; data: unknown }>;
  expectedListHtml: string;
}
export function generateRecording(opts?: {
  durationMs?: number;
  intervalMs?: number;
  items?: number;
  seed?: number;
}): GeneratedRecording;
