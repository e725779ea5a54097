/**
 * Reading the event log from beside the read models. The log is read through the event store port
 * wherever that costs about what SQL would (the audit export, the chain verification's reads, the rebuild's
 * replay): one code path for every store. Where the log is the PostgreSQL/PGlite store's `es_events` in the
 * read models' own database, `sqlEventLog` hands out its SQL client for the few readers that are much cheaper
 * in SQL (counting events without moving them, listing streams by an index, reading inside a transaction on
 * the single-connection embedded store); each of those says why, and has its port path beside it for a log
 * elsewhere (KurrentDB).
 */
import { EVENTS_TABLE, type GlobalPosition, PostgresEventStore, type SqlClient, START, comparePositions } from '@pm/event-store';
import { type Storage } from './open-store';

export type LogAccess = Pick<Storage, 'sql' | 'store'>;

/** The SQL client the log lives in when it is `es_events` in the read models' database (the same client); else undefined. */
export function sqlEventLog(storage: LogAccess): SqlClient | undefined {
  const { store, sql } = storage;
  return store instanceof PostgresEventStore && store.sqlClient === sql ? sql : undefined;
}

export interface LogCount {
  /** Events after `after` and up to `upTo`. */
  events: number;
  /** The earliest `recordedAt` among them; null when there are none. */
  oldestRecordedAt: string | null;
}

export interface CountOptions {
  /** Count the events after this position (default: from the start). */
  after?: GlobalPosition;
  /** And up to this position, inclusive (default: all there are now). */
  upTo?: GlobalPosition;
  /** Events per page when the log is read through the port. */
  pageSize?: number;
}

/**
 * How many events of the log lie after `after` (and up to `upTo`). SQL fast path: one count over the log's
 * (transaction_id, global_position) index, with no event leaving the database, where the port would move every
 * one of them; it sees what readAll sees (only transactions below the oldest one in flight). Through the port
 * (KurrentDB keeps no count) every one of them is read, a page at a time: the cost grows with the count.
 */
export async function countEvents(storage: LogAccess, { after = START, upTo, pageSize = 5_000 }: CountOptions = {}): Promise<LogCount> {
  const sql = sqlEventLog(storage);
  if (sql) {
    const params: unknown[] = [after.commit < 0n ? '0' : after.commit.toString(), after.prepare.toString()];
    if (upTo) params.push(upTo.commit < 0n ? '0' : upTo.commit.toString(), upTo.prepare.toString());
    const { rows } = await sql.query<{ n: string | number; oldest: Date | string | null }>(
      `SELECT count(*) AS n, min(recorded_at) AS oldest FROM ${EVENTS_TABLE}
        WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
          AND (transaction_id, global_position) > ($1::xid8, $2::bigint)
          ${upTo ? 'AND (transaction_id, global_position) <= ($3::xid8, $4::bigint)' : ''}`,
      params,
    );
    const oldest = rows[0]?.oldest;
    return { events: Number(rows[0]?.n ?? 0), oldestRecordedAt: oldest ? new Date(oldest).toISOString() : null };
  }
  let events = 0;
  let oldest: string | null = null;
  for (let from = after; ; ) {
    const page = await storage.store.readAll({ after: from, limit: pageSize });
    const counted = upTo ? page.filter((event) => comparePositions(event.globalPosition, upTo) <= 0) : page;
    for (const event of counted) if (oldest === null || event.recordedAt < oldest) oldest = event.recordedAt;
    events += counted.length;
    if (counted.length < pageSize) break;
    from = counted[counted.length - 1]!.globalPosition;
  }
  return { events, oldestRecordedAt: oldest };
}
