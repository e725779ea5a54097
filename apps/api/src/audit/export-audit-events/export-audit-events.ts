/**
 * The audit export: every event of the log itself (`es_events`, not a read model) with who, when, why and in
 * which chain of work, in global order.
 *
 * Paging: the log is read in windows of `pageSize` events by its global order `(transaction_id,
 * global_position)` (an index range each time), and the case and company filters are applied inside each
 * window, so a page never holds more than `pageSize` rows however selective the filter is and 1,000,000
 * events stream in constant memory. The period is checked here on each row (an unreadable occurredAt can
 * then never break an export). The export ends at the log position it started at: only transactions below
 * the oldest one in flight at the start are read (as the store's readAll does), so an event committed late
 * is never skipped and one appended during the export is left to the next export.
 */
import { type EventMetadata, EVENTS_TABLE, encodePosition } from '@pm/event-store';
import { type Storage } from '../../infrastructure/database/open-store';
import { type AuditFilter, type AuditFilterInput, inPeriod, parseAuditFilter } from './audit-filter';

export interface AuditRow {
  /** Global position in the log, `"<commit>:<prepare>"` (transaction id : sequence). */
  position: string;
  streamId: string;
  streamVersion: number;
  eventId: string;
  type: string;
  occurredAt: string | null;
  recordedAt: string;
  actor: { kind: string; id: string } | null;
  reason: string | null;
  correlationId: string | null;
  causationId: string | null;
  companyId: string | null;
  /** `data.caseId` when the event is a case's. */
  caseId: string | null;
  data: unknown;
  /** The whole metadata as stored and hashed, so the export can be re-verified outside the database. */
  metadata: EventMetadata;
  previousHash: string;
  hash: string;
}

export interface AuditExportProgress {
  /** Events of the log read so far (matching the filter or not). */
  scanned: number;
  /** Events of the log the export reads in all (those below its end position). */
  total: number;
  /** Rows exported so far. */
  exported: number;
}

export interface AuditExportOptions {
  /** Events of the log read per query (default 1000). */
  pageSize?: number;
  /** Called after each page (the total is counted once at the start when this is given). */
  onProgress?: (progress: AuditExportProgress) => void;
}

interface WindowRow {
  transaction_id: string;
  global_position: string;
  hit: boolean;
  stream_id: string | null;
  stream_version: number | null;
  event_id: string | null;
  type: string | null;
  data: unknown;
  metadata: EventMetadata | null;
  recorded_at: Date | string | null;
  previous_hash: string | null;
  hash: string | null;
}

const asString = (value: unknown): string | null => (typeof value === 'string' ? value : null);

function toAuditRow(row: WindowRow): AuditRow {
  const metadata = (row.metadata ?? {}) as EventMetadata;
  const actor = metadata.actor as { kind?: unknown; id?: unknown } | undefined;
  const data = row.data as { caseId?: unknown } | null;
  return {
    position: encodePosition({ commit: BigInt(row.transaction_id), prepare: BigInt(row.global_position) }),
    streamId: row.stream_id!,
    streamVersion: Number(row.stream_version),
    eventId: row.event_id!,
    type: row.type!,
    occurredAt: asString(metadata.occurredAt),
    recordedAt: new Date(row.recorded_at!).toISOString(),
    actor: actor && typeof actor === 'object' ? { kind: String(actor.kind), id: String(actor.id) } : null,
    reason: asString(metadata.reason),
    correlationId: asString(metadata.correlationId),
    causationId: asString(metadata.causationId),
    companyId: asString(metadata.companyId),
    caseId: data && typeof data === 'object' && !Array.isArray(data) ? asString(data.caseId) : null,
    data: row.data,
    metadata,
    previousHash: row.previous_hash!,
    hash: row.hash!,
  };
}

/** SQL condition and parameters for the filters the window applies (case, company); `$1`–`$4` are the window's. */
function windowCondition(filter: AuditFilter): { condition: string; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (filter.caseId) {
    params.push(filter.caseId);
    conditions.push(`data->>'caseId' = $${4 + params.length}`);
  }
  if (filter.companyId) {
    params.push(filter.companyId);
    conditions.push(`metadata->>'companyId' = $${4 + params.length}`);
  }
  return { condition: conditions.length ? conditions.join(' and ') : 'true', params };
}

/** The log position the export ends at: below the oldest transaction in flight now. */
async function endPosition(storage: Pick<Storage, 'sql'>): Promise<string> {
  const { rows } = await storage.sql.query<{ xmin: string }>('select pg_snapshot_xmin(pg_current_snapshot())::text as xmin');
  return rows[0]!.xmin;
}

/** How many events of the log an export started now would read (for a progress bar). */
export async function countLogEvents(storage: Pick<Storage, 'sql'>): Promise<number> {
  const end = await endPosition(storage);
  const { rows } = await storage.sql.query<{ n: string }>(`select count(*) as n from ${EVENTS_TABLE} where transaction_id < $1::xid8`, [end]);
  return Number(rows[0]!.n);
}

/**
 * Every event of the log matching the filter, in global order, as audit rows. Throws AuditFilterError (before
 * reading anything) for bad filters.
 */
export function exportAuditEvents(storage: Pick<Storage, 'sql'>, input: AuditFilterInput = {}, options: AuditExportOptions = {}): AsyncIterable<AuditRow> {
  const filter = parseAuditFilter(input);
  const pageSize = options.pageSize ?? 1000;
  if (!Number.isSafeInteger(pageSize) || pageSize < 1) throw new RangeError(`pageSize must be a positive integer, got ${pageSize}`);
  const { condition, params } = windowCondition(filter);
  const heavy = (column: string) => `case when hit then ${column} end as ${column}`;
  const query = `
    select transaction_id::text as transaction_id, global_position::text as global_position, hit,
           ${['stream_id', 'stream_version', 'event_id', 'type', 'data', 'metadata', 'recorded_at', 'previous_hash', 'hash'].map(heavy).join(', ')}
      from (select e.*, (${condition}) as hit from ${EVENTS_TABLE} e
             where transaction_id < $1::xid8 and (transaction_id, global_position) > ($2::xid8, $3::bigint)
             order by transaction_id, global_position
             limit $4) w
     order by w.transaction_id, w.global_position`; // the window's columns (xid8, bigint), not the text output

  return {
    async *[Symbol.asyncIterator]() {
      const end = await endPosition(storage);
      const total = options.onProgress ? await countLogEvents(storage) : 0;
      let cursor = { commit: '0', prepare: '0' };
      let scanned = 0;
      let exported = 0;
      for (;;) {
        const { rows } = await storage.sql.query<WindowRow>(query, [end, cursor.commit, cursor.prepare, pageSize, ...params]);
        if (rows.length === 0) break;
        const last = rows[rows.length - 1]!;
        const endOfLog = rows.length < pageSize;
        cursor = { commit: last.transaction_id, prepare: last.global_position };
        scanned += rows.length;
        const page: AuditRow[] = [];
        for (const row of rows) {
          if (row.hit && inPeriod(filter, row.metadata?.occurredAt)) page.push(toAuditRow(row));
        }
        for (const row of page) {
          exported++;
          yield row;
        }
        options.onProgress?.({ scanned, total: Math.max(total, scanned), exported });
        if (endOfLog) break;
      }
    },
  };
}
