import type { CaptureEvent, Recording, RrwebEvent } from "@replay-devkit/codec";

/** A DOM element description for the builder: `el("div", { id: "app" }, [text("hi")])`. */
export interface ElSpec {
  tag: string;
  attributes: Record<string, string>;
  children: (ElSpec | TextSpec)[];
}
export interface TextSpec {
  text: string;
  isStyle?: boolean;
}

export function el(
  tag: string,
  attributes: Record<string, string> = {},
  children: (ElSpec | TextSpec | string)[] = [],
): ElSpec {
  return { tag, attributes, children: children.map((c) => (typeof c === "string" ? { text: c } : c)) };
}

export function text(value: string): TextSpec {
  return { text: value };
}

interface SerializedNode {
  type: number;
  id: number;
  [key: string]: unknown;
}

/**
 * Builds synthetic rrweb recordings the way posthog-js would send them (after codec unpacking):
 * Meta, FullSnapshot, mutations, inputs, console and network plugin events, custom events and
 * PostHog analytics events. Each event is one second after the previous one. Node ids are handed out
 * in document order and can be looked up by the element's `id` attribute with `nodeId("#x")`.
 */
export class RecordingBuilder {
  private readonly events: RrwebEvent[] = [];
  private readonly posthogEvents: CaptureEvent[] = [];
  private nextId = 1;
  private time: number;
  private readonly ids = new Map<string, number>();

  constructor(
    readonly sessionId = "01900000-0000-7000-8000-000000000001",
    readonly windowId = "01900000-0000-7000-8000-0000000000w1",
    readonly start = 1_790_000_000_000,
  ) {
    this.time = start;
  }

  /** The id handed out last (serialization is pre-order, so after an add this is its last text node). */
  get lastNodeId(): number {
    return this.nextId - 1;
  }

  /** Index the next pushed event will get. */
  get nextIndex(): number {
    return this.events.length;
  }

  private push(type: number, data: Record<string, unknown>): number {
    const event = { type, data, timestamp: this.time } as unknown as RrwebEvent;
    this.time += 1000;
    this.events.push(event);
    return this.events.length - 1;
  }

  nodeId(selector: string): number {
    const id = this.ids.get(selector);
    if (id === undefined) throw new Error(`no node ${selector}`);
    return id;
  }

  private serialize(spec: ElSpec | TextSpec): SerializedNode {
    const id = this.nextId++;
    if ("text" in spec) {
      const node: SerializedNode = { type: 3, id, textContent: spec.text };
      if (spec.isStyle) node.isStyle = true;
      return node;
    }
    if (spec.attributes.id) this.ids.set(`#${spec.attributes.id}`, id);
    return {
      type: 2,
      id,
      tagName: spec.tag,
      attributes: spec.attributes,
      childNodes: spec.children.map((c) => this.serialize(c)),
    };
  }

  meta(href: string, width = 1280, height = 800): number {
    return this.push(4, { href, width, height });
  }

  fullSnapshot(body: ElSpec[]): number {
    this.nextId = 1;
    const docId = this.nextId++;
    const doctype = { type: 1, id: this.nextId++, name: "html", publicId: "", systemId: "" };
    const htmlId = this.nextId++;
    const head = this.serialize(el("head", {}, [el("title", {}, ["Shop"])]));
    const bodyNode = this.serialize(el("body", {}, body));
    const node = {
      type: 0,
      id: docId,
      childNodes: [
        doctype,
        { type: 2, id: htmlId, tagName: "html", attributes: { lang: "en" }, childNodes: [head, bodyNode] },
      ],
    };
    return this.push(2, { node, initialOffset: { top: 0, left: 0 } });
  }

  /** Appends `spec` under `parentId`; returns the event index. */
  mutationAdd(parentId: number, spec: ElSpec | TextSpec): number {
    const node = this.serialize(spec);
    return this.push(3, {
      source: 0,
      texts: [],
      attributes: [],
      removes: [],
      adds: [{ parentId, nextId: null, node }],
    });
  }

  mutationText(id: number, value: string): number {
    return this.push(3, { source: 0, texts: [{ id, value }], attributes: [], removes: [], adds: [] });
  }

  mutationAttributes(id: number, attributes: Record<string, string | null>): number {
    return this.push(3, { source: 0, texts: [], attributes: [{ id, attributes }], removes: [], adds: [] });
  }

  input(id: number, value: string): number {
    return this.push(3, { source: 5, id, text: value, isChecked: false, userTriggered: true });
  }

  click(id: number): number {
    return this.push(3, { source: 2, type: 2, id, x: 10, y: 10 });
  }

  console(
    level: string,
    args: unknown[],
    trace: string[] = ["doThings (http://app.test/app.js:1:1)"],
  ): number {
    return this.push(6, {
      plugin: "rrweb/console@1",
      payload: { level, trace, payload: args.map((a) => JSON.stringify(a)) },
    });
  }

  network(request: Record<string, unknown>): number {
    const base = {
      entryType: "resource",
      initiatorType: "fetch",
      startTime: 100,
      duration: 12,
      timestamp: this.time,
      method: "GET",
      status: 200,
    };
    return this.push(6, { plugin: "rrweb/network@1", payload: { requests: [{ ...base, ...request }] } });
  }

  custom(tag: string, payload: unknown): number {
    return this.push(5, { tag, payload });
  }

  posthog(event: string, properties: Record<string, unknown>): number {
    this.posthogEvents.push({
      event,
      properties: {
        $session_id: this.sessionId,
        $window_id: this.windowId,
        token: "phc_public_project_token",
        ...properties,
      },
      uuid: `01900000-0000-7000-8000-${String(this.posthogEvents.length).padStart(12, "0")}`,
      timestamp: new Date(this.time).toISOString(),
    });
    this.time += 1000;
    return this.posthogEvents.length - 1;
  }

  build(): Recording {
    return {
      sessionId: this.sessionId,
      distinctId: "01900000-0000-7000-8000-00000000d1d1",
      windows: [{ windowId: this.windowId, events: [...this.events] }],
      posthogEvents: [...this.posthogEvents],
    };
  }
}

/** A page with typical, harmless content and a rrweb-masked password input. */
export function cleanRecording(): { builder: RecordingBuilder; recording: Recording } {
  const b = new RecordingBuilder();
  b.meta("https://app.test/checkout?step=2&utm_source=newsletter");
  b.fullSnapshot([
    el("style", {}, [{ text: ".card{background:url(https://cdn.test/bg.png?v=1)}", isStyle: true }]),
    el("div", { id: "app", class: "shell dark" }, [
      el("h1", { title: "Checkout" }, ["Checkout"]),
      el("p", {}, ["Order 2024-11-22 total 42.50 EUR, ref 01900000-0000-7000-8000-000000000042"]),
      el("img", { src: "https://cdn.test/logo@2x.png?w=200", alt: "Shop logo" }),
      el("input", { id: "email", type: "email", value: "****************" }),
      el("input", { id: "pw", type: "password", value: "" }),
      el("span", { class: "ph-mask" }, ["***********"]),
      el("a", { href: "/orders?page=2", "aria-label": "Your orders" }, ["Orders"]),
    ]),
  ]);
  b.input(b.nodeId("#email"), "*****************");
  b.input(b.nodeId("#pw"), "**********");
  b.console("log", ["cart loaded", { items: 3, total: 42.5 }]);
  b.network({
    name: "https://api.test/api/items?page=1",
    method: "POST",
    requestHeaders: { "content-type": "application/json", authorization: "redacted" },
    requestBody: '{"name":"widget","qty":3}',
    responseHeaders: { "content-type": "application/json" },
    responseBody: '{"ok":true,"id":1795341893492}',
  });
  b.custom("$posthog_config", {
    config: { token: "phc_public_project_token", request_headers: {}, api_host: "http://localhost:8010" },
  });
  b.custom("$pageview", { href: "https://app.test/checkout?step=2" });
  b.posthog("$pageview", {
    $current_url: "https://app.test/checkout?step=2",
    $screen_height: 800,
    $lib_version: "1.449.2",
  });
  return { builder: b, recording: b.build() };
}
