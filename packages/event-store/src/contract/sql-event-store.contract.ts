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
      expect(rows[0]!.at).toBeInstanceOf(Date);
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
