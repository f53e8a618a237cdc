// Walks over rrweb's serialized nodes (a full snapshot's tree or a mutation's added node), iterative
// so a deeply nested or hostile tree cannot overflow the stack.

/** rrweb-snapshot NodeType.Element. */
const ELEMENT_NODE = 2;

interface SerializedNode {
  id?: unknown;
  type?: unknown;
  childNodes?: unknown;
}

function walk(node: unknown, visit: (node: SerializedNode) => void): void {
  const stack: unknown[] = [node];
  while (stack.length > 0) {
    const current = stack.pop() as SerializedNode | null;
    if (typeof current !== "object" || current === null) continue;
    visit(current);
    if (Array.isArray(current.childNodes)) stack.push(...(current.childNodes as unknown[]));
  }
}

/** Elements in a serialized node and everything under it. */
export function countElements(node: unknown): number {
  let count = 0;
  walk(node, (n) => {
    if (n.type === ELEMENT_NODE) count += 1;
  });
  return count;
}

/** Ids of a serialized node and everything under it. */
export function subtreeIds(node: unknown): number[] {
  const out: number[] = [];
  walk(node, (n) => {
    if (typeof n.id === "number") out.push(n.id);
  });
  return out;
}
