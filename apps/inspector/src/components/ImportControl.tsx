"use client";

import { useEffect, useRef, useState } from "react";
import { api } from "../lib/api";

interface Result {
  kind: "ok" | "error";
  text: string;
  ids?: string[];
}

function megabytes(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}

/** Import by file picker or by dropping files anywhere on the page. */
export function ImportControl({ onImported }: { onImported: () => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [results, setResults] = useState<Result[]>([]);

  const importFiles = async (files: readonly File[]) => {
    if (files.length === 0) return;
    const out: Result[] = [];
    for (const [index, file] of files.entries()) {
      const which = files.length > 1 ? ` (${index + 1}/${files.length})` : "";
      setBusy(`Importing ${file.name}${which}…`);
      try {
        const ids = await api.importFile(file, (sent, total) =>
          setBusy(
            sent < total
              ? `Importing ${file.name}${which}: read ${megabytes(sent)} of ${megabytes(total)} MB (${Math.floor((sent / total) * 100)}%)`
              : `Importing ${file.name}${which}: storing…`,
          ),
        );
        out.push({
          kind: "ok",
          text: `${file.name}: imported ${ids.length} recording${ids.length === 1 ? "" : "s"}`,
          ids,
        });
      } catch (e) {
        out.push({ kind: "error", text: `${file.name}: ${e instanceof Error ? e.message : String(e)}` });
      }
    }
    setResults(out);
    setBusy(null);
    onImported();
  };

  useEffect(() => {
    let depth = 0;
    const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes("Files");
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth++;
      setOver(true);
    };
    const leave = () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) setOver(false);
    };
    const overFn = (e: DragEvent) => {
      if (hasFiles(e)) e.preventDefault();
    };
    const drop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      setOver(false);
      void importFiles(Array.from(e.dataTransfer?.files ?? []));
    };
    window.addEventListener("dragenter", enter);
    window.addEventListener("dragleave", leave);
    window.addEventListener("dragover", overFn);
    window.addEventListener("drop", drop);
    return () => {
      window.removeEventListener("dragenter", enter);
      window.removeEventListener("dragleave", leave);
      window.removeEventListener("dragover", overFn);
      window.removeEventListener("drop", drop);
    };
    // importFiles only closes over stable setters and onImported.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [onImported]);

  return (
    <div className={`dropzone ${over ? "over" : ""}`} data-testid="dropzone">
      {busy !== null ? (
        <span data-testid="import-progress">{busy}</span>
      ) : (
        <>
          Drop recordings here (PostHog Export-to-JSON, blob_v2 JSONL or Snappy, 2021 snapshot dumps, rrweb
          JSON, replay-devkit bundles; gzipped too), or{" "}
          <button type="button" onClick={() => input.current?.click()}>
            choose files
          </button>
        </>
      )}
      <input
        ref={input}
        type="file"
        multiple
        hidden
        data-testid="import-input"
        onChange={(e) => {
          const files = Array.from(e.target.files ?? []);
          e.target.value = "";
          void importFiles(files);
        }}
      />
      {results.map((r, i) => (
        <div key={i} className={r.kind === "error" ? "error-box" : "notice"} data-testid={`import-${r.kind}`}>
          {r.text}
          {r.ids?.map((id) => (
            <span key={id}>
              {" "}
              <a href={`recording/?id=${encodeURIComponent(id)}`}>open</a>
            </span>
          ))}
        </div>
      ))}
    </div>
  );
}
