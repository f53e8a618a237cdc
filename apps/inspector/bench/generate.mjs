// A seeded, synthetic but structurally real rrweb recording: one Meta + FullSnapshot, then an hour
// of mouse moves, clicks, scrolls, inputs, list mutations (adds, removes, text and attribute
// changes), console and network plugin events. Sized by `targetBytes` of serialized JSON.

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS =
  "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu".split(
    " ",
  );

/**
 * @param {{ durationMs?: number, targetBytes?: number, seed?: number, start?: number }} [options]
 * @returns {{ events: Array<{type:number,timestamp:number,data:unknown}>, bytes: number, durationMs: number }}
 */
export function generateRecording(options = {}) {
  const durationMs = options.durationMs ?? 60 * 60 * 1000;
  const targetBytes = options.targetBytes ?? 44 * 1024 * 1024;
  const start = options.start ?? Date.UTC(2026, 10, 22, 9, 0, 0);
  const rand = mulberry32(options.seed ?? 42);
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const sentence = (n) => Array.from({ length: n }, () => pick(WORDS)).join(" ");

  let nextId = 1;
  const id = () => nextId++;
  const el = (tagName, attributes, childNodes = []) => ({
    type: 2,
    tagName,
    attributes,
    childNodes,
    id: id(),
  });
  const text = (textContent) => ({ type: 3, textContent, id: id() });

  // The page: a header, a form, a table of 400 rows and a live list that mutations churn.
  const textNodes = [];
  const attrNodes = [];
  const rows = [];
  for (let i = 0; i < 400; i++) {
    const t = text(sentence(6));
    textNodes.push(t.id);
    const cell = el("td", { class: "cell" }, [t]);
    const row = el("tr", { class: i % 2 ? "odd" : "even", "data-row": String(i) }, [
      cell,
      el("td", { class: "num" }, [text(String(i * 7))]),
    ]);
    attrNodes.push(row.id);
    rows.push(row);
  }
  const input = el("input", { type: "text", name: "q", value: "" });
  const liveList = el("ul", { id: "live" });
  const button = el("button", { id: "go", class: "btn" }, [text("Go")]);
  const style = el("style", {}, [
    {
      type: 3,
      textContent: ".odd{background:#f5f5f5}.cell{padding:4px}.btn{padding:4px 8px}",
      isStyle: true,
      id: id(),
    },
  ]);
  const html = el("html", { lang: "en" }, [
    el("head", {}, [el("meta", { charset: "utf-8" }), el("title", {}, [text("Bench page")]), style]),
    el("body", {}, [
      el("h1", { id: "title" }, [text("Generated recording")]),
      el("form", {}, [input, button]),
      liveList,
      el("table", {}, [el("tbody", {}, rows)]),
    ]),
  ]);
  const doc = {
    type: 0,
    childNodes: [{ type: 1, name: "html", publicId: "", systemId: "", id: id() }, html],
    id: id(),
  };

  const events = [
    { type: 4, timestamp: start, data: { href: "https://app.example.test/bench", width: 1280, height: 800 } },
    { type: 2, timestamp: start + 5, data: { node: doc, initialOffset: { top: 0, left: 0 } } },
  ];
  let bytes = JSON.stringify(events).length;
  const push = (event) => {
    events.push(event);
    bytes += JSON.stringify(event).length + 1;
  };

  const live = [];
  const perSecondBudget = targetBytes / (durationMs / 1000);
  let t = start + 1000;
  const end = start + durationMs;
  // Roughly one minute in ten is idle, so skip-inactivity has something to do.
  while (t < end) {
    const minute = Math.floor((t - start) / 60_000);
    const idle = minute % 10 === 9;
    const secondStart = bytes;
    if (!idle) {
      for (let k = 0; k < 4; k++) {
        const positions = Array.from({ length: 8 }, (_, j) => ({
          x: Math.floor(rand() * 1280),
          y: Math.floor(rand() * 800),
          id: pick(attrNodes),
          timeOffset: -250 + j * 30,
        }));
        push({ type: 3, timestamp: t + k * 250, data: { source: 1, positions } });
      }
      if (rand() < 0.2) {
        push({ type: 3, timestamp: t + 120, data: { source: 2, type: 1, id: button.id, x: 500, y: 60 } });
        push({ type: 3, timestamp: t + 130, data: { source: 2, type: 0, id: button.id, x: 500, y: 60 } });
        push({ type: 3, timestamp: t + 131, data: { source: 2, type: 2, id: button.id, x: 500, y: 60 } });
      }
      if (rand() < 0.3)
        push({ type: 3, timestamp: t + 300, data: { source: 3, id: 1, x: 0, y: Math.floor(rand() * 4000) } });
      if (rand() < 0.2)
        push({
          type: 3,
          timestamp: t + 400,
          data: { source: 5, id: input.id, text: "*".repeat(1 + Math.floor(rand() * 12)), isChecked: false },
        });
    }
    // The app keeps rendering even when the user is idle: list churn, text and class changes.
    const adds = [];
    const removes = [];
    for (let k = 0; k < 12; k++) {
      const li = {
        type: 2,
        tagName: "li",
        attributes: { class: `item ${pick(WORDS)}` },
        childNodes: [],
        id: id(),
      };
      const tx = { type: 3, textContent: sentence(8), id: id() };
      adds.push(
        { parentId: liveList.id, nextId: null, node: li },
        { parentId: li.id, nextId: null, node: tx },
      );
      live.push(li.id);
    }
    while (live.length > 150) removes.push({ parentId: liveList.id, id: live.shift() });
    const texts = Array.from({ length: 10 }, () => ({ id: pick(textNodes), value: sentence(6) }));
    const attributes = Array.from({ length: 10 }, () => ({
      id: pick(attrNodes),
      attributes: { class: rand() < 0.5 ? "odd selected" : "even" },
    }));
    push({ type: 3, timestamp: t + 500, data: { source: 0, texts, attributes, removes, adds } });
    if (rand() < 0.1) {
      push({
        type: 6,
        timestamp: t + 600,
        data: {
          plugin: "rrweb/console@1",
          payload: {
            level: rand() < 0.2 ? "error" : "log",
            trace: ["render (https://app.example.test/app.js:10:5)"],
            payload: [JSON.stringify(sentence(5))],
          },
        },
      });
    }
    // Network events carry response bodies; they make up the rest of the per-second budget.
    const remaining = perSecondBudget - (bytes - secondStart);
    if (remaining > 600) {
      const body = JSON.stringify({
        items: Array.from({ length: Math.max(1, Math.floor((remaining - 500) / 27)) }, (_, j) => ({
          id: j,
          name: pick(WORDS),
        })),
      });
      push({
        type: 6,
        timestamp: t + 700,
        data: {
          plugin: "rrweb/network@1",
          payload: {
            requests: [
              {
                name: `https://app.example.test/api/items?page=${minute}`,
                entryType: "resource",
                initiatorType: "fetch",
                timestamp: t + 650,
                startTime: t + 650 - start,
                duration: 40 + Math.floor(rand() * 200),
                transferSize: body.length,
                method: "GET",
                status: rand() < 0.03 ? 500 : 200,
                requestHeaders: {},
                responseHeaders: { "content-type": "application/json" },
                responseBody: body,
              },
            ],
          },
        },
      });
    }
    t += 1000;
  }
  return { events, bytes, durationMs: events[events.length - 1].timestamp - events[0].timestamp };
}
