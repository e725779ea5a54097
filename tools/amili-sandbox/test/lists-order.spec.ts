/**
 * `list` tests time conditions on the records and works out sort keys once per item; this checks that it
 * answers exactly what the plain way would: present every record, test every condition on the presented item,
 * sort by comparing the presented values (RFC 1123 dates by time, numbers by value, the rest by text, absent
 * first, null and undefined alike). Random records and queries; the plain way is written out here as the reference.
 */
import { isDeepStrictEqual } from 'node:util';
import { parseRfc1123, toRfc1123, toSecond } from '../src/dates';
import { list } from '../src/http/lists';
import { type Resource } from '../src/http/present';
import { emptyState, type ResourceMeta } from '../src/state/types';
import { seededRandom } from './helpers';

interface Thing extends ResourceMeta {
  fields: Record<string, unknown>;
}

const present = (thing: Thing): Resource => ({ _id: thing.id, _created: toRfc1123(toSecond(thing.created)), _updated: toRfc1123(toSecond(thing.updated)), ...thing.fields });

function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  // Absent is absent, null or undefined (so the order is one order).
  if ((a ?? null) === null && (b ?? null) === null) return 0;
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

/** The plain way: every item presented, filtered and compared as presented. */
function reference(things: Thing[], where: Record<string, unknown>, sort: string[]): string[] {
  const items = things.map(present).filter((item) =>
    Object.entries(where).every(([field, expected]) => {
      if (typeof expected !== 'object' || expected === null) return isDeepStrictEqual(item[field], expected);
      return Object.entries(expected).every(([op, bound]) => {
        const t = parseRfc1123(item[field])!;
        const b = parseRfc1123(bound)!;
        return op === '$gt' ? t > b : t >= b;
      });
    }),
  );
  const keys = (sort.length > 0 ? sort : ['_updated']).map((part) => ({ field: part.replace(/^-/, ''), direction: part.startsWith('-') ? -1 : 1 }));
  if (!keys.some((k) => k.field === '_id')) keys.push({ field: '_id', direction: 1 });
  items.sort((a, b) => {
    for (const { field, direction } of keys) {
      const c = compareValues(a[field], b[field]);
      if (c !== 0) return c * direction;
    }
    return 0;
  });
  return items.map((item) => item._id);
}

describe('list', () => {
  it.each([1, 2, 3, 4, 5])('pages, filters and sorts as the plain way does (seed %i)', (seed) => {
    const next = seededRandom(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
    const base = Date.UTC(2026, 10, 1);
    // Few distinct seconds and values, so that ties (and the _id tiebreak) are common.
    const moment = () => base + Math.floor(next() * 20) * 1000 + Math.floor(next() * 1000);
    const value = () => pick([undefined, null, 3, 12, 'b', 'B', 'a10', toRfc1123(base + 86_400_000 * Math.floor(next() * 3)), { x: 1 }, [1, 2], true]);
    const things: Thing[] = Array.from({ length: 120 }, (_, i) => {
      const created = moment();
      return { id: `t${String(Math.floor(next() * 1000)).padStart(3, '0')}-${i}`, created, updated: Math.max(created, moment()), version: 1, fields: { kind: pick(['x', 'y', 'z']), a: value(), b: value() } };
    });
    for (let q = 0; q < 200; q++) {
      const where: Record<string, unknown> = {};
      if (next() < 0.5) where[pick(['_updated', '_created'])] = { [pick(['$gt', '$gte'])]: toRfc1123(toSecond(moment())) };
      if (next() < 0.3) where.kind = pick(['x', 'y', 'z']);
      if (next() < 0.1) where.a = 3;
      const sort = Array.from({ length: Math.floor(next() * 3) }, () => `${pick(['', '-'])}${pick(['_updated', '_created', '_id', 'kind', 'a', 'b'])}`);
      const maxResults = pick([7, 50, 500]);
      const expected = reference(things, where, sort);
      for (let page = 1; page <= Math.ceil(expected.length / maxResults) + 1; page++) {
        const answer = list(things, present, { where: JSON.stringify(where), sort: sort.join(','), page: String(page), max_results: String(maxResults) }, emptyState().faults);
        expect({ where, sort, page, ids: answer._items.map((item) => item._id) }).toEqual({ where, sort, page, ids: expected.slice((page - 1) * maxResults, page * maxResults) });
        expect(answer._meta.total).toBe(expected.length);
      }
    }
  });
});
