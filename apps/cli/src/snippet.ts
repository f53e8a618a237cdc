/** Hosts whose pages posthog-js never records network requests on. */
const NO_NETWORK_HOSTS = ["localhost", "127.0.0.1"];

/** The token is not checked by the local server; a recognisable one makes its traffic easy to spot. */
export const LOCAL_TOKEN = "phc_replay_devkit_local";

/** The text `dev` prints: how to point posthog-js here, and what silently stops a recording. */
export function setupText(url: string): string {
  return `
Point posthog-js at this server:

  npm (posthog-js in your bundle)
    import posthog from "posthog-js";
    posthog.init("${LOCAL_TOKEN}", {
      api_host: "${url}",
      person_profiles: "always",
    });

  script tag (posthog-js served by this server)
    <script src="${url}/static/array.full.js"></script>
    <script>
      posthog.init("${LOCAL_TOKEN}", { api_host: "${url}", person_profiles: "always" });
    </script>

Pitfalls that stop a recording without any error:
  - Headless browsers and bot-like user agents (default Playwright/Puppeteer) are dropped by
    posthog-js: use a normal desktop user agent and remove --enable-automation.
  - Network requests are not recorded when your page's host is ${NO_NETWORK_HOSTS.join(" or ")}:
    add a name like app.local to /etc/hosts and open the page through it.
  - Nothing is sent before the first interaction and the first flush (a few seconds): click or
    type, then wait before closing the tab.
`;
}
