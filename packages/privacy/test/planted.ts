import type { Recording } from "@replay-devkit/codec";
import type { DetectorId, SiteKind } from "../src/index.js";
import { el, RecordingBuilder } from "./builder.js";
import { type SecretName, SECRETS as S } from "./secrets.js";

/** What the scanner must report for one planted secret. */
export interface Expected {
  secret: SecretName;
  detector: DetectorId;
  kind: SiteKind;
  scope: "window" | "posthog-event";
  eventIndex: number;
  /** Exact JSON path (with the sub-path inside the value, if any). */
  path: string;
  selector?: string;
  attribute?: string;
  header?: string;
  severity?: "medium" | "high";
}

export const KNOWN_VALUES = [S.knownValue];

/**
 * One recording with a secret in every place the scanner walks. Returns the recording and the exact
 * findings expected; anything else the scanner reports is a false positive.
 */
export function plantedRecording(): {
  recording: Recording;
  expected: Expected[];
  builder: RecordingBuilder;
} {
  const b = new RecordingBuilder();
  const expected: Expected[] = [];
  const w = (e: Omit<Expected, "scope">) => expected.push({ scope: "window", ...e });

  const meta = b.meta(`https://app.test/welcome?access_token=${S.metaToken}&lang=en`);
  w({
    secret: "metaToken",
    detector: "secret-param",
    kind: "page-url",
    eventIndex: meta,
    path: "data.href ?access_token",
  });

  const snap = b.fullSnapshot([
    el("div", { id: "app", class: "shell" }, [
      el("p", { class: "greeting lead" }, [`Hello ${S.email}, welcome back`]),
      el("span", { id: "support", title: `Call ${S.phone}` }, ["Support"]),
      el("img", { alt: `card ${S.card}`, src: `https://cdn.test/a.png?api_key=${S.srcApiKey}` }),
      el("div", { "aria-label": `Pay to ${S.iban}` }),
      el("a", { id: "db", href: `https://bob:${S.urlPassword}@db.test/admin` }, ["DB"]),
      el("input", { id: "name", type: "text", value: S.knownValue }),
      el("input", { id: "masked", type: "text", value: "*******" }),
      el("section", { "data-token": S.dataJwt, "data-empty": "" }),
      el("input", { id: "owner", placeholder: `e.g. ${S.placeholderEmail}` }),
      el("ul", { id: "list" }),
      el("span", { id: "masked-name", class: "ph-mask" }, [S.maskedName]),
      el("div", { class: "zone ph-no-capture", rr_width: "300px" }, [el("p", {}, [S.blockedText])]),
      el("input", { id: "pw", type: "password" }),
      el("input", { id: "tok", type: "text", name: "auth_token", value: S.hiddenToken }),
      el("span", { id: "masked-ok", class: "ph-mask" }, ["*** ****"]),
    ]),
  ]);
  const body = "data.node.childNodes[1].childNodes[1]";
  const app = `${body}.childNodes[0]`;
  w({
    secret: "maskedName",
    detector: "mask-violation",
    kind: "dom-text",
    eventIndex: snap,
    path: `${app}.childNodes[10].childNodes[0]`,
    selector: "span#masked-name.ph-mask",
  });
  w({
    secret: "blockedText",
    detector: "mask-violation",
    kind: "dom-text",
    eventIndex: snap,
    path: `${app}.childNodes[11].childNodes[0].childNodes[0]`,
    selector: "div#app.shell > div.zone.ph-no-capture > p",
  });
  w({
    secret: "hiddenToken",
    detector: "secret-field",
    kind: "input",
    eventIndex: snap,
    path: `${app}.childNodes[13].attributes.value`,
    selector: "input#tok",
    attribute: "value",
  });
  w({
    secret: "email",
    detector: "email",
    kind: "dom-text",
    eventIndex: snap,
    path: `${app}.childNodes[0].childNodes[0]`,
    selector: "div#app.shell > p.greeting.lead",
  });
  w({
    secret: "phone",
    detector: "phone",
    kind: "dom-attribute",
    eventIndex: snap,
    path: `${app}.childNodes[1].attributes.title`,
    selector: "span#support",
    attribute: "title",
  });
  w({
    secret: "card",
    detector: "card-number",
    kind: "dom-attribute",
    eventIndex: snap,
    path: `${app}.childNodes[2].attributes.alt`,
    selector: "div#app.shell > img",
    attribute: "alt",
  });
  w({
    secret: "srcApiKey",
    detector: "secret-param",
    kind: "dom-attribute",
    eventIndex: snap,
    path: `${app}.childNodes[2].attributes.src ?api_key`,
    selector: "div#app.shell > img",
    attribute: "src",
  });
  w({
    secret: "iban",
    detector: "iban",
    kind: "dom-attribute",
    eventIndex: snap,
    path: `${app}.childNodes[3].attributes["aria-label"]`,
    selector: "div#app.shell > div",
    attribute: "aria-label",
  });
  w({
    secret: "urlPassword",
    detector: "password-in-url",
    kind: "dom-attribute",
    eventIndex: snap,
    path: `${app}.childNodes[4].attributes.href userinfo`,
    selector: "a#db",
    attribute: "href",
  });
  w({
    secret: "knownValue",
    detector: "known-value",
    kind: "input",
    eventIndex: snap,
    path: `${app}.childNodes[5].attributes.value`,
    selector: "input#name",
    attribute: "value",
  });
  w({
    secret: "dataJwt",
    detector: "jwt",
    kind: "dom-attribute",
    eventIndex: snap,
    path: `${app}.childNodes[7].attributes["data-token"]`,
    selector: "div#app.shell > section",
    attribute: "data-token",
  });
  w({
    secret: "placeholderEmail",
    detector: "email",
    kind: "dom-attribute",
    eventIndex: snap,
    path: `${app}.childNodes[8].attributes.placeholder`,
    selector: "input#owner",
    attribute: "placeholder",
  });

  const add = b.mutationAdd(b.nodeId("#list"), el("li", { class: "row" }, [`Invited ${S.mutationEmail}`]));
  w({
    secret: "mutationEmail",
    detector: "email",
    kind: "dom-text",
    eventIndex: add,
    path: "data.adds[0].node.childNodes[0]",
    selector: "ul#list > li.row",
  });
  const liText = b.lastNodeId;
  const texts = b.mutationText(liText, `Call ${S.mutationPhone} today`);
  w({
    secret: "mutationPhone",
    detector: "phone",
    kind: "dom-text",
    eventIndex: texts,
    path: "data.texts[0].value",
    selector: "ul#list > li.row",
  });
  const attrs = b.mutationAttributes(b.nodeId("#support"), { title: `token ${S.githubToken}`, style: null });
  w({
    secret: "githubToken",
    detector: "api-key",
    kind: "dom-attribute",
    eventIndex: attrs,
    path: "data.attributes[0].attributes.title",
    selector: "span#support",
    attribute: "title",
  });

  const input = b.input(b.nodeId("#name"), S.inputIban);
  w({
    secret: "inputIban",
    detector: "iban",
    kind: "input",
    eventIndex: input,
    path: "data.text",
    selector: "input#name",
  });
  const typed = b.input(b.nodeId("#pw"), S.typedPassword);
  w({
    secret: "typedPassword",
    detector: "secret-field",
    kind: "input",
    eventIndex: typed,
    path: "data.text",
    selector: "input#pw",
  });
  const maskedText = b.mutationText(b.nodeId("#masked-name") + 1, S.maskedMutation);
  w({
    secret: "maskedMutation",
    detector: "mask-violation",
    kind: "dom-text",
    eventIndex: maskedText,
    path: "data.texts[0].value",
    selector: "span#masked-name.ph-mask",
  });
  b.mutationText(b.nodeId("#masked-ok") + 1, "******* ****"); // still masked: fine
  b.input(b.nodeId("#masked"), "***************"); // masked by rrweb: never a finding

  const log = b.console(
    "log",
    ["login", { user: "ada", password: S.consolePassword }],
    [`handle (http://app.test/cb?code=${S.oauthCode}:1:1)`],
  );
  w({
    secret: "consolePassword",
    detector: "secret-field",
    kind: "console",
    eventIndex: log,
    path: "data.payload.payload[1] .password",
  });
  w({
    secret: "oauthCode",
    detector: "secret-param",
    kind: "console",
    eventIndex: log,
    path: "data.payload.trace[0] ?code",
  });
  const err = b.console("error", [
    `request failed with Authorization: Bearer ${S.bearerInConsole}`,
    `personal key ${S.phxKey}`,
  ]);
  w({
    secret: "bearerInConsole",
    detector: "bearer-token",
    kind: "console",
    eventIndex: err,
    path: "data.payload.payload[0]",
  });
  w({
    secret: "phxKey",
    detector: "api-key",
    kind: "console",
    eventIndex: err,
    path: "data.payload.payload[1]",
  });

  const net = b.network({
    name: `https://api.test/v1/orders?token=${S.netUrlToken}&page=2`,
    method: "POST",
    requestHeaders: {
      "Content-Type": "application/json",
      Authorization: `Bearer ${S.authJwt}`,
      Cookie: S.cookie,
      "X-Api-Key": S.xApiKey,
    },
    requestBody: JSON.stringify({ user: { email: S.bodyEmail, password: S.bodyPassword }, qty: 2 }),
    responseHeaders: { "content-type": "application/json", "set-cookie": S.setCookie },
    responseBody: JSON.stringify({ ok: true, integration: { key: `use ${S.stripeKey}` } }),
  });
  const req = "data.payload.requests[0]";
  w({
    secret: "netUrlToken",
    detector: "secret-param",
    kind: "network-url",
    eventIndex: net,
    path: `${req}.name ?token`,
  });
  w({
    secret: "authJwt",
    detector: "secret-header",
    kind: "network-header",
    eventIndex: net,
    path: `${req}.requestHeaders.Authorization`,
    header: "Authorization",
  });
  w({
    secret: "cookie",
    detector: "secret-header",
    kind: "network-header",
    eventIndex: net,
    path: `${req}.requestHeaders.Cookie`,
    header: "Cookie",
  });
  w({
    secret: "xApiKey",
    detector: "secret-header",
    kind: "network-header",
    eventIndex: net,
    path: `${req}.requestHeaders["X-Api-Key"]`,
    header: "X-Api-Key",
  });
  w({
    secret: "setCookie",
    detector: "secret-header",
    kind: "network-header",
    eventIndex: net,
    path: `${req}.responseHeaders["set-cookie"]`,
    header: "set-cookie",
  });
  w({
    secret: "bodyEmail",
    detector: "email",
    kind: "network-body",
    eventIndex: net,
    path: `${req}.requestBody .user.email`,
  });
  w({
    secret: "bodyPassword",
    detector: "secret-field",
    kind: "network-body",
    eventIndex: net,
    path: `${req}.requestBody .user.password`,
  });
  w({
    secret: "stripeKey",
    detector: "api-key",
    kind: "network-body",
    eventIndex: net,
    path: `${req}.responseBody .integration.key`,
  });

  const cfg = b.custom("$posthog_config", {
    config: {
      token: "phc_public_project_token",
      api_host: "http://localhost:8010",
      request_headers: { Authorization: S.configAuth, "X-Tenant": S.configTenant },
      session_recording: { maskAllInputs: true },
    },
  });
  w({
    secret: "configAuth",
    detector: "secret-header",
    kind: "posthog-config",
    eventIndex: cfg,
    path: "data.payload.config.request_headers.Authorization",
    header: "Authorization",
  });
  w({
    secret: "configTenant",
    detector: "secret-header",
    kind: "posthog-config",
    eventIndex: cfg,
    path: 'data.payload.config.request_headers["X-Tenant"]',
    header: "X-Tenant",
    severity: "medium",
  });

  const custom = b.custom("deploy-info", { note: `aws ${S.awsKey}` });
  w({
    secret: "awsKey",
    detector: "api-key",
    kind: "custom-event",
    eventIndex: custom,
    path: "data.payload.note",
  });

  const p = (e: Omit<Expected, "scope">) => expected.push({ scope: "posthog-event", ...e });
  const pv = b.posthog("$pageview", {
    $current_url: `https://app.test/login?user=ada&password=${S.pageviewPassword}`,
  });
  p({
    secret: "pageviewPassword",
    detector: "password-in-url",
    kind: "posthog-property",
    eventIndex: pv,
    path: "properties.$current_url ?password",
  });
  const signup = b.posthog("signed_up", {
    plan: "pro",
    contact: S.propertyEmail,
    $elements_chain: `a.btn:text="Call ${S.elementsPhone}"`,
  });
  p({
    secret: "propertyEmail",
    detector: "email",
    kind: "posthog-property",
    eventIndex: signup,
    path: "properties.contact",
  });
  p({
    secret: "elementsPhone",
    detector: "phone",
    kind: "posthog-property",
    eventIndex: signup,
    path: "properties.$elements_chain",
  });
  const identify = b.posthog("$identify", { $set: { email: S.setEmail, name: "Ada" } });
  p({
    secret: "setEmail",
    detector: "email",
    kind: "posthog-property",
    eventIndex: identify,
    path: "properties.$set.email",
  });

  return { recording: b.build(), expected, builder: b };
}
