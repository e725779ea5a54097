import { type SqlExecutor, type StoredEvent } from '@pm/event-store';

/** A read-model change pushed to live clients after the projection's transaction commits. */
export interface LiveChange {
  companyId: string;
  kind: 'invoice' | 'case' | 'company';
  /** The invoice number, case id or company id that changed. */
  key: string;
}

/**
 * A read model fed by the event log (never by the in-memory bus): it gets the log in batches and writes
 * its tables in the same transaction as its checkpoint, so a crash never leaves it half-applied.
 */
export interface Projection {
  readonly name: string;
  /** Idempotent DDL for the tables it owns. */
  readonly schema: readonly string[];
  /** The tables it owns (emptied when it is rebuilt). */
  readonly tables: readonly string[];
  apply(tx: SqlExecutor, events: readonly StoredEvent[], context?: ApplyContext): Promise<LiveChange[]>;
}

/** What the live feed offers a projection besides the events (a rebuild offers nothing). */
export interface ApplyContext {
  /** A stream's state right after `version` as `decider` folds it, when a command of this process just had it. */
  recall<S>(decider: object, streamId: string, version: number): S | undefined;
  /** Keeps a write for the end of the batch (see `write`). */
  deferWrite?(text: string, params: readonly unknown[]): void;
}

/** A statement and its parameters, kept for the end of a batch. */
export interface Write {
  text: string;
  params: readonly unknown[];
}

/**
 * A write whose result the projection does not use. In the live feed the writes of every read model of a batch
 * run together at its end, as one statement (see `oneStatement`): one round trip instead of one each (a send to
 * reminder handling writes four tables). Elsewhere (a rebuild) it runs at once. A projection reads what it needs
 * before it writes, and each writes only its own tables, so no read waits behind a write still kept.
 */
export async function write(tx: SqlExecutor, context: ApplyContext | undefined, text: string, params: readonly unknown[]): Promise<void> {
  if (context?.deferWrite) return context.deferWrite(text, params);
  await tx.query(text, [...params], { prepare: true });
}

/**
 * Writes as one statement: each a data-modifying WITH query of its own, its parameters renumbered (for statements
 * whose text holds no `$` of its own). They run exactly once each, on one snapshot: fine for writes to distinct
 * tables. The same projections writing in the same order give the same text, so it stays prepared.
 */
export function oneStatement(writes: readonly Write[]): { text: string; params: unknown[] } {
  if (writes.length === 1) return { text: writes[0].text, params: [...writes[0].params] };
  const params: unknown[] = [];
  const parts = writes.map(({ text, params: own }, i) => {
    const offset = params.length;
    params.push(...own);
    return `w${i} AS (${text.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`)})`;
  });
  return { text: `WITH ${parts.join(',\n')}\nSELECT 1`, params };
}

export const PROJECTIONS = Symbol('PROJECTIONS');

export function companyIdOf(event: StoredEvent): string | undefined {
  const companyId = event.metadata.companyId;
  return typeof companyId === 'string' ? companyId : undefined;
}
