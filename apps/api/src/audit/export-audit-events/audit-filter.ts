/**
 * The filters of an audit export, as an operator or an admin request states them, checked and turned into
 * what the export reads: a case id, a company id, and a period on `occurredAt`.
 *
 * Dates are days in Europe/Stockholm (the product's dates are Swedish): `from=2026-11-01` starts at that
 * day's midnight in Stockholm, `to=2026-11-30` includes the whole day. Instants (`2026-11-23T10:00:00Z`,
 * with `Z` or an offset) are taken as they are, both bounds inclusive.
 */
import { isLocalDate, stockholmDate } from '@pm/domain';
import { companyIdFor } from '../../shared/auth/tokens';

export interface AuditFilterInput {
  /** The case's id: its events (those whose data carries this caseId, in the invoice's stream). */
  caseId?: string;
  /** The company's id (a UUID). */
  companyId?: string;
  /** A date (YYYY-MM-DD, Stockholm) or an instant with a zone; inclusive, on occurredAt. */
  from?: string;
  /** A date (the whole day, Stockholm) or an instant with a zone; inclusive, on occurredAt. */
  to?: string;
}

export interface AuditFilter {
  caseId?: string;
  companyId?: string;
  /** Inclusive lower bound on occurredAt, epoch milliseconds. */
  fromMs?: number;
  /** Exclusive upper bound on occurredAt, epoch milliseconds. */
  toMsExclusive?: number;
}

export class AuditFilterError extends Error {
  readonly code = 'AUDIT.INVALID_FILTER';
  constructor(readonly errors: { field: string; message: string }[]) {
    super(errors.map((e) => e.message).join('; '));
    this.name = 'AuditFilterError';
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ORGANISATION_NUMBER = /^(16)?\d{6}-?\d{4}$/;
const INSTANT = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;
const HOUR_MS = 3_600_000;

/** A company named by its organisation number (NNNNNN-NNNN) or by its id (a UUID); undefined when it is neither. */
export function companyIdFromParam(value: string): string | undefined {
  const trimmed = value.trim();
  if (UUID.test(trimmed)) return trimmed.toLowerCase();
  if (ORGANISATION_NUMBER.test(trimmed)) return companyIdFor(trimmed);
  return undefined;
}

/** Midnight at the start of a Stockholm day (UTC+1 or UTC+2; daylight saving never changes at midnight). */
function stockholmMidnight(date: string): number {
  const utcMidnight = Date.parse(`${date}T00:00:00Z`);
  return [utcMidnight - 2 * HOUR_MS, utcMidnight - HOUR_MS, utcMidnight].find((t) => stockholmDate(new Date(t)) === date)!;
}

function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 24 * HOUR_MS).toISOString().slice(0, 10);
}

type Bound = { kind: 'date'; date: string } | { kind: 'instant'; ms: number };

function parseBound(field: 'from' | 'to', value: string, errors: AuditFilterError['errors']): Bound | undefined {
  const trimmed = value.trim();
  if (isLocalDate(trimmed)) return { kind: 'date', date: trimmed };
  const match = INSTANT.exec(trimmed);
  const ms = Date.parse(trimmed);
  if (match && isLocalDate(match[1]!) && !Number.isNaN(ms)) return { kind: 'instant', ms };
  errors.push({ field, message: `${field} must be a date (YYYY-MM-DD) or an instant with a zone (e.g. 2026-11-23T10:00:00Z), got ${JSON.stringify(value)}` });
  return undefined;
}

/** Checks the filters; throws AuditFilterError naming every bad one. */
export function parseAuditFilter(input: AuditFilterInput = {}): AuditFilter {
  const errors: AuditFilterError['errors'] = [];
  const filter: AuditFilter = {};
  if (input.caseId !== undefined) {
    if (UUID.test(input.caseId.trim())) filter.caseId = input.caseId.trim().toLowerCase();
    else errors.push({ field: 'case', message: `case must be a case id (a UUID), got ${JSON.stringify(input.caseId)}` });
  }
  if (input.companyId !== undefined) {
    if (UUID.test(input.companyId.trim())) filter.companyId = input.companyId.trim().toLowerCase();
    else errors.push({ field: 'company', message: `company must be a company id (a UUID), got ${JSON.stringify(input.companyId)}` });
  }
  const from = input.from === undefined ? undefined : parseBound('from', input.from, errors);
  const to = input.to === undefined ? undefined : parseBound('to', input.to, errors);
  if (from) filter.fromMs = from.kind === 'date' ? stockholmMidnight(from.date) : from.ms;
  if (to) filter.toMsExclusive = to.kind === 'date' ? stockholmMidnight(nextDay(to.date)) : to.ms + 1;
  if (filter.fromMs !== undefined && filter.toMsExclusive !== undefined && filter.fromMs >= filter.toMsExclusive)
    errors.push({ field: 'from', message: 'from must not be after to' });
  if (errors.length > 0) throw new AuditFilterError(errors);
  return filter;
}

/** Whether an event's occurredAt lies in the filter's period (an unreadable occurredAt lies in none). */
export function inPeriod(filter: AuditFilter, occurredAt: unknown): boolean {
  if (filter.fromMs === undefined && filter.toMsExclusive === undefined) return true;
  if (typeof occurredAt !== 'string') return false;
  const ms = Date.parse(occurredAt);
  if (Number.isNaN(ms)) return false;
  return (filter.fromMs === undefined || ms >= filter.fromMs) && (filter.toMsExclusive === undefined || ms < filter.toMsExclusive);
}
