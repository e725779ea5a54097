// A tiny element tree for one captured subtree (one GrpHdr, one Acct, one Ntry …) of a streamed XML file.
// Names are local names (prefix dropped): the camt parser is namespace-agnostic.
// Every element of the file gets an XNode while it is open (it is the parser's stack frame); only captured ones
// keep their text and children. The XML path is built on demand, because only errors and payments need it.

/** Elements whose path segment always carries a position ('Ntry[1]'); others only from the second one on. */
const REPEATABLE = new Set(['Ntfctn', 'Ntry', 'NtryDtls', 'TxDtls', 'Strd', 'Ustrd', 'RfrdDocInf', 'AdrLine', 'Btch', 'AddtlRmtInf']);
export const NO_ATTRIBUTES: Record<string, string> = Object.freeze(Object.create(null) as Record<string, string>);
/** Up to this many children are scanned for the position of a new child; beyond, a count map is kept. */
const SCAN = 16;

export class XNode {
  text = '';
  /** Kept children as a list (first → next → … → last): cheaper than an array per element. */
  first: XNode | undefined = undefined;
  last: XNode | undefined = undefined;
  next: XNode | undefined = undefined;
  /** Number of kept children. */
  size = 0;
  private pathCache: string | undefined = undefined;
  /** Per-name child counts, for parents whose children are not kept (or are many). */
  private counts: Map<string, number> | undefined = undefined;

  constructor(
    readonly name: string,
    readonly attrs: Record<string, string>,
    /** 1-based line where the start tag begins. */
    readonly line: number,
    readonly parent: XNode | undefined,
    /** 1-based position among the parent's children of the same name. */
    readonly nth: number,
    /** Whether text and children are collected (the node is inside a captured subtree). */
    readonly keep: boolean,
  ) {}

  /** The root of the stack: the parent of the document element. */
  static root(): XNode {
    return new XNode('', NO_ATTRIBUTES, 1, undefined, 0, false);
  }

  /**
   * Opens a child element. It keeps its own text and children when `keep` is set or this node keeps its
   * children; it is added to this node's children in the latter case.
   */
  open(name: string, attrs: Record<string, string>, line: number, keep: boolean): XNode {
    const node = new XNode(name, attrs, line, this, this.positionOf(name), keep || this.keep);
    if (this.keep) {
      if (this.last === undefined) this.first = node;
      else this.last.next = node;
      this.last = node;
      this.size++;
    }
    return node;
  }

  /** The position a new child called `name` gets (1 + the number of earlier children of that name). */
  private positionOf(name: string): number {
    if (this.counts === undefined && this.keep) {
      // Same-named siblings usually come in a run, so the last child decides most cases.
      if (this.last === undefined) return 1;
      if (this.last.name === name) return this.last.nth + 1;
      if (this.size <= SCAN) {
        let n = 1;
        for (let c = this.first; c !== undefined; c = c.next) if (c.name === name) n = c.nth + 1;
        return n;
      }
      // Many children: from now on count by name (seeded with the children so far).
      this.counts = new Map();
      for (let c = this.first; c !== undefined; c = c.next) this.counts.set(c.name, c.nth);
    }
    this.counts ??= new Map();
    const n = (this.counts.get(name) ?? 0) + 1;
    this.counts.set(name, n);
    return n;
  }

  /** e.g. /Document/BkToCstmrDbtCdtNtfctn/Ntfctn[1]/Ntry[3]/Amt ('' for the root of the stack). */
  get path(): string {
    if (this.pathCache !== undefined) return this.pathCache;
    // Iterative, so that a deeply nested file cannot overflow the call stack.
    const chain: XNode[] = [this];
    let top = this.parent;
    while (top !== undefined && top.pathCache === undefined) {
      chain.push(top);
      top = top.parent;
    }
    let path = top?.pathCache ?? '';
    for (let i = chain.length - 1; i >= 0; i--) {
      const n = chain[i];
      path = n.parent === undefined ? '' : `${path}/${n.name}${n.nth > 1 || REPEATABLE.has(n.name) ? `[${n.nth}]` : ''}`;
      n.pathCache = path;
    }
    return path;
  }
}

export function child(node: XNode | undefined, name: string): XNode | undefined {
  if (node === undefined) return undefined;
  for (let c = node.first; c !== undefined; c = c.next) if (c.name === name) return c;
  return undefined;
}

export function children(node: XNode | undefined, name: string): XNode[] {
  const out: XNode[] = [];
  if (node === undefined) return out;
  for (let c = node.first; c !== undefined; c = c.next) if (c.name === name) out.push(c);
  return out;
}

const SPLIT = new Map<string, string[]>();
const parts = (path: string): string[] => {
  let p = SPLIT.get(path);
  if (p === undefined) {
    p = path.split('/');
    SPLIT.set(path, p);
  }
  return p;
};

/** The first node along a '/'-separated path of child names. */
export function at(node: XNode | undefined, path: string): XNode | undefined {
  let cur = node;
  for (const part of parts(path)) {
    cur = child(cur, part);
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** Trimmed text of the node at `path`, or undefined when absent or empty. */
export function textAt(node: XNode | undefined, path: string): string | undefined {
  const n = at(node, path);
  if (n === undefined) return undefined;
  const t = n.text.trim();
  return t ? t : undefined;
}

/** Every node matching a path of child names, following all branches. */
export function all(node: XNode | undefined, path: string): XNode[] {
  let level: XNode[] = node ? [node] : [];
  for (const part of parts(path)) {
    const next: XNode[] = [];
    for (const n of level) for (let c = n.first; c !== undefined; c = c.next) if (c.name === part) next.push(c);
    level = next;
  }
  return level;
}
