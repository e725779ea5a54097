// A tiny element tree for one captured subtree (one GrpHdr, one Acct, one Ntry …) of a streamed XML file.
// Names are local names (prefix dropped): the camt parser is namespace-agnostic.

export interface XNode {
  name: string;
  attrs: Record<string, string>;
  text: string;
  children: XNode[];
  /** 1-based line and column where the start tag begins. */
  line: number;
  column: number;
  /** e.g. /Document/BkToCstmrDbtCdtNtfctn/Ntfctn[1]/Ntry[3]/Amt */
  path: string;
}

export function child(node: XNode | undefined, name: string): XNode | undefined {
  return node?.children.find((c) => c.name === name);
}

export function children(node: XNode | undefined, name: string): XNode[] {
  return node ? node.children.filter((c) => c.name === name) : [];
}

/** The first node along a '/'-separated path of child names. */
export function at(node: XNode | undefined, path: string): XNode | undefined {
  let cur = node;
  for (const part of path.split('/')) {
    cur = child(cur, part);
    if (!cur) return undefined;
  }
  return cur;
}

/** Trimmed text of the node at `path`, or undefined when absent or empty. */
export function textAt(node: XNode | undefined, path: string): string | undefined {
  const n = at(node, path);
  const t = n?.text.trim();
  return t ? t : undefined;
}

/** Every node matching a path of child names, following all branches. */
export function all(node: XNode | undefined, path: string): XNode[] {
  let level: XNode[] = node ? [node] : [];
  for (const part of path.split('/')) level = level.flatMap((n) => children(n, part));
  return level;
}
