/**
 * The one contract every EventStore adapter must pass. Uses jest globals, so it is not part of the build:
 * other packages import it from `@pm/event-store/src/contract`.
 */
import { DuplicateEventIdError } from '../append-rules';
import { computeEventHash, verifyStreamChain } from '../hash-chain';
import { type EventStore, type StoredEvent, START, WrongExpectedVersionError, comparePositions } from '../port';
import { decodePosition, encodePosition } from '../position';
import { deferred, eventually, newEvent, sleep } from './helpers';

export interface EventStoreContractHarness {
  /** A fresh, empty store. The suite closes it after each test. */
  create(): Promise<EventStore>;
  /** Runs after each test, once the store is closed. */
  teardown?(): Promise<void>;
}

const ids = (events: readonly { metadata: { eventId: string } }[]): string[] => events.map((event) => event.metadata.eventId);

async function conflictOf(promise: Promise<unknown>): Promise<WrongExpectedVersionError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WrongExpectedVersionError);
  return error as WrongExpectedVersionError;
}

export function runEventStoreContract(name: string, harness: EventStoreContractHarness): void {
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;

    beforeEach(async () => {
      store = await harness.create();
    });
    afterEach(async () => {
      await store.close();
      await harness.teardown?.();
    });

    /** Appends `count` events to each stream in turn (a1, b1, a2, b2, …) and returns them as read back. */
    async function interleave(streams: string[], count: number): Promise<StoredEvent[]> {
      for (let i = 0; i < count; i++) {
        for (const stream of streams) await store.appendToStream(stream, [newEvent(i % 2 ? 'Odd' : 'Even', { stream, i })], { expectedVersion: 'any' });
      }
      return store.readAll({ limit: 1000 });
    }

    describe('streams and versions', () => {
      it('reads a missing stream as empty, version 0', async () => {
        expect(await store.readStream('case-missing')).toEqual({ events: [], version: 0 });
      });

      it('appends and reads back events with 1-based versions', async () => {
        const events = [newEvent('CaseOpened', { amount: 100 }), newEvent('ReminderSent', { channel: 'email' })];
        const result = await store.appendToStream('case-1', events, { expectedVersion: 'no_stream' });
        expect(result.nextVersion).toBe(2);

        const read = await store.readStream('case-1');
        expect(read.version).toBe(2);
        expect(read.events.map((e) => [e.streamId, e.streamVersion, e.type, e.data])).toEqual([
          ['case-1', 1, 'CaseOpened', { amount: 100 }],
          ['case-1', 2, 'ReminderSent', { channel: 'email' }],
        ]);
        expect(result.lastPosition).toEqual(read.events[1]!.globalPosition);
      });

      it('continues versions on the next append and keeps streams apart', async () => {
        await store.appendToStream('case-1', [newEvent('A')], { expectedVersion: 0 });
        await store.appendToStream('case-2', [newEvent('B')], { expectedVersion: 0 });
        const result = await store.appendToStream('case-1', [newEvent('C'), newEvent('D')], { expectedVersion: 1 });
        expect(result.nextVersion).toBe(3);
        expect((await store.readStream('case-1')).events.map((e) => [e.type, e.streamVersion])).toEqual([
          ['A', 1],
          ['C', 2],
          ['D', 3],
        ]);
        expect((await store.readStream('case-2')).version).toBe(1);
      });

      it("accepts 'any' on new and existing streams", async () => {
        expect((await store.appendToStream('s', [newEvent('A')], { expectedVersion: 'any' })).nextVersion).toBe(1);
        expect((await store.appendToStream('s', [newEvent('B')], { expectedVersion: 'any' })).nextVersion).toBe(2);
      });

      it("rejects 'no_stream' on an existing stream with the actual version", async () => {
        await store.appendToStream('s', [newEvent('A'), newEvent('B')], { expectedVersion: 'no_stream' });
        const error = await conflictOf(store.appendToStream('s', [newEvent('C')], { expectedVersion: 'no_stream' }));
        expect(error).toMatchObject({ code: 'EVENT_STORE.WRONG_EXPECTED_VERSION', streamId: 's', expected: 'no_stream', actual: 2 });
      });

      it('rejects a stale or future version with the actual version and leaves the stream unchanged', async () => {
        await store.appendToStream('s', [newEvent('A'), newEvent('B')], { expectedVersion: 0 });
        expect(await conflictOf(store.appendToStream('s', [newEvent('C')], { expectedVersion: 1 }))).toMatchObject({ expected: 1, actual: 2 });
        expect(await conflictOf(store.appendToStream('s', [newEvent('C')], { expectedVersion: 5 }))).toMatchObject({ expected: 5, actual: 2 });
        expect(await conflictOf(store.appendToStream('new', [newEvent('C')], { expectedVersion: 3 }))).toMatchObject({ actual: 0 });
        expect((await store.readStream('s')).events.map((e) => e.type)).toEqual(['A', 'B']);
        expect(await store.readStream('new')).toEqual({ events: [], version: 0 });
      });

      it('lets exactly one of 20 concurrent appends with the same expected version win', async () => {
        await store.appendToStream('race', [newEvent('Opened')], { expectedVersion: 'no_stream' });
        const attempts = Array.from({ length: 20 }, (_, i) => newEvent('Claimed', { writer: i }));
        const results = await Promise.allSettled(attempts.map((event) => store.appendToStream('race', [event], { expectedVersion: 1 })));

        const winners = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
        expect(winners).toHaveLength(1);
        for (const result of results) {
          if (result.status === 'rejected') {
            expect(result.reason).toBeInstanceOf(WrongExpectedVersionError);
            expect(result.reason).toMatchObject({ expected: 1, actual: 2 });
          }
        }
        const read = await store.readStream('race');
        expect(read.version).toBe(2);
        expect(read.events[1]!.metadata.eventId).toBe(attempts[winners[0]!]!.metadata.eventId);
      });

      it("serialises concurrent 'any' appends into one unbroken stream", async () => {
        const events = Array.from({ length: 10 }, (_, i) => newEvent('Noted', { i }));
        await Promise.all(events.map((event) => store.appendToStream('busy', [event], { expectedVersion: 'any' })));
        const read = await store.readStream('busy');
        expect(read.events.map((e) => e.streamVersion)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        expect(new Set(ids(read.events))).toEqual(new Set(ids(events)));
        expect(verifyStreamChain(read.events)).toEqual([]);
      });

      it('treats an empty append as a version check', async () => {
        const first = await store.appendToStream('s', [newEvent('A')], { expectedVersion: 0 });
        expect(await store.appendToStream('s', [], { expectedVersion: 1 })).toEqual(first);
        expect(await store.appendToStream('none', [], { expectedVersion: 'no_stream' })).toEqual({ nextVersion: 0, lastPosition: START });
        await conflictOf(store.appendToStream('s', [], { expectedVersion: 0 }));
      });
    });

    describe('event ids', () => {
      it('returns the original result when the same append is retried', async () => {
        await store.appendToStream('s', [newEvent('Opened')], { expectedVersion: 0 });
        const batch = [newEvent('A'), newEvent('B')];
        const first = await store.appendToStream('s', batch, { expectedVersion: 1 });
        expect(await store.appendToStream('s', batch, { expectedVersion: 1 })).toEqual(first);
        expect(await store.appendToStream('s', batch, { expectedVersion: 'any' })).toEqual(first);
        expect((await store.readStream('s')).version).toBe(3);
      });

      it('rejects an event id that is already used elsewhere', async () => {
        const used = newEvent('A');
        await store.appendToStream('s', [used], { expectedVersion: 0 });
        const reuse = { ...newEvent('B'), metadata: { ...newEvent('B').metadata, eventId: used.metadata.eventId } };
        await expect(store.appendToStream('other', [reuse], { expectedVersion: 'any' })).rejects.toBeInstanceOf(DuplicateEventIdError);
        await expect(store.appendToStream('s', [newEvent('C'), used], { expectedVersion: 1 })).rejects.toBeInstanceOf(DuplicateEventIdError);
        await expect(store.appendToStream('x', [reuse, reuse], { expectedVersion: 'any' })).rejects.toBeInstanceOf(DuplicateEventIdError);
        expect((await store.readStream('s')).version).toBe(1);
        expect((await store.readStream('other')).version).toBe(0);
      });

      it('requires event ids to be UUIDs', async () => {
        await expect(store.appendToStream('s', [newEvent('A', {}, { eventId: 'evt-1' })], { expectedVersion: 'any' })).rejects.toThrow(TypeError);
        expect((await store.readStream('s')).version).toBe(0);
      });
    });

    describe('readAll', () => {
      it('returns the whole log in append order with strictly increasing positions', async () => {
        const all = await interleave(['a', 'b', 'c'], 3);
        expect(all.map((e) => `${e.streamId}${e.streamVersion}`)).toEqual(['a1', 'b1', 'c1', 'a2', 'b2', 'c2', 'a3', 'b3', 'c3']);
        for (let i = 1; i < all.length; i++) expect(comparePositions(all[i - 1]!.globalPosition, all[i]!.globalPosition)).toBe(-1);
      });

      it('pages with limit and after without gaps or repeats', async () => {
        const all = await interleave(['a', 'b'], 5);
        const paged: StoredEvent[] = [];
        let after = START;
        for (;;) {
          const page = await store.readAll({ after, limit: 3 });
          if (page.length === 0) break;
          expect(page.length).toBeLessThanOrEqual(3);
          paged.push(...page);
          // Checkpoints are stored encoded; paging through the encoded form proves it round-trips.
          after = decodePosition(encodePosition(page[page.length - 1]!.globalPosition));
        }
        expect(ids(paged)).toEqual(ids(all));
        expect(await store.readAll({ after: all[all.length - 1]!.globalPosition, limit: 10 })).toEqual([]);
      });

      it('filters by event type, in order, with after and limit', async () => {
        const all = await interleave(['a', 'b'], 4);
        const even = all.filter((e) => e.type === 'Even');
        expect(ids(await store.readAll({ limit: 100, types: ['Even'] }))).toEqual(ids(even));
        expect(ids(await store.readAll({ after: even[0]!.globalPosition, limit: 2, types: ['Even'] }))).toEqual(ids(even.slice(1, 3)));
        expect(await store.readAll({ limit: 100, types: ['Unknown'] })).toEqual([]);
        expect(await store.readAll({ limit: 100, types: ['Even', 'Odd'] })).toHaveLength(all.length);
      });
    });

    describe('stored content', () => {
      it('keeps metadata and data intact, including extra keys and nested values', async () => {
        const event = newEvent(
          'PaymentRegistered',
          { zeta: 1, alpha: { nested: [1, 'two', { b: true, a: null }] }, amount: 1234.5, at: new Date('2025-03-02T08:00:00.000Z') },
          { actor: { kind: 'bank', id: 'bgc' }, reason: 'bank file 2025-03-02', tenant: 'acme', trace: { spanId: 'x1' } },
        );
        await store.appendToStream('s', [event], { expectedVersion: 0 });
        const expected = { ...event, data: { ...(event.data as object), at: '2025-03-02T08:00:00.000Z' } };
        const [fromStream] = (await store.readStream('s')).events;
        const [fromLog] = await store.readAll({ limit: 1 });
        for (const read of [fromStream!, fromLog!]) {
          expect(read.metadata).toEqual(expected.metadata);
          expect(read.data).toEqual(expected.data);
        }
      });

      it('records when the store wrote each event', async () => {
        const before = Date.now();
        await store.appendToStream('s', [newEvent('A')], { expectedVersion: 0 });
        const after = Date.now();
        const [event] = (await store.readStream('s')).events;
        expect(event!.recordedAt).toBe(new Date(event!.recordedAt).toISOString());
        expect(Date.parse(event!.recordedAt)).toBeGreaterThanOrEqual(before);
        expect(Date.parse(event!.recordedAt)).toBeLessThanOrEqual(after);
      });

      it('chains hashes per stream and the chain verifies after reading back', async () => {
        await store.appendToStream('s', [newEvent('A', { b: 2, a: 1 }), newEvent('B')], { expectedVersion: 0 });
        await store.appendToStream('other', [newEvent('X')], { expectedVersion: 0 });
        await store.appendToStream('s', [newEvent('C', { list: [3, 1, 2] })], { expectedVersion: 2 });
        const { events } = await store.readStream('s');
        expect(events.map((e) => e.previousHash)).toEqual(['', events[0]!.hash, events[1]!.hash]);
        for (const event of events) expect(event.hash).toBe(computeEventHash(event));
        expect(verifyStreamChain(events)).toEqual([]);
        expect(verifyStreamChain(await store.readAll({ limit: 100 }))).toEqual([]);
      });

      it('does not let callers change stored events', async () => {
        const event = newEvent('A', { amount: 1 });
        await store.appendToStream('s', [event], { expectedVersion: 0 });
        (event.data as { amount: number }).amount = 2;
        const [read] = (await store.readStream('s')).events;
        (read!.data as { amount: number }).amount = 3;
        expect((await store.readStream('s')).events[0]!.data).toEqual({ amount: 1 });
      });
    });

    describe('notifications and subscriptions', () => {
      it('calls onAppended listeners after a successful append only', async () => {
        const calls: string[] = [];
        const off = store.onAppended(() => calls.push('appended'));
        await store.appendToStream('s', [newEvent('A')], { expectedVersion: 0 });
        await conflictOf(store.appendToStream('s', [newEvent('B')], { expectedVersion: 0 }));
        expect(calls).toEqual(['appended']);
        off();
        await store.appendToStream('s', [newEvent('C')], { expectedVersion: 1 });
        expect(calls).toEqual(['appended']);
      });

      it('catches up in batches, then receives new events in global order', async () => {
        const history = await interleave(['a', 'b'], 3);
        const batches: StoredEvent[][] = [];
        const subscription = store.subscribe({ batchSize: 4, handler: async (batch) => void batches.push(batch) });
        await eventually(() => expect(ids(batches.flat())).toEqual(ids(history)));
        expect(batches.map((b) => b.length)).toEqual([4, 2]);

        await store.appendToStream('a', [newEvent('Live')], { expectedVersion: 3 });
        await store.appendToStream('c', [newEvent('Live')], { expectedVersion: 0 });
        const everything = await store.readAll({ limit: 100 });
        expect(everything.slice(6).map((e) => e.streamId)).toEqual(['a', 'c']);
        await eventually(() => expect(ids(batches.flat())).toEqual(ids(everything)));
        await subscription.stop();
      });

      it('starts after the given position', async () => {
        const history = await interleave(['a'], 4);
        const seen: StoredEvent[] = [];
        const subscription = store.subscribe({ after: history[1]!.globalPosition, handler: async (batch) => void seen.push(...batch) });
        await eventually(() => expect(ids(seen)).toEqual(ids(history.slice(2))));
        await subscription.stop();
      });

      it('reports a failing handler and retries the same batch', async () => {
        await interleave(['a'], 2);
        const attempts: string[][] = [];
        const errors: unknown[] = [];
        const subscription = store.subscribe({
          handler: async (batch) => {
            attempts.push(ids(batch));
            if (attempts.length === 1) throw new Error('read model unavailable');
          },
          onError: (error) => errors.push(error),
        });
        await eventually(() => expect(attempts).toHaveLength(2));
        expect(attempts[1]).toEqual(attempts[0]);
        expect(errors).toEqual([new Error('read model unavailable')]);

        await store.appendToStream('a', [newEvent('After')], { expectedVersion: 2 });
        await eventually(() => expect(attempts).toHaveLength(3));
        expect(attempts[2]).toHaveLength(1);
        await subscription.stop();
      });

      it('stop waits for a running handler and ends delivery', async () => {
        await store.appendToStream('s', [newEvent('A')], { expectedVersion: 0 });
        const entered = deferred();
        const release = deferred();
        let handled = 0;
        const subscription = store.subscribe({
          handler: async () => {
            entered.resolve();
            await release.promise;
            handled++;
          },
        });
        await entered.promise;
        let stopped = false;
        const stopping = subscription.stop().then(() => (stopped = true));
        await sleep(50);
        expect(stopped).toBe(false);
        release.resolve();
        await stopping;
        expect(handled).toBe(1);

        await store.appendToStream('s', [newEvent('B')], { expectedVersion: 1 });
        await sleep(100);
        expect(handled).toBe(1);
      });

      it('close stops running subscriptions', async () => {
        let handled = 0;
        store.subscribe({ handler: async (batch) => void (handled += batch.length) });
        await store.appendToStream('s', [newEvent('A')], { expectedVersion: 0 });
        await eventually(() => expect(handled).toBe(1));
        await store.close();
        await store.appendToStream('s', [newEvent('B')], { expectedVersion: 1 }).catch(() => undefined);
        await sleep(100);
        expect(handled).toBe(1);
      });
    });
  });
}
