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
  /** What the store can check; the tests of what it cannot show as skipped, with the reason in their title. */
  capabilities?: {
    /**
     * `DuplicateEventIdError` for an event id already stored in ANOTHER stream (default true). KurrentDB keeps
     * no index by event id, so its adapter checks ids only within a stream (see the port comment).
     */
    uniqueEventIdsAcrossStreams?: boolean;
  };
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
  const acrossStreams = harness.capabilities?.uniqueEventIdsAcrossStreams !== false;
  /** A test of event-id uniqueness across streams: skipped, with the reason, on a store that cannot check it. */
  const itAcrossStreams = (title: string, fn: () => Promise<void>) =>
    acrossStreams ? it(title, fn) : it.skip(`${title} [not checked on ${name}: it keeps no index by event id (capabilities.uniqueEventIdsAcrossStreams: false)]`, fn);

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

      it('rejects an event id already stored in the stream, or used twice in one append', async () => {
        const used = newEvent('A');
        await store.appendToStream('s', [used], { expectedVersion: 0 });
        const reuse = { ...newEvent('B'), metadata: { ...newEvent('B').metadata, eventId: used.metadata.eventId } };
        await expect(store.appendToStream('s', [newEvent('C'), used], { expectedVersion: 1 })).rejects.toBeInstanceOf(DuplicateEventIdError);
        await expect(store.appendToStream('x', [reuse, reuse], { expectedVersion: 'any' })).rejects.toBeInstanceOf(DuplicateEventIdError);
        expect((await store.readStream('s')).version).toBe(1);
        expect((await store.readStream('x')).version).toBe(0);
      });

      itAcrossStreams('rejects an event id that is already used in another stream', async () => {
        const used = newEvent('A');
        await store.appendToStream('s', [used], { expectedVersion: 0 });
        const reuse = { ...newEvent('B'), metadata: { ...newEvent('B').metadata, eventId: used.metadata.eventId } };
        await expect(store.appendToStream('other', [reuse], { expectedVersion: 'any' })).rejects.toBeInstanceOf(DuplicateEventIdError);
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

      it('reports the position of the last event as the head of the log (START when it is empty)', async () => {
        expect(await store.headPosition()).toEqual(START);
        const all = await interleave(['a', 'b'], 2);
        expect(await store.headPosition()).toEqual(all[all.length - 1]!.globalPosition);
        const result = await store.appendToStream('c', [newEvent('C')], { expectedVersion: 0 });
        expect(await store.headPosition()).toEqual(result.lastPosition);
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
          {
            zeta: 1,
            alpha: { nested: [1, 'two', { b: true, a: null }] },
            amount: 1234.5,
            at: new Date('2025-03-02T08:00:00.000Z'),
            text: 'Åsa "Ö" \\ \n\t \u2028 😀',
            'ä key': -0,
            dropped: undefined,
          },
          { actor: { kind: 'bank', id: 'bgc' }, reason: 'bank file 2025-03-02', tenant: 'acme', trace: { spanId: 'x1' } },
        );
        await store.appendToStream('s', [event], { expectedVersion: 0 });
        const { dropped: _dropped, ...kept } = event.data as Record<string, unknown>;
        const expected = { ...event, data: { ...kept, at: '2025-03-02T08:00:00.000Z', 'ä key': 0 } };
        const [fromStream] = (await store.readStream('s')).events;
        const [fromLog] = await store.readAll({ limit: 1 });
        for (const read of [fromStream!, fromLog!]) {
          expect(read.metadata).toEqual(expected.metadata);
          expect(read.data).toEqual(expected.data);
        }
      });

      it('refuses values JSON cannot represent faithfully, and stores nothing', async () => {
        const cyclic: Record<string, unknown> = {};
        cyclic.self = cyclic;
        for (const data of [{ amount: Number.NaN }, { amount: Number.POSITIVE_INFINITY }, { amount: 1n }, { fn: () => 1 }, cyclic]) {
          await expect(store.appendToStream('s', [newEvent('A', data)], { expectedVersion: 0 })).rejects.toThrow(TypeError);
        }
        await expect(store.appendToStreams([{ streamId: 's', events: [newEvent('A', { amount: Number.NaN })], expectedVersion: 0 }])).rejects.toThrow(
          /not JSON-serialisable/,
        );
        expect(await store.readStream('s')).toEqual({ events: [], version: 0 });
        expect(await store.readAll({ limit: 10 })).toEqual([]);
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

    describe('batches: readStreams and appendToStreams', () => {
      const log = () => store.readAll({ limit: 10_000 });
      const tags = (events: readonly StoredEvent[]) => events.map((e) => `${e.streamId}${e.streamVersion}`);

      it('reads present and missing streams, each requested id once', async () => {
        await store.appendToStream('a', [newEvent('A1'), newEvent('A2')], { expectedVersion: 0 });
        await store.appendToStream('b', [newEvent('B1')], { expectedVersion: 0 });
        const read = await store.readStreams(['b', 'missing', 'a', 'b']);
        expect([...read.keys()]).toEqual(['b', 'missing', 'a']);
        expect(read.get('a')).toEqual(await store.readStream('a'));
        expect(read.get('b')).toEqual(await store.readStream('b'));
        expect(read.get('missing')).toEqual({ events: [], version: 0 });
        expect(await store.readStreams([])).toEqual(new Map());
      });

      it('appends to several streams at once, with versions, hash chains and global order as single appends have', async () => {
        await store.appendToStream('a', [newEvent('A1')], { expectedVersion: 0 });
        const results = await store.appendToStreams([
          { streamId: 'a', events: [newEvent('A2'), newEvent('A3')], expectedVersion: 1 },
          { streamId: 'b', events: [newEvent('B1')], expectedVersion: 'no_stream' },
          { streamId: 'c', events: [newEvent('C1'), newEvent('C2')], expectedVersion: 'any' },
        ]);
        expect(results.map((r) => r.nextVersion)).toEqual([3, 1, 2]);

        const all = await log();
        expect(tags(all)).toEqual(['a1', 'a2', 'a3', 'b1', 'c1', 'c2']);
        expect(all.map((e) => e.type)).toEqual(['A1', 'A2', 'A3', 'B1', 'C1', 'C2']);
        for (let i = 1; i < all.length; i++) expect(comparePositions(all[i - 1]!.globalPosition, all[i]!.globalPosition)).toBe(-1);
        expect(results.map((r) => r.lastPosition)).toEqual([all[2]!.globalPosition, all[3]!.globalPosition, all[5]!.globalPosition]);
        expect(all[1]!.previousHash).toBe(all[0]!.hash);
        expect(all[4]!.previousHash).toBe('');
        expect(verifyStreamChain(all)).toEqual([]);

        const read = await store.readStreams(['a', 'b', 'c']);
        expect([...read.values()].map((r) => r.version)).toEqual([3, 1, 2]);
        expect(verifyStreamChain([...read.values()].flatMap((r) => r.events))).toEqual([]);
      });

      it('writes nothing when one stream conflicts, and names the first conflicting stream', async () => {
        await store.appendToStream('a', [newEvent('A1')], { expectedVersion: 0 });
        await store.appendToStream('c', [newEvent('C1')], { expectedVersion: 0 });
        const before = await log();
        const error = await conflictOf(
          store.appendToStreams([
            { streamId: 'a', events: [newEvent('A2')], expectedVersion: 1 },
            { streamId: 'b', events: [newEvent('B1')], expectedVersion: 2 },
            { streamId: 'c', events: [newEvent('C2')], expectedVersion: 'no_stream' },
            { streamId: 'd', events: [newEvent('D1')], expectedVersion: 'any' },
          ]),
        );
        expect(error).toMatchObject({ streamId: 'b', expected: 2, actual: 0 });
        expect(await log()).toEqual(before);
        expect((await store.readStreams(['a', 'b', 'd'])).get('a')!.version).toBe(1);
      });

      it('rejects the same stream twice in one call as a TypeError and writes nothing', async () => {
        const call = store.appendToStreams([
          { streamId: 'a', events: [newEvent('A1')], expectedVersion: 0 },
          { streamId: 'b', events: [newEvent('B1')], expectedVersion: 0 },
          { streamId: 'a', events: [newEvent('A2')], expectedVersion: 1 },
        ]);
        await expect(call).rejects.toThrow(TypeError);
        expect(await log()).toEqual([]);
      });

      it('rejects an event id used twice in one call, or already stored in its stream, and writes nothing', async () => {
        const twice = newEvent('X');
        await expect(
          store.appendToStreams([
            { streamId: 'a', events: [newEvent('A1'), twice], expectedVersion: 0 },
            { streamId: 'b', events: [{ ...twice, type: 'Y' }], expectedVersion: 0 },
          ]),
        ).rejects.toBeInstanceOf(DuplicateEventIdError);
        expect(await log()).toEqual([]);

        const kept = newEvent('K');
        await store.appendToStream('k', [kept], { expectedVersion: 0 });
        await expect(
          store.appendToStreams([
            { streamId: 'a', events: [newEvent('A1')], expectedVersion: 0 },
            { streamId: 'k', events: [newEvent('K2'), kept], expectedVersion: 'any' },
          ]),
        ).rejects.toBeInstanceOf(DuplicateEventIdError);
        expect(tags(await log())).toEqual(['k1']);
      });

      itAcrossStreams('rejects an event id of a call that is already stored in another stream, and writes nothing', async () => {
        const stored = newEvent('S');
        await store.appendToStream('s', [stored], { expectedVersion: 0 });
        await expect(
          store.appendToStreams([
            { streamId: 'a', events: [newEvent('A1')], expectedVersion: 0 },
            { streamId: 'b', events: [stored], expectedVersion: 'any' },
          ]),
        ).rejects.toBeInstanceOf(DuplicateEventIdError);
        expect(tags(await log())).toEqual(['s1']);
      });

      it('returns the earlier results when the same call is retried, and writes nothing', async () => {
        await store.appendToStream('a', [newEvent('A1')], { expectedVersion: 0 });
        const call = [
          { streamId: 'a', events: [newEvent('A2'), newEvent('A3')], expectedVersion: 1 },
          { streamId: 'b', events: [newEvent('B1')], expectedVersion: 'no_stream' as const },
          { streamId: 'checked', events: [], expectedVersion: 'no_stream' as const },
        ];
        const first = await store.appendToStreams(call);
        expect(first[2]).toEqual({ nextVersion: 0, lastPosition: START });
        const after = await log();
        expect(await store.appendToStreams(call)).toEqual(first);
        expect(await store.appendToStreams(call.map((append) => ({ ...append, expectedVersion: 'any' as const })))).toEqual(first);
        // The streams moved on since: a retry still reports what the call did, and a version check is not repeated.
        await store.appendToStream('b', [newEvent('B2')], { expectedVersion: 1 });
        const checked = await store.appendToStream('checked', [newEvent('K1')], { expectedVersion: 0 });
        expect(await store.appendToStreams(call)).toEqual([first[0], first[1], checked]);
        expect((await log()).slice(0, after.length)).toEqual(after);
        expect(await log()).toHaveLength(after.length + 2);

        // Part of a stored call plus new events is not a retry.
        await expect(
          store.appendToStreams([call[1]!, { streamId: 'c', events: [newEvent('C1')], expectedVersion: 0 }]),
        ).rejects.toBeInstanceOf(DuplicateEventIdError);
        await expect(store.appendToStreams([{ ...call[0]!, events: [call[0]!.events[1]!, newEvent('A4')] }])).rejects.toBeInstanceOf(
          DuplicateEventIdError,
        );
        expect(await log()).toHaveLength(after.length + 2);
      });

      it('treats an append without events as a version check of its stream', async () => {
        const [first] = await store.appendToStreams([{ streamId: 'a', events: [newEvent('A1')], expectedVersion: 0 }]);
        const results = await store.appendToStreams([
          { streamId: 'a', events: [], expectedVersion: 1 },
          { streamId: 'b', events: [newEvent('B1')], expectedVersion: 0 },
          { streamId: 'none', events: [], expectedVersion: 'no_stream' },
        ]);
        expect(results[0]).toEqual(first);
        expect(results[2]).toEqual({ nextVersion: 0, lastPosition: START });

        const error = await conflictOf(
          store.appendToStreams([
            { streamId: 'c', events: [newEvent('C1')], expectedVersion: 0 },
            { streamId: 'a', events: [], expectedVersion: 0 },
          ]),
        );
        expect(error).toMatchObject({ streamId: 'a', expected: 0, actual: 1 });
        expect(tags(await log())).toEqual(['a1', 'b1']);
        expect(await store.appendToStreams([])).toEqual([]);
      });

      it('calls onAppended once per successful call that wrote events', async () => {
        let calls = 0;
        const off = store.onAppended(() => calls++);
        const call = [
          { streamId: 'a', events: [newEvent('A1')], expectedVersion: 0 },
          { streamId: 'b', events: [newEvent('B1'), newEvent('B2')], expectedVersion: 0 },
        ];
        await store.appendToStreams(call);
        expect(calls).toBe(1);
        await conflictOf(store.appendToStreams([{ streamId: 'c', events: [newEvent('C1')], expectedVersion: 0 }, { ...call[0]!, events: [newEvent('A2')] }]));
        await store.appendToStreams([{ streamId: 'a', events: [], expectedVersion: 1 }]);
        await store.appendToStreams(call);
        expect(calls).toBe(1);
        off();
      });

      it('delivers all events of a call to a subscription, in order', async () => {
        const received: StoredEvent[] = [];
        const subscription = store.subscribe({ handler: async (batch) => void received.push(...batch) });
        await store.appendToStreams(
          ['a', 'b', 'c'].map((streamId) => ({ streamId, events: [newEvent('One'), newEvent('Two')], expectedVersion: 'no_stream' as const })),
        );
        await eventually(() => expect(tags(received)).toEqual(['a1', 'a2', 'b1', 'b2', 'c1', 'c2']));
        expect(ids(received)).toEqual(ids(await log()));
        await subscription.stop();
      });

      it('lets exactly one of concurrent calls that share a stream and its expected version win', async () => {
        const calls = Array.from({ length: 10 }, (_, i) => [
          { streamId: `own-${i}`, events: [newEvent('Own')], expectedVersion: 'no_stream' as const },
          { streamId: 'shared', events: [newEvent('Claimed', { writer: i })], expectedVersion: 0 },
        ]);
        const results = await Promise.allSettled(calls.map((call) => store.appendToStreams(call)));
        const winners = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
        expect(winners).toHaveLength(1);
        for (const result of results) {
          if (result.status === 'rejected') expect(result.reason).toMatchObject({ name: 'WrongExpectedVersionError', streamId: 'shared', expected: 0, actual: 1 });
        }
        expect(tags(await log()).sort()).toEqual([`own-${winners[0]}1`, 'shared1']);
      });

      it("serialises concurrent calls with 'any' on a shared stream into one unbroken stream", async () => {
        const calls = Array.from({ length: 10 }, (_, i) => [
          { streamId: 'shared', events: [newEvent('Noted', { i }), newEvent('Noted', { i })], expectedVersion: 'any' as const },
          { streamId: `own-${i}`, events: [newEvent('Own')], expectedVersion: 'no_stream' as const },
        ]);
        await Promise.all(calls.map((call) => store.appendToStreams(call)));
        const read = await store.readStream('shared');
        expect(read.version).toBe(20);
        expect(verifyStreamChain(read.events)).toEqual([]);
        expect(await log()).toHaveLength(30);
      });

      it('handles 10,000 streams of 4 events in one call', async () => {
        const streamIds = Array.from({ length: 10_000 }, (_, i) => `payment-${i}`);
        const results = await store.appendToStreams(
          streamIds.map((streamId, i) => ({
            streamId,
            events: [1, 2, 3, 4].map((n) => newEvent(`Step${n}`, { i, reference: `ref-${i}`, amount: '1250.00' })),
            expectedVersion: 'no_stream' as const,
          })),
        );
        expect(results).toHaveLength(10_000);
        expect(results.every((r) => r.nextVersion === 4)).toBe(true);
        const read = await store.readStreams(streamIds);
        expect(read.size).toBe(10_000);
        expect(read.get('payment-9999')!.events.map((e) => [e.streamVersion, e.type])).toEqual([
          [1, 'Step1'],
          [2, 'Step2'],
          [3, 'Step3'],
          [4, 'Step4'],
        ]);
        expect([...read.values()].every((r) => r.version === 4)).toBe(true);
        const tail = (await store.readAll({ after: results[9_998]!.lastPosition, limit: 10 })).map((e) => e.streamId);
        expect(tail).toEqual(['payment-9999', 'payment-9999', 'payment-9999', 'payment-9999']);
        expect(verifyStreamChain(read.get('payment-9999')!.events)).toEqual([]);
      }, 60_000);
    });
  });
}
