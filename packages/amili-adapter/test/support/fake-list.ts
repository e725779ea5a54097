/** A partner's Eve list (cases, payouts) with `where` on `_updated`, sort and paging, and the sandbox's list faults. */
import { type PollingCursor } from '../../src/amili-adapter';
import { type Handler } from './partner-server';

/** The wire resource for an id at an `_updated` ('2026-11-25T10:00:01', UTC) and `_etag`. */
export type ItemOf = (id: string, updated: string, etag: string) => Record<string, unknown>;

export class FakeList {
  private readonly items = new Map<string, { ms: number; etag: number }>();
  clock = Date.parse('2026-11-25T10:00:00Z');
  duplicate = false;
  reorder = false;
  /** Called before each answer, to change resources while a poll is paging. */
  onRequest: () => void = () => undefined;
  private shuffleSeed = 1;

  constructor(private readonly itemOf: ItemOf) {}

  touch(id: string): void {
    const known = this.items.get(id);
    this.items.set(id, { ms: this.clock, etag: (known?.etag ?? 0) + 1 });
  }

  tick(seconds = 1): void {
    this.clock += seconds * 1000;
  }

  current(): Map<string, string> {
    return new Map([...this.items].map(([id, c]) => [id, `e${c.etag}`]));
  }

  handler: Handler = (request) => {
    this.onRequest();
    const where = JSON.parse(request.query.get('where') ?? '{}') as { _updated?: { $gte: string } };
    const from = where._updated ? Date.parse(where._updated.$gte) : -Infinity;
    const page = Number(request.query.get('page') ?? 1);
    const size = Number(request.query.get('max_results') ?? 50);
    const all = [...this.items]
      .filter(([, c]) => c.ms >= from)
      .sort(([ia, a], [ib, b]) => a.ms - b.ms || (ia < ib ? -1 : 1))
      .map(([id, c]) => this.itemOf(id, new Date(c.ms).toISOString().slice(0, 19), `e${c.etag}`));
    const items = all.slice((page - 1) * size, page * size);
    if (this.duplicate && items.length) {
      const previous = all[(page - 1) * size - 1];
      if (previous) items.push(previous); // repeated from the page before
      items.push(items[0]); // and twice on this page
      const stale = [...this.items].find(([, c]) => c.ms < from); // an old one, outside the range asked for
      if (stale) items.push(this.itemOf(stale[0], '2026-11-24T00:00:00', 'e0'));
    }
    if (this.reorder) {
      for (let i = items.length - 1; i > 0; i--) {
        this.shuffleSeed = (this.shuffleSeed * 16807) % 2147483647;
        const j = this.shuffleSeed % (i + 1);
        [items[i], items[j]] = [items[j], items[i]];
      }
    }
    return { json: { _items: items, _meta: { page, max_results: size, total: all.length } } };
  };
}

/** One call of a list: the ids it delivered and, where our view keeps it, their `_etag` (else ''). */
export type Poll = (cursor: PollingCursor, pageSize: number) => Promise<{ ids: string[]; versions?: string[]; next: PollingCursor; hasMore: boolean }>;

/** Polls until a call delivers nothing and says there is no more; no answer may repeat a resource. */
export async function pollAll(poll: Poll, start: PollingCursor, pageSize: number) {
  let cursor = start;
  const delivered: { id: string; etag: string }[] = [];
  for (let call = 0; call < 200; call++) {
    const result = await poll(cursor, pageSize);
    expect(new Set(result.ids).size).toBe(result.ids.length);
    delivered.push(...result.ids.map((id, i) => ({ id, etag: result.versions?.[i] ?? '' })));
    cursor = result.next;
    if (result.ids.length === 0 && !result.hasMore) return { delivered, cursor };
  }
  throw new Error('polling did not settle');
}
