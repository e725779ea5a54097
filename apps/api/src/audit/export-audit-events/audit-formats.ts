/**
 * The export's file formats, written row by row so any number of events streams in constant memory:
 * - `csv`: RFC 4180: a header row, CRLF line ends, a field quoted when it holds a comma, a quote, CR or LF
 *   (quotes doubled); `actor` is split into `actorKind` and `actorId`, `data` and `metadata` are JSON text.
 *   Values are written as they are in the log (no spreadsheet-formula escaping: the export must stay exact).
 * - `json`: one JSON array, an object per event, one per line.
 * - `ndjson`: one JSON object per line (newline-delimited JSON).
 */
import { type AuditRow } from './export-audit-events';

export const AUDIT_FORMATS = ['csv', 'json', 'ndjson'] as const;
export type AuditFormat = (typeof AUDIT_FORMATS)[number];

export const AUDIT_CONTENT_TYPES: Record<AuditFormat, string> = {
  csv: 'text/csv; charset=utf-8; header=present',
  json: 'application/json; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

export const AUDIT_CSV_COLUMNS = [
  'position',
  'streamId',
  'streamVersion',
  'eventId',
  'type',
  'occurredAt',
  'recordedAt',
  'actorKind',
  'actorId',
  'reason',
  'correlationId',
  'causationId',
  'companyId',
  'caseId',
  'data',
  'previousHash',
  'hash',
  'metadata',
] as const;

/** One RFC 4180 field: quoted (quotes doubled) when it holds a comma, a quote, CR or LF. null/undefined → empty. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV record with its CRLF. */
export function csvRecord(values: readonly unknown[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

export function auditCsvValues(row: AuditRow): unknown[] {
  return [
    row.position,
    row.streamId,
    row.streamVersion,
    row.eventId,
    row.type,
    row.occurredAt,
    row.recordedAt,
    row.actor?.kind,
    row.actor?.id,
    row.reason,
    row.correlationId,
    row.causationId,
    row.companyId,
    row.caseId,
    row.data === undefined ? null : JSON.stringify(row.data),
    row.previousHash,
    row.hash,
    JSON.stringify(row.metadata),
  ];
}

/** The export as text chunks in the given format (a chunk per row, plus the header or brackets). */
export async function* formatAuditRows(rows: AsyncIterable<AuditRow>, format: AuditFormat): AsyncGenerator<string> {
  if (format === 'csv') {
    yield csvRecord(AUDIT_CSV_COLUMNS);
    for await (const row of rows) yield csvRecord(auditCsvValues(row));
    return;
  }
  if (format === 'ndjson') {
    for await (const row of rows) yield `${JSON.stringify(row)}\n`;
    return;
  }
  let first = true;
  yield '[';
  for await (const row of rows) {
    yield `${first ? '\n' : ',\n'}${JSON.stringify(row)}`;
    first = false;
  }
  yield first ? ']\n' : '\n]\n';
}
