import { Suspense } from "react";
import { RecordingView } from "../../components/RecordingView";

// The id comes from the query string (?id=…&t=…), so this route stays static for `output: "export"`.
export default function RecordingPage() {
  return (
    <Suspense fallback={<div className="page muted">Loading…</div>}>
      <RecordingView />
    </Suspense>
  );
}
