/**
 * Eve-style lists: `where` (equality on top-level fields; `$gt`/`$gte` on `_updated` and `_created`),
 * `sort` (`field` or `-field`, comma-separated), `page` and `max_results` (≤ 500). The faults may
 * repeat an item of the previous page and shuffle a page, as an unreliable partner would.
 */
import { isDeepStrictEqual } from 'node:util';
import { parseRfc1123, toSecond } from '../dates';
import { type Faults, type ResourceMeta } from '../state/types';
import { isObject } from '../validation';
import { unprocessable } from './errors';
import { type Resource } from './present';

export interface ListQuery {
  where?: string;
  sort?: string;
  page?: string;
  max_results?: string;
}

export interface ListAnswer {
  _items: Resource[];
  _meta: { page: number; max_results: number; total: number };
}

export const DEFAULT_MAX_RESULTS = 50;
export const MAX_RESULTS_LIMIT = 500;

const FIELD = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TIME_FIELDS = new Set(['_updated', '_created']);
const COMPARISONS: Record<string, (a: number, b: number) => boolean> = { $gt: (a, b) => a > b, $gte: (a, b) => a >= b };

type Predicate<T> = (item: T) => boolean;

/**
 * The page of `records` a query asks for. The time conditions are tested on the records' own times (as the wire
 * shows them: whole seconds) before any record is presented, and each item's sort keys are worked out once, not
 * in every comparison: a poll for what changed lately then costs little however many records there are.
 */
export function list<R extends ResourceMeta>(records: readonly R[], present: (record: R) => Resource, query: ListQuery, faults: Faults): ListAnswer {
  const { times, fields } = parseWhere(query.where);
  const keys = parseSort(query.sort);
  const page = parsePositiveInteger(query.page, 'page', 1, Number.MAX_SAFE_INTEGER);
  const maxResults = parsePositiveInteger(query.max_results, 'max_results', DEFAULT_MAX_RESULTS, MAX_RESULTS_LIMIT);

  const matching: Row[] = [];
  for (const record of records) {
    if (!times.every((test) => test(record))) continue;
    const resource = present(record);
    if (!fields.every((test) => test(resource))) continue;
    matching.push({ resource, keys: keys.map(({ field }) => sortKey(field, record, resource)) });
  }
  matching.sort((a, b) => {
    for (let k = 0; k < keys.length; k++) {
      const c = compareKeys(a.keys[k]!, b.keys[k]!);
      if (c !== 0) return c * keys[k]!.direction;
    }
    return 0;
  });
  const start = (page - 1) * maxResults;
  const pageItems = matching.slice(start, start + maxResults).map((row) => row.resource);
  if (start > 0 && start <= matching.length && Math.random() < faults.duplicateRate) pageItems.unshift(matching[start - 1]!.resource);
  if (faults.reorder) shuffle(pageItems);
  return { _items: pageItems, _meta: { page, max_results: maxResults, total: matching.length } };
}

interface Row {
  resource: Resource;
  keys: SortKey[];
}

/** A record's time as its `_created` / `_updated` shows it (RFC 1123 has whole seconds). */
function timeOf(record: ResourceMeta, field: string): number {
  return toSecond(field === '_created' ? record.created : record.updated);
}

function parseWhere(raw: string | undefined): { times: Predicate<ResourceMeta>[]; fields: Predicate<Resource>[] } {
  const times: Predicate<ResourceMeta>[] = [];
  const fields: Predicate<Resource>[] = [];
  if (raw === undefined || raw === '') return { times, fields };
  let where: unknown;
  try {
    where = JSON.parse(raw);
  } catch {
    throw unprocessable({ where: 'must be a JSON object' });
  }
  if (!isObject(where)) throw unprocessable({ where: 'must be a JSON object' });
  for (const [field, expected] of Object.entries(where)) {
    if (!FIELD.test(field)) throw unprocessable({ [`where.${field}`]: 'only top-level fields can be queried' });
    if (!isObject(expected)) {
      fields.push((item) => isDeepStrictEqual(item[field], expected));
      continue;
    }
    if (!TIME_FIELDS.has(field)) throw unprocessable({ [`where.${field}`]: 'operators are supported on _updated and _created only' });
    for (const [operator, value] of Object.entries(expected)) {
      const compare = COMPARISONS[operator];
      if (!compare) throw unprocessable({ [`where.${field}`]: `unsupported operator ${operator} (use $gt or $gte)` });
      const bound = parseRfc1123(value);
      if (bound === undefined) throw unprocessable({ [`where.${field}`]: `${operator} takes an RFC 1123 date` });
      times.push((record) => compare(timeOf(record, field), bound));
    }
  }
  return { times, fields };
}

function parseSort(raw: string | undefined): { field: string; direction: number }[] {
  const spec = raw === undefined || raw === '' ? '_updated' : raw;
  const keys = spec.split(',').map((part) => {
    const descending = part.startsWith('-');
    const field = descending ? part.slice(1) : part;
    if (!FIELD.test(field)) throw unprocessable({ sort: `not a field: "${part}"` });
    return { field, direction: descending ? -1 : 1 };
  });
  // `_id` last, so pages are stable when many items share an `_updated` second.
  if (!keys.some((k) => k.field === '_id')) keys.push({ field: '_id', direction: 1 });
  return keys;
}

/**
 * A value as it sorts: absent values first; dates (RFC 1123) by time and numbers by value, each among their own
 * kind; everything else, and a date against a number, by its text (objects by their JSON).
 */
interface SortKey {
  absent: boolean;
  time?: number;
  number?: number;
  text: string;
}

function sortKey(field: string, record: ResourceMeta, resource: Resource): SortKey {
  const value = resource[field];
  if (TIME_FIELDS.has(field)) return { absent: false, time: timeOf(record, field), text: String(value) };
  if (value === undefined || value === null) return { absent: true, text: '' };
  const time = parseRfc1123(value);
  if (time !== undefined) return { absent: false, time, text: value as string };
  if (typeof value === 'number') return { absent: false, number: value, text: JSON.stringify(value) };
  return { absent: false, text: typeof value === 'string' ? value : JSON.stringify(value) };
}

function compareKeys(a: SortKey, b: SortKey): number {
  if (a.absent || b.absent) return a.absent === b.absent ? 0 : a.absent ? -1 : 1;
  if (a.time !== undefined && b.time !== undefined) return a.time - b.time;
  if (a.number !== undefined && b.number !== undefined) return a.number - b.number;
  return a.text < b.text ? -1 : a.text > b.text ? 1 : 0;
}

function parsePositiveInteger(raw: string | undefined, name: string, fallback: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < 1 || value > max) {
    throw unprocessable({ [name]: `must be a whole number from 1 to ${max}` });
  }
  return value;
}

function shuffle<T>(items: T[]): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
}
