// A synthetic rrweb recording with a known final DOM: Meta, a FullSnapshot of a page with a list,
// then a mix of mouse moves and list mutations. An independent model tracks what the list must hold.

/** Deterministic PRNG (mulberry32) so runs are comparable. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * @param {{ durationMs?: number, intervalMs?: number, items?: number, seed?: number }} [opts]
 * @returns {{ events: Array<{ type: number, timestamp: number, data: unknown }>, expectedListHtml: string }}
 */
export function generateRecording(opts = {}) {
  const { durationMs = 600_000, intervalMs = 50, items = 50, seed = 7 } = opts;
  const random = rng(seed);
  const start = Date.UTC(2026, 0, 1);
  let nextId = 1;
  const id = () => nextId++;
  const docId = id();
  const htmlId = id();
  const headId = id();
  const bodyId = id();
  const h1Id = id();
  const h1TextId = id();
  const ulId = id();
  /** @type {{ id: number, textId: number, text: string, cls: string }[]} */
  const list = [];
  const liNode = (item) => ({
    type: 2,
    tagName: "li",
    attributes: { class: item.cls },
    childNodes: [{ type: 3, textContent: item.text, id: item.textId }],
    id: item.id,
  });
  for (let i = 0; i < items; i++) list.push({ id: id(), textId: id(), text: `item ${i}`, cls: "row" });
  const events = [
    { type: 4, timestamp: start, data: { href: "https://bench.replay.test/", width: 1280, height: 800 } },
    {
      type: 2,
      timestamp: start + 1,
      data: {
        node: {
          type: 0,
          id: docId,
          childNodes: [
            {
              type: 2,
              tagName: "html",
              attributes: {},
              id: htmlId,
              childNodes: [
                { type: 2, tagName: "head", attributes: {}, childNodes: [], id: headId },
                {
                  type: 2,
                  tagName: "body",
                  attributes: {},
                  id: bodyId,
                  childNodes: [
                    {
                      type: 2,
                      tagName: "h1",
                      attributes: {},
                      id: h1Id,
                      childNodes: [{ type: 3, textContent: "Bench", id: h1TextId }],
                    },
                    {
                      type: 2,
                      tagName: "ul",
                      attributes: { id: "list" },
                      id: ulId,
                      childNodes: list.map(liNode),
                    },
                  ],
                },
              ],
            },
          ],
        },
        initialOffset: { top: 0, left: 0 },
      },
    },
  ];
  const mutation = (data) => ({ source: 0, texts: [], attributes: [], removes: [], adds: [], ...data });
  for (let t = start + intervalMs; t < start + durationMs; t += intervalMs) {
    const r = random();
    if (r < 0.4 || list.length === 0) {
      events.push({
        type: 3,
        timestamp: t,
        data: {
          source: 1,
          positions: [
            { x: Math.floor(random() * 1280), y: Math.floor(random() * 800), id: bodyId, timeOffset: 0 },
          ],
        },
      });
    } else if (r < 0.6) {
      const item = list[Math.floor(random() * list.length)];
      item.text = `text ${t - start}`;
      events.push({
        type: 3,
        timestamp: t,
        data: mutation({ texts: [{ id: item.textId, value: item.text }] }),
      });
    } else if (r < 0.8) {
      const item = list[Math.floor(random() * list.length)];
      item.cls = random() < 0.5 ? "row" : "row selected";
      events.push({
        type: 3,
        timestamp: t,
        data: mutation({ attributes: [{ id: item.id, attributes: { class: item.cls } }] }),
      });
    } else if (r < 0.9) {
      const item = { id: id(), textId: id(), text: `added ${t - start}`, cls: "row" };
      list.push(item);
      // rrweb serialises added subtrees node by node: the element without children, then its text.
      events.push({
        type: 3,
        timestamp: t,
        data: mutation({
          adds: [
            { parentId: ulId, nextId: null, node: { ...liNode(item), childNodes: [] } },
            { parentId: item.id, nextId: null, node: { type: 3, textContent: item.text, id: item.textId } },
          ],
        }),
      });
    } else {
      const index = Math.floor(random() * list.length);
      const [item] = list.splice(index, 1);
      events.push({ type: 3, timestamp: t, data: mutation({ removes: [{ parentId: ulId, id: item.id }] }) });
    }
  }
  const expectedListHtml = `<ul id="list">${list.map((i) => `<li class="${i.cls}">${i.text}</li>`).join("")}</ul>`;
  return { events, expectedListHtml };
}
