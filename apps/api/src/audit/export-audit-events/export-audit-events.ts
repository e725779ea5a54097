/**
 * The audit export: every event of the log itself (not a read model) with who, when, why and in which chain
 * of work, in global order.
 *
 * One code path for every store: the log is read through the event store port (`readAll`) in pages of
 * `pageSize` events, and the case, company and period filters are applied here to each page, so a page never
 * holds more than `pageSize` events however selective the filter is, and 1,000,000 events stream in constant
 * memory. (Filtering in SQL would spare moving the events a filter drops, but an export reads the whole log
 * either way, and the same code then serves the log on KurrentDB.) The period is checked on each event (an
 * unreadable occurredAt can then never break an export). The export ends at the log position it started at
 * (`headPosition`): what is appended during the export is left to the next one, and since readAll never
 * returns an event before an earlier-positioned one that is still being committed, nothing is skipped.
 */
import { type EventMetadata, type GlobalPosition, type StoredEvent, START, comparePositions, encodePosition } from '@pm/event-store';
import { countEvents, type LogAccess } from '../../infrastructure/database/event-log';
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

const asString = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** A JSON value as PostgreSQL's `->>` gives it: strings as they are, anything else as its JSON text. */
const asText = (value: unknown): string | null => (value === undefined || value === null ? null : typeof value === 'string' ? value : JSON.stringify(value));

const caseIdOf = (data: unknown): unknown => (data && typeof data === 'object' && !Array.isArray(data) ? (data as { caseId?: unknown }).caseId : undefined);

function toAuditRow(event: StoredEvent): AuditRow {
  const metadata = (event.metadata ?? {}) as EventMetadata;
  const actor = metadata.actor as { kind?: unknown; id?: unknown } | undefined;
  return {
    position: encodePosition(event.globalPosition),
    streamId: event.streamId,
    streamVersion: event.streamVersion,
    eventId: String(metadata.eventId),
    type: event.type,
    occurredAt: asString(metadata.occurredAt),
    recordedAt: new Date(event.recordedAt).toISOString(),
    actor: actor && typeof actor === 'object' ? { kind: String(actor.kind), id: String(actor.id) } : null,
    reason: asString(metadata.reason),
    correlationId: asString(metadata.correlationId),
    causationId: asString(metadata.causationId),
    companyId: asString(metadata.companyId),
    caseId: asString(caseIdOf(event.data)),
    data: event.data,
    metadata,
    previousHash: event.previousHash,
    hash: event.hash,
  };
}

/** Whether an event passes the case, company and period filters. */
function matches(filter: AuditFilter, event: StoredEvent): boolean {
  if (filter.caseId !== undefined && asText(caseIdOf(event.data)) !== filter.caseId) return false;
  if (filter.companyId !== undefined && asText(event.metadata?.companyId) !== filter.companyId) return false;
  return inPeriod(filter, event.metadata?.occurredAt);
}

/** How many events of the log an export started now would read (for a progress bar). */
export async function countLogEvents(storage: LogAccess, upTo?: GlobalPosition): Promise<number> {
  return (await countEvents(storage, { upTo: upTo ?? (await storage.store.headPosition()) })).events;
}

/**
 * Every event of the log matching the filter, in global order, as audit rows. Throws AuditFilterError (before
 * reading anything) for bad filters.
 */
export function exportAuditEvents(storage: LogAccess, input: AuditFilterInput = {}, options: AuditExportOptions = {}): AsyncIterable<AuditRow> {
  const filter = parseAuditFilter(input);
  const pageSize = options.pageSize ?? 1000;
  if (!Number.isSafeInteger(pageSize) || pageSize < 1) throw new RangeError(`pageSize must be a positive integer, got ${pageSize}`);

  return {
    async *[Symbol.asyncIterator]() {
      const end = await storage.store.headPosition();
      if (comparePositions(end, START) === 0) return;
      const total = options.onProgress ? await countLogEvents(storage, end) : 0;
      let cursor = START;
      let scanned = 0;
      let exported = 0;
      for (;;) {
        const read = await storage.store.readAll({ after: cursor, limit: pageSize });
        const window = comparePositions(read[read.length - 1]?.globalPosition ?? START, end) <= 0 ? read : read.filter((event) => comparePositions(event.globalPosition, end) <= 0);
        if (window.length === 0) break;
        cursor = window[window.length - 1]!.globalPosition;
        scanned += window.length;
        const page = window.filter((event) => matches(filter, event)).map(toAuditRow);
        for (const row of page) {
          exported++;
          yield row;
        }
        options.onProgress?.({ scanned, total: Math.max(total, scanned), exported });
        if (window.length < read.length || read.length < pageSize) break;
      }
    },
  };
}
