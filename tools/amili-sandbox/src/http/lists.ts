/**
 * Eve-style lists: `where` (equality on top-level fields; `$gt`/`$gte` on `_updated` and `_created`),
 * `sort` (`field` or `-field`, comma-separated), `page` and `max_results` (≤ 500). The faults may
 * repeat an item of the previous page and shuffle a page, as an unreliable partner would.
 */
import { isDeepStrictEqual } from 'node:util';
import { parseRfc1123 } from '../dates';
import { type Faults } from '../state/types';
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

type Predicate = (item: Resource) => boolean;

export function list(items: Resource[], query: ListQuery, faults: Faults): ListAnswer {
  const predicates = parseWhere(query.where);
  const order = parseSort(query.sort);
  const page = parsePositiveInteger(query.page, 'page', 1, Number.MAX_SAFE_INTEGER);
  const maxResults = parsePositiveInteger(query.max_results, 'max_results', DEFAULT_MAX_RESULTS, MAX_RESULTS_LIMIT);

  const matching = items.filter((item) => predicates.every((p) => p(item))).sort(order);
  const start = (page - 1) * maxResults;
  const pageItems = matching.slice(start, start + maxResults);
  if (start > 0 && start <= matching.length && Math.random() < faults.duplicateRate) pageItems.unshift(matching[start - 1]);
  if (faults.reorder) shuffle(pageItems);
  return { _items: pageItems, _meta: { page, max_results: maxResults, total: matching.length } };
}

function parseWhere(raw: string | undefined): Predicate[] {
  if (raw === undefined || raw === '') return [];
  let where: unknown;
  try {
    where = JSON.parse(raw);
  } catch {
    throw unprocessable({ where: 'must be a JSON object' });
  }
  if (!isObject(where)) throw unprocessable({ where: 'must be a JSON object' });
  return Object.entries(where).map(([field, expected]): Predicate => {
    if (!FIELD.test(field)) throw unprocessable({ [`where.${field}`]: 'only top-level fields can be queried' });
    if (!isObject(expected)) return (item) => isDeepStrictEqual(item[field], expected);
    if (!TIME_FIELDS.has(field)) throw unprocessable({ [`where.${field}`]: 'operators are supported on _updated and _created only' });
    const tests = Object.entries(expected).map(([operator, value]) => {
      const compare = COMPARISONS[operator];
      if (!compare) throw unprocessable({ [`where.${field}`]: `unsupported operator ${operator} (use $gt or $gte)` });
      const bound = parseRfc1123(value);
      if (bound === undefined) throw unprocessable({ [`where.${field}`]: `${operator} takes an RFC 1123 date` });
      return (item: Resource) => compare(parseRfc1123(item[field]) ?? NaN, bound);
    });
    return (item) => tests.every((test) => test(item));
  });
}

type Comparator = (a: Resource, b: Resource) => number;

function parseSort(raw: string | undefined): Comparator {
  const spec = raw === undefined || raw === '' ? '_updated' : raw;
  const keys = spec.split(',').map((part) => {
    const descending = part.startsWith('-');
    const field = descending ? part.slice(1) : part;
    if (!FIELD.test(field)) throw unprocessable({ sort: `not a field: "${part}"` });
    return { field, direction: descending ? -1 : 1 };
  });
  // `_id` last, so pages are stable when many items share an `_updated` second.
  if (!keys.some((k) => k.field === '_id')) keys.push({ field: '_id', direction: 1 });
  return (a, b) => {
    for (const { field, direction } of keys) {
      const c = compareValues(a[field], b[field]);
      if (c !== 0) return c * direction;
    }
    return 0;
  };
}

/** Dates by time, numbers by value, everything else by its text; absent values first. */
function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === undefined || a === null) return -1;
  if (b === undefined || b === null) return 1;
  const ta = parseRfc1123(a);
  const tb = parseRfc1123(b);
  if (ta !== undefined && tb !== undefined) return ta - tb;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const sa = typeof a === 'string' ? a : JSON.stringify(a);
  const sb = typeof b === 'string' ? b : JSON.stringify(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
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
