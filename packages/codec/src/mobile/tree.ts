import type { addedNodeMutation, removedNodeMutation, serializedNodeWithId } from "@rrweb/types";
import { radioGroupName, wireframeNode, SCREEN_BOX, type Context, type IdSource } from "./nodes.js";
import { borderOf } from "./styles.js";
import type { Wireframe } from "./types.js";

/** The parent of top-level wireframes: the replay document's body. */
export const ROOT = Symbol("root");
type ParentRef = number | typeof ROOT;

interface ModelNode {
  /** The wireframe without its children (they live in `children`). */
  wf: Wireframe;
  parent: ParentRef;
  children: number[];
}

/**
 * rrweb applies each add as one node (its children are separate adds), as its recorder sends them:
 * parents first, children appended in order.
 */
function flatten(
  node: serializedNodeWithId,
  parentId: number,
  nextId: number | null,
  out: addedNodeMutation[],
): void {
  if ("childNodes" in node) {
    const { childNodes, ...own } = node;
    out.push({ parentId, nextId, node: { ...own, childNodes: [] } as serializedNodeWithId });
    for (const child of childNodes) flatten(child, node.id, null, out);
  } else out.push({ parentId, nextId, node });
}

/** What one mobile mutation becomes in rrweb terms. */
export interface TreeDiff {
  removes: removedNodeMutation[];
  adds: addedNodeMutation[];
}

/**
 * The screen as the device last described it: wireframes by id with their parent and children.
 * Mobile mutations are applied here first and then diffed into rrweb adds and removes, so an
 * update replaces a whole subtree, a wireframe sent twice appears once, and removes always precede
 * the adds that reuse an id (rrweb applies a mutation's removes before its adds).
 */
export class WireframeTree {
  private nodes = new Map<number, ModelNode>();
  private rootChildren: number[] = [];
  private inserted = new Set<number>();
  private detachedBefore = new Set<number>();
  private pending: removedNodeMutation[] = [];

  constructor(
    private readonly ids: IdSource,
    private readonly bodyId: number,
  ) {}

  has(id: number): boolean {
    return this.nodes.has(id);
  }

  parentOf(id: number): ParentRef {
    return this.nodes.get(id)?.parent ?? ROOT;
  }

  /** Replaces everything (a FullSnapshot) and returns the body's new children. */
  reset(wireframes: Wireframe[]) {
    this.nodes.clear();
    this.rootChildren = [];
    this.beginMutation();
    for (const wf of wireframes) this.insert(ROOT, wf);
    this.inserted.clear();
    return this.rootChildren.map((id) => this.serialize(id));
  }

  beginMutation(): void {
    this.inserted.clear();
    this.detachedBefore.clear();
    this.pending = [];
  }

  private childList(parent: ParentRef): number[] {
    return parent === ROOT ? this.rootChildren : (this.nodes.get(parent)?.children ?? []);
  }

  private rr(parent: ParentRef): number {
    return parent === ROOT ? this.bodyId : this.ids.wireframe(parent);
  }

  /** Removes a wireframe and its subtree; a node that was on screen before this mutation gets an rrweb remove. */
  remove(id: number): boolean {
    const node = this.nodes.get(id);
    if (!node) return false;
    const siblings = this.childList(node.parent);
    const at = siblings.indexOf(id);
    if (at !== -1) siblings.splice(at, 1);
    if (!this.inserted.has(id) && !this.detachedBefore.has(id)) {
      this.pending.push({ parentId: this.rr(node.parent), id: this.ids.wireframe(id) });
    }
    this.drop(id);
    return true;
  }

  private drop(id: number): void {
    const node = this.nodes.get(id);
    if (!node) return;
    this.nodes.delete(id);
    if (!this.inserted.has(id)) this.detachedBefore.add(id);
    this.inserted.delete(id);
    for (const child of node.children) this.drop(child);
  }

  /**
   * Adds (or replaces) a wireframe with its subtree under `parent`. Any of its ids already on
   * screen elsewhere is taken away first: one id, one element.
   */
  insert(parent: ParentRef, wf: Wireframe): boolean {
    // An update in place keeps its place among its siblings: later siblings draw over earlier ones.
    const old = this.nodes.get(wf.id);
    const at = old && old.parent === parent ? this.childList(parent).indexOf(wf.id) : -1;
    this.removeIdsOf(wf);
    // The new subtree may have held the parent itself; there is nothing left to attach to then.
    if (parent !== ROOT && !this.nodes.has(parent)) return false;
    this.attach(parent, wf, at);
    return true;
  }

  private removeIdsOf(wf: Wireframe): void {
    this.remove(wf.id);
    for (const child of wf.childWireframes) this.removeIdsOf(child);
  }

  private attach(parent: ParentRef, wf: Wireframe, at = -1): void {
    if (this.nodes.has(wf.id)) return; // a repeat inside the same subtree: the first one stays
    const { childWireframes, ...own } = wf;
    this.nodes.set(wf.id, { wf: { ...own, childWireframes: [] }, parent, children: [] });
    const siblings = this.childList(parent);
    if (at >= 0 && at <= siblings.length) siblings.splice(at, 0, wf.id);
    else siblings.push(wf.id);
    this.inserted.add(wf.id);
    for (const child of childWireframes) this.attach(wf.id, child);
  }

  /** The rrweb removes and adds that take the replay from the old screen to this one. */
  diff(): TreeDiff {
    const adds: addedNodeMutation[] = [];
    const visit = (parent: ParentRef, list: number[]) => {
      list.forEach((id, i) => {
        if (this.inserted.has(id)) {
          let nextId: number | null = null;
          for (let j = i + 1; j < list.length; j++) {
            const sibling = list[j] as number;
            if (!this.inserted.has(sibling)) {
              nextId = this.ids.wireframe(sibling);
              break;
            }
          }
          flatten(this.serialize(id), this.rr(parent), nextId, adds);
        } else visit(id, this.nodes.get(id)?.children ?? []);
      });
    };
    visit(ROOT, this.rootChildren);
    const removes = this.pending;
    this.beginMutation();
    return { removes, adds };
  }

  private assemble(id: number): Wireframe {
    const node = this.nodes.get(id) as ModelNode;
    return { ...node.wf, childWireframes: node.children.map((child) => this.assemble(child)) };
  }

  private serialize(id: number) {
    const node = this.nodes.get(id) as ModelNode;
    const ctx: Context = { ids: this.ids, parent: SCREEN_BOX };
    if (node.parent !== ROOT) {
      const parent = this.nodes.get(node.parent) as ModelNode;
      ctx.parent = { x: parent.wf.x, y: parent.wf.y, border: borderOf(parent.wf.style) };
      for (let up: ParentRef = node.parent; up !== ROOT;) {
        const ancestor = this.nodes.get(up) as ModelNode;
        if (ancestor.wf.type === "radio_group") {
          ctx.radioName = radioGroupName(ancestor.wf.id);
          break;
        }
        up = ancestor.parent;
      }
    }
    return wireframeNode(this.assemble(id), ctx);
  }
}
