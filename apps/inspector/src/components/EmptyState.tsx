"use client";

import { useEffect, useState } from "react";
import { apiBase } from "../lib/api";
import { CopyButton } from "./CopyButton";

function npmSnippet(host: string): string {
  return `// npm install posthog-js
import posthog from "posthog-js";

posthog.init("phc_local_dev", {
  api_host: "${host}",
  person_profiles: "always",
  // Only for automated browsers (Playwright, Puppeteer): they are treated as bots otherwise.
  // opt_out_useragent_filter: true,
});`;
}

function scriptSnippet(host: string): string {
  return `<script src="${host}/static/array.full.js"></script>
<script>
  posthog.init("phc_local_dev", { api_host: "${host}", person_profiles: "always" });
</script>`;
}

/** Shown when the store is empty: how to point posthog-js here, and why a recording may not arrive. */
export function EmptyState() {
  // location.origin is only known in the browser; the static HTML renders a placeholder first.
  const [host, setHost] = useState("http://localhost:8010");
  useEffect(() => setHost(apiBase() || window.location.origin), []);

  return (
    <section data-testid="empty-state">
      <h2>No recordings yet</h2>
      <p>
        Point your app&apos;s posthog-js at this server. Session recording, console capture and network
        capture are switched on by the config this server returns; nothing leaves your machine.
      </p>
      <h3>npm</h3>
      <pre className="snippet">{npmSnippet(host)}</pre>
      <CopyButton text={npmSnippet(host)} />
      <h3>Script tag</h3>
      <pre className="snippet">{scriptSnippet(host)}</pre>
      <CopyButton text={scriptSnippet(host)} />
      <h3>If nothing shows up</h3>
      <ul>
        <li>
          <strong>Headless or bot user agent.</strong> posthog-js drops every event, recordings included, from
          browsers that look automated (HeadlessChrome, Playwright, <code>navigator.webdriver</code>). Set{" "}
          <code>opt_out_useragent_filter: true</code> in tests.
        </li>
        <li>
          <strong>localhost disables network capture.</strong> On a page served from <code>localhost</code> or{" "}
          <code>127.0.0.1</code>, posthog-js records no requests at all. Open your app as{" "}
          <code>http://127.0.0.2:PORT</code> or <code>http://app.localhost:PORT</code> instead.
        </li>
        <li>
          <strong>Nothing is sent before the first interaction.</strong> The recorder holds its buffer until
          you move the mouse, scroll or type; a page nobody touches only flushes when it unloads.
        </li>
        <li>
          Drop files exported from PostHog (Export to JSON) or rrweb JSON onto this page to import them
          instead.
        </li>
      </ul>
    </section>
  );
}
