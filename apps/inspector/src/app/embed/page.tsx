import { Suspense } from "react";
import { EmbedView } from "../../components/EmbedView";

export default function EmbedPage() {
  return (
    <Suspense fallback={null}>
      <EmbedView />
    </Suspense>
  );
}
