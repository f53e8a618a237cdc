"use client";

import { useCallback, useEffect, useMemo, useState } from "react";
import type { PlayerController } from "../lib/player";
import { stableSelector } from "@replay-devkit/analysis";
import { CopyButton } from "./CopyButton";
import type { HighlightBox } from "./Player";
import { usePlayerState } from "./Player";

const MAX_CHILDREN = 300;
const OPEN_DEPTH = 2;

interface DomPaneProps {
  controller: PlayerController | null;
  onHighlight: (box: HighlightBox | null) => void;
}

/**
 * The replayed document at the playhead, read straight from rrweb's sandboxed iframe (same-origin
 * but without allow-scripts, so reading it runs no recorded code).
 */
export function DomPane({ controller, onHighlight }: DomPaneProps) {
  const state = usePlayerState(controller);
  const [version, setVersion] = useState(0);
  const [expanded, setExpanded] = useState<Set<Node>>(() => new Set());
  const [selected, setSelected] = useState<Element | null>(null);
  const [query, setQuery] = useState("");
  const [queryError, setQueryError] = useState<string | null>(null);

  const doc = controller?.iframe()?.contentDocument ?? null;

  // Refresh when the playhead moves while paused, and every second while playing.
  const bucket = state.playing ? Math.floor(state.currentTime / 1000) : state.currentTime;
  useEffect(() => {
    const id = setTimeout(() => setVersion((v) => v + 1), 50);
    return () => clearTimeout(id);
  }, [bucket, state.status]);

  const select = useCallback(
    (el: Element | null) => {
      setSelected(el);
      if (!el || !el.isConnected) {
        onHighlight(null);
        return;
      }
      const rect = el.getBoundingClientRect();
      onHighlight({ top: rect.top, left: rect.left, width: rect.width, height: rect.height });
    },
    [onHighlight],
  );

  // Keep the highlight on the element as the replay moves it (or drops it).
  useEffect(() => {
    if (selected) select(selected.isConnected ? selected : null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [version]);

  useEffect(() => () => onHighlight(null), [onHighlight]);

  const reveal = (el: Element) => {
    const next = new Set(expanded);
    const ancestors: Node[] = [];
    for (let n: Node | null = el.parentNode; n && n.nodeType === 1; n = n.parentNode) ancestors.unshift(n);
    // Nodes shallower than OPEN_DEPTH are open by default, so for them membership means "collapsed".
    ancestors.forEach((n, depth) => (depth < OPEN_DEPTH ? next.delete(n) : next.add(n)));
    setExpanded(next);
    select(el);
    setTimeout(() => document.querySelector(".tree .node.selected")?.scrollIntoView({ block: "center" }), 0);
  };

  const find = () => {
    if (!doc || !query.trim()) return;
    try {
      const el = doc.querySelector(query.trim());
      if (el) {
        setQueryError(null);
        reveal(el);
      } else setQueryError("No element matches at this moment.");
    } catch {
      setQueryError("That is not a valid CSS selector.");
    }
  };

  const toggle = (node: Node) => {
    const next = new Set(expanded);
    if (next.has(node)) next.delete(node);
    else next.add(node);
    setExpanded(next);
  };

  const selector = useMemo(
    () => (selected && selected.isConnected ? stableSelector(selected) : null),
    [selected],
  );
  const mirrorId = selected ? controller?.replayer?.getMirror().getId(selected) : undefined;

  return (
    <div className="pane" data-testid="dom-pane">
      <div className="pane-toolbar">
        <input
          placeholder="Find by CSS selector, e.g. #btn-primary"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => e.key === "Enter" && find()}
          aria-label="Find element"
          style={{ flex: 1 }}
          data-testid="dom-query"
        />
        <button onClick={find} data-testid="dom-find">
          Find
        </button>
        <button onClick={() => setVersion((v) => v + 1)}>Refresh</button>
      </div>
      {queryError && <div className="error-box">{queryError}</div>}
      {selected && (
        <div className="details" data-testid="dom-selected">
          <div>
            <code data-testid="dom-selector">{selector ?? "(no longer in the document)"}</code>{" "}
            {selector && <CopyButton text={selector} label="Copy selector" testId="copy-selector" />}
          </div>
          <div className="muted">
            rrweb node id {mirrorId ?? "–"} · {Math.round(selected.getBoundingClientRect().width)}×
            {Math.round(selected.getBoundingClientRect().height)}
          </div>
          {selected.textContent && <pre>{selected.textContent.trim().slice(0, 300)}</pre>}
        </div>
      )}
      {!doc?.documentElement ? (
        <p className="muted page">The replayed document appears once the first full snapshot has loaded.</p>
      ) : (
        <div className="tree" data-version={version}>
          <TreeNode
            node={doc.documentElement}
            depth={0}
            expanded={expanded}
            toggle={toggle}
            selected={selected}
            select={select}
          />
        </div>
      )}
    </div>
  );
}

interface TreeNodeProps {
  node: Node;
  depth: number;
  expanded: Set<Node>;
  toggle: (node: Node) => void;
  selected: Element | null;
  select: (el: Element) => void;
}

function TreeNode({ node, depth, expanded, toggle, selected, select }: TreeNodeProps) {
  const indent = { paddingLeft: depth * 12 + 4 };
  if (node.nodeType === 3) {
    const text = node.textContent?.trim();
    if (!text) return null;
    return (
      <div className="node text" style={indent}>
        &quot;{text.length > 120 ? `${text.slice(0, 120)}…` : text}&quot;
      </div>
    );
  }
  if (node.nodeType === 8) {
    return (
      <div className="node text" style={indent}>
        &lt;!-- {node.textContent?.slice(0, 60)} --&gt;
      </div>
    );
  }
  if (node.nodeType !== 1) return null;
  const el = node as Element;
  const children = Array.from(el.childNodes).filter(
    (c) => c.nodeType === 1 || (c.nodeType === 3 && c.textContent?.trim()) || c.nodeType === 8,
  );
  const isOpen = depth < OPEN_DEPTH ? !expanded.has(el) : expanded.has(el);
  const tag = el.tagName.toLowerCase();
  return (
    <>
      <div
        className={`node ${selected === el ? "selected" : ""}`}
        style={indent}
        onClick={(e) => {
          e.stopPropagation();
          select(el);
        }}
        data-tag={tag}
      >
        {children.length > 0 ? (
          <span
            onClick={(e) => {
              e.stopPropagation();
              toggle(el);
            }}
          >
            {isOpen ? "▾ " : "▸ "}
          </span>
        ) : (
          <span>{"  "}</span>
        )}
        &lt;<span className="tag">{tag}</span>
        {Array.from(el.attributes)
          .slice(0, 6)
          .map((a) => (
            <span key={a.name}>
              {" "}
              <span className="attr">{a.name}</span>=&quot;
              {a.value.length > 60 ? `${a.value.slice(0, 60)}…` : a.value}&quot;
            </span>
          ))}
        &gt;
      </div>
      {isOpen &&
        children
          .slice(0, MAX_CHILDREN)
          .map((child, i) => (
            <TreeNode
              key={i}
              node={child}
              depth={depth + 1}
              expanded={expanded}
              toggle={toggle}
              selected={selected}
              select={select}
            />
          ))}
      {isOpen && children.length > MAX_CHILDREN && (
        <div className="node text" style={{ paddingLeft: (depth + 1) * 12 + 4 }}>
          … {children.length - MAX_CHILDREN} more
        </div>
      )}
    </>
  );
}
