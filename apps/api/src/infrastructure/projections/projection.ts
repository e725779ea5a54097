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
}

export const PROJECTIONS = Symbol('PROJECTIONS');

export function companyIdOf(event: StoredEvent): string | undefined {
  const companyId = event.metadata.companyId;
  return typeof companyId === 'string' ? companyId : undefined;
}
