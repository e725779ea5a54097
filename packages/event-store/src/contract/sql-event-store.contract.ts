/**
 * Tests for what only the SQL backends have (PostgreSQL and PGlite run the same ones): the SqlClient's value
 * representation and transactions, the schema, JSONB round trips and tampering with rows behind the store.
 */
import { verifyStreamChain, computeEventHash } from '../hash-chain';
import { EVENTS_TABLE, PostgresEventStore, ensureSchema } from '../postgres-event-store';
import { type SqlClient } from '../sql/sql-client';
import { newEvent } from './helpers';

export interface SqlEventStoreHarness {
  client(): SqlClient;
  /** A store on `client()` over an empty events table. The suite closes it after each test. */
  create(): Promise<PostgresEventStore>;
}

export function runSqlEventStoreTests(name: string, harness: SqlEventStoreHarness): void {
  describe(`SQL event store: ${name}`, () => {
    let store: PostgresEventStore;
    let client: SqlClient;

    beforeEach(async () => {
      store = await harness.create();
      client = harness.client();
    });
    afterEach(() => store.close());

    /** A stream 's' with versions 1..4, as stored. */
    async function seed() {
      await store.appendToStream('s', [1, 2, 3, 4].map((n) => newEvent(`E${n}`, { n })), { expectedVersion: 0 });
    }
    const read = async () => (await store.readStream('s')).events;

    it('returns int8 and numeric as strings, int4 as numbers, timestamptz as Date', async () => {
      const { rows } = await client.query(
        `select 9007199254740993::int8 as big, 12.50::numeric as amount, 7::int4 as small, pg_current_xact_id() as xid, now() as at`,
      );
      expect(rows[0]).toMatchObject({ big: '9007199254740993', amount: '12.50', small: 7 });
      expect(typeof rows[0]!.xid).toBe('string');
      // Not toBeInstanceOf: PGlite's rows come from its own thread, built in Node's realm, not in jest's sandbox.
      expect(Object.prototype.toString.call(rows[0]!.at)).toBe('[object Date]');
      expect(Number.isNaN((rows[0]!.at as Date).getTime())).toBe(false);
    });

    it('commits a transaction, and rolls it back when the callback throws', async () => {
      await client.query('create temporary table if not exists sql_client_probe (n int)');
      await client.query('truncate sql_client_probe');
      await client.transaction((tx) => tx.query('insert into sql_client_probe values (1)'));
      await expect(
        client.transaction(async (tx) => {
          await tx.query('insert into sql_client_probe values (2)');
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      const { rows, rowCount } = await client.query<{ n: number }>('select n from sql_client_probe');
      expect({ rows, rowCount }).toEqual({ rows: [{ n: 1 }], rowCount: 1 });
    });

    it('migrates idempotently without touching existing events', async () => {
      await seed();
      await ensureSchema(client);
      await ensureSchema(client);
      expect(await read()).toHaveLength(4);
    });

    it('verifies hashes even though JSONB reorders object keys', async () => {
      await store.appendToStream('s', [newEvent('E', { zebra: 1, ab: { y: 2, x: 1 }, a: 0 })], { expectedVersion: 0 });
      const { rows } = await client.query<{ data: string }>(`select data::text as data from ${EVENTS_TABLE}`);
      // JSONB's own order (shorter keys first), so the test would fail if hashes used insertion order.
      expect(rows[0]!.data).toBe('{"a": 0, "ab": {"x": 1, "y": 2}, "zebra": 1}');
      expect(verifyStreamChain(await read())).toEqual([]);
    });

    it('detects an edited payload', async () => {
      await seed();
      await client.query(`update ${EVENTS_TABLE} set data = jsonb_set(data, '{n}', '20') where stream_id = 's' and stream_version = 2`);
      expect(verifyStreamChain(await read())).toEqual([expect.objectContaining({ kind: 'edited', streamId: 's', streamVersion: 2 })]);
    });

    it('detects an event that was edited and re-hashed by its broken link', async () => {
      await seed();
      const victim = (await read())[1]!;
      const forged = { ...victim, data: { n: 20 } };
      await client.query(`update ${EVENTS_TABLE} set data = $1::jsonb, hash = $2 where stream_id = 's' and stream_version = 2`, [
        JSON.stringify(forged.data),
        computeEventHash(forged),
      ]);
      expect(verifyStreamChain(await read())).toEqual([expect.objectContaining({ kind: 'broken_link', streamId: 's', streamVersion: 3 })]);
    });

    it('detects a deleted event', async () => {
      await seed();
      await client.query(`delete from ${EVENTS_TABLE} where stream_id = 's' and stream_version = 2`);
      expect(verifyStreamChain(await read())).toEqual([expect.objectContaining({ kind: 'missing', streamId: 's', streamVersion: 2 })]);
    });

    describe('appending to a head it knows', () => {
      /** `client()` with every statement and transaction it is asked for written down. */
      /** 'insert' for an INSERT (also one that NOTIFYs as well), 'notify' for a NOTIFY on its own, else the first keyword. */
      const statementKind = (text: string): string =>
        /insert into/i.test(text) ? 'insert' : /pg_notify/.test(text) ? 'notify' : text.trim().split(/\s+/)[0]!.toLowerCase();

      function recorded() {
        const inner = harness.client();
        const log: string[] = [];
        const sql: SqlClient = {
          kind: inner.kind,
          query: (text, params, options) => (log.push(statementKind(text)), inner.query(text, params, options)),
          transaction: (fn) => (log.push('transaction'), inner.transaction(fn)),
          listen: (channel, onNotify) => inner.listen(channel, onNotify),
          close: async () => undefined,
        };
        return { store: new PostgresEventStore(sql), log };
      }

      it('appends to a new stream, and after reading a stream, with a single INSERT', async () => {
        const { store: counted, log } = recorded();
        try {
          await counted.appendToStream('known', [newEvent('E1')], { expectedVersion: 'no_stream' });
          await counted.appendToStream('known', [newEvent('E2'), newEvent('E3')], { expectedVersion: 1 });
          const { version } = await counted.readStream('known');
          await store.appendToStream('known', [newEvent('E4')], { expectedVersion: version }); // another process meanwhile
          const reread = await counted.readStream('known');
          await counted.appendToStream('known', [newEvent('E5')], { expectedVersion: reread.version });
          // A NOTIFY that wakes other processes (server only) rides on an INSERT, or is sent on its own after it.
          expect(log.filter((statement) => statement !== 'notify')).toEqual(['insert', 'insert', 'select', 'select', 'insert']);
          const { events } = await store.readStream('known');
          expect(events.map((e) => e.type)).toEqual(['E1', 'E2', 'E3', 'E4', 'E5']);
          expect(verifyStreamChain(events)).toEqual([]);
        } finally {
          await counted.close();
        }
      });

      it('refuses an append on a head that another writer moved, storing nothing, and then appends on the fresh one', async () => {
        const { store: stale, log } = recorded();
        try {
          await stale.appendToStream('moved', [newEvent('E1')], { expectedVersion: 'no_stream' });
          await store.appendToStream('moved', [newEvent('E2')], { expectedVersion: 1 });
          await expect(stale.appendToStream('moved', [newEvent('Lost')], { expectedVersion: 1 })).rejects.toMatchObject({ name: 'WrongExpectedVersionError', actual: 2 });
          expect((await store.readStream('moved')).events.map((e) => e.type)).toEqual(['E1', 'E2']);
          // The refused head is forgotten: the next append reads the head in its transaction.
          log.length = 0;
          await stale.appendToStream('moved', [newEvent('E3')], { expectedVersion: 2 });
          expect(log).toContain('transaction');
          const { events } = await store.readStream('moved');
          expect(events.map((e) => e.type)).toEqual(['E1', 'E2', 'E3']);
          expect(verifyStreamChain(events)).toEqual([]);
        } finally {
          await stale.close();
        }
      });
    });

    describe('concurrent callers, batched when they queue', () => {
      /** `client()` with the statements it is asked to run written down, and the SELECTs and INSERTs made to wait until released. */
      function held() {
        const inner = harness.client();
        const log: string[] = [];
        let release!: () => void;
        let gate = new Promise<void>((resolve) => (release = resolve));
        const sql: SqlClient = {
          kind: inner.kind,
          query: async (text, params, options) => {
            log.push(/insert into/i.test(text) ? 'insert' : /^\s*select/i.test(text) && !/pg_notify\(\$1, \$2\)/.test(text) ? 'select' : 'other');
            await gate;
            return inner.query(text, params, options);
          },
          transaction: (fn) => (log.push('transaction'), inner.transaction(fn)),
          listen: (channel, onNotify) => inner.listen(channel, onNotify),
          close: async () => undefined,
        };
        const open = () => {
          release();
          gate = Promise.resolve();
        };
        return { store: new PostgresEventStore(sql), log, open };
      }

      it('reads the streams of callers that queue behind a running read in one query, each getting its own streams', async () => {
        for (const n of [1, 2, 3, 4, 5]) await store.appendToStream(`r${n}`, Array.from({ length: n }, (_, i) => newEvent(`R${n}.${i + 1}`)), { expectedVersion: 0 });
        const { store: batching, log, open } = held();
        try {
          const reads = [batching.readStream('r1'), batching.readStreams(['r2', 'r3']), batching.readStreams(['r3', 'r4', 'missing']), batching.readStream('r5'), batching.readStream('r1')] as const;
          open();
          const [one, twoThree, threeFour, five, oneAgain] = await Promise.all(reads);
          // Two reads started at once (two slots); the three that queued went together.
          expect(log).toEqual(['select', 'select', 'select']);
          expect(one.events.map((e) => e.type)).toEqual(['R1.1']);
          expect([...twoThree.keys()]).toEqual(['r2', 'r3']);
          expect(twoThree.get('r3')).toMatchObject({ version: 3 });
          expect([...threeFour.keys()]).toEqual(['r3', 'r4', 'missing']);
          expect(threeFour.get('r4')!.events.map((e) => e.streamVersion)).toEqual([1, 2, 3, 4]);
          expect(threeFour.get('missing')).toEqual({ events: [], version: 0 });
          expect(five.version).toBe(5);
          expect(oneAgain).toEqual(one);
          // Each caller has its own objects, whoever else asked for the same stream.
          expect(oneAgain.events[0]).not.toBe(one.events[0]);
          expect(twoThree.get('r3')!.events[0]).not.toBe(threeFour.get('r3')!.events[0]);
        } finally {
          await batching.close();
        }
      });

      it('writes appends to known heads of distinct streams that queue behind a running append in one INSERT, with intact chains', async () => {
        const { store: batching, log, open } = held();
        try {
          const first = [1, 2, 3, 4, 5, 6].map((n) => batching.appendToStream(`b${n}`, [newEvent(`B${n}.1`), newEvent(`B${n}.2`)], { expectedVersion: 'no_stream' }));
          open();
          const results = await Promise.all(first);
          expect(log.filter((s) => s === 'insert')).toHaveLength(3);
          expect(results.map((r) => r.nextVersion)).toEqual([2, 2, 2, 2, 2, 2]);
          // Then each on the head it wrote: queued again behind the first two.
          log.length = 0;
          const second = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => batching.appendToStream(`b${n}`, [newEvent(`B${n}.3`)], { expectedVersion: 2 })));
          expect(log).not.toContain('transaction');
          expect(second.map((r) => r.nextVersion)).toEqual([3, 3, 3, 3, 3, 3]);
          const all = await store.readAll({ limit: 100 });
          expect(all).toHaveLength(18);
          for (const n of [1, 2, 3, 4, 5, 6]) {
            const { events } = await store.readStream(`b${n}`);
            expect(events.map((e) => e.type)).toEqual([`B${n}.1`, `B${n}.2`, `B${n}.3`]);
            expect(verifyStreamChain(events)).toEqual([]);
            // Each caller was told the position of its own last event.
            expect(results[n - 1]!.lastPosition).toEqual(events[1]!.globalPosition);
            expect(second[n - 1]!.lastPosition).toEqual(events[2]!.globalPosition);
          }
        } finally {
          await batching.close();
        }
      });

      it('refuses, in a batch, only the append whose head another writer moved; the others are stored', async () => {
        const { store: batching, log, open } = held();
        try {
          const setUp = [1, 2, 3].map((n) => batching.appendToStream(`c${n}`, [newEvent(`C${n}.1`)], { expectedVersion: 'no_stream' }));
          open();
          await Promise.all(setUp);
          await store.appendToStream('c2', [newEvent('Other')], { expectedVersion: 1 }); // another process moves c2
          log.length = 0;
          const outcomes = await Promise.allSettled([
            batching.appendToStream('c0', [newEvent('C0.1')], { expectedVersion: 'no_stream' }),
            batching.appendToStream('c0b', [newEvent('C0b.1')], { expectedVersion: 'no_stream' }),
            batching.appendToStream('c1', [newEvent('C1.2')], { expectedVersion: 1 }),
            batching.appendToStream('c2', [newEvent('Lost')], { expectedVersion: 1 }),
            batching.appendToStream('c3', [newEvent('C3.2')], { expectedVersion: 1 }),
          ]);
          expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
          expect((outcomes[3] as PromiseRejectedResult).reason).toMatchObject({ name: 'WrongExpectedVersionError', actual: 2 });
          expect((await store.readStream('c2')).events.map((e) => e.type)).toEqual(['C2.1', 'Other']);
          for (const [stream, types] of [['c1', ['C1.1', 'C1.2']], ['c3', ['C3.1', 'C3.2']], ['c0', ['C0.1']]] as const) {
            const { events } = await store.readStream(stream);
            expect(events.map((e) => e.type)).toEqual(types);
            expect(verifyStreamChain(events)).toEqual([]);
          }
        } finally {
          await batching.close();
        }
      });

      it('keeps two appends to one stream out of one batch: the second expecting the same version is refused', async () => {
        const { store: batching, open } = held();
        try {
          const setUp = [batching.appendToStream('busy', [newEvent('E1')], { expectedVersion: 'no_stream' }), batching.appendToStream('other', [newEvent('O1')], { expectedVersion: 'no_stream' })];
          open();
          await Promise.all(setUp);
          const outcomes = await Promise.allSettled([
            batching.appendToStream('x1', [newEvent('X')], { expectedVersion: 'no_stream' }),
            batching.appendToStream('x2', [newEvent('X')], { expectedVersion: 'no_stream' }),
            batching.appendToStream('busy', [newEvent('E2')], { expectedVersion: 1 }),
            batching.appendToStream('busy', [newEvent('E2 again')], { expectedVersion: 1 }),
          ]);
          expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
          expect((await store.readStream('busy')).events.map((e) => e.type)).toEqual(['E1', 'E2']);
        } finally {
          await batching.close();
        }
      });
    });

    it('detects swapped events', async () => {
      await seed();
      // Three steps: the (stream_id, stream_version) unique constraint is checked row by row.
      const move = (from: number, to: number) =>
        client.query(`update ${EVENTS_TABLE} set stream_version = $2 where stream_id = 's' and stream_version = $1`, [from, to]);
      await move(2, 100);
      await move(3, 2);
      await move(100, 3);
      expect(verifyStreamChain(await read())).toEqual([
        expect.objectContaining({ kind: 'reordered', streamVersion: 2, message: expect.stringContaining('written as version 3') }),
        expect.objectContaining({ kind: 'reordered', streamVersion: 3, message: expect.stringContaining('written as version 2') }),
      ]);
    });
  });
}
