import { randomBytes } from 'node:crypto';
import { computeEventHash, verifyStreamChain } from '../hash-chain';
import { type StoredEvent, WrongExpectedVersionError } from '../port';
import { APPENDED_CHANNEL, PostgresEventStore, ensureSchema } from '../postgres-event-store';
import { type SqlClient, type SqlExecutor, createPgClient } from '../sql/sql-client';
import { runEventStoreContract } from './event-store.contract';
import { deferred, eventually, newEvent, sleep } from './helpers';
import { runSqlEventStoreTests } from './sql-event-store.contract';
import { runTransactionStatementsTests } from './transaction-statements.contract';

const url = process.env.DATABASE_URL;

describe('PostgreSQL adapter', () => {
  if (!url) {
    it('DATABASE_URL not set: PostgreSQL contract suite skipped', () => {
      console.warn('DATABASE_URL not set: PostgreSQL contract suite skipped (e.g. postgresql://postgres@127.0.0.1:5432/test)');
      expect(process.env.DATABASE_URL).toBeUndefined();
    });
    return;
  }

  // A schema of its own per run, so parallel test files and runs on the same database never meet.
  const schema = `es_test_${randomBytes(6).toString('hex')}`;
  let admin: SqlClient;
  let client: SqlClient;

  beforeAll(async () => {
    admin = createPgClient(url, { max: 1 });
    await admin.query(`create schema ${schema}`);
    client = createPgClient(url, { searchPath: schema });
    await ensureSchema(client);
  });
  afterAll(async () => {
    await client?.close();
    await admin?.query(`drop schema if exists ${schema} cascade`);
    await admin?.close();
  });

  runTransactionStatementsTests(() => client);

  async function freshStore(): Promise<PostgresEventStore> {
    await client.query('truncate es_events restart identity');
    return new PostgresEventStore(client);
  }

  /** A client whose transactions pause after their work, before COMMIT, until `commit` is resolved. */
  function heldOpen(inner: SqlClient) {
    const written = deferred();
    const commit = deferred();
    const held: SqlClient = {
      kind: inner.kind,
      query: (text, params) => inner.query(text, params),
      listen: (channel, onNotify) => inner.listen(channel, onNotify),
      close: async () => undefined,
      transaction: (fn) =>
        inner.transaction(async (tx) => {
          const result = await fn(tx);
          written.resolve();
          await commit.promise;
          return result;
        }),
    };
    return { held, written: written.promise, commit: commit.resolve };
  }

  runEventStoreContract('PostgreSQL', { create: freshStore });
  runSqlEventStoreTests('PostgreSQL', { client: () => client, create: freshStore });

  describe('global order with concurrent transactions', () => {
    let store: PostgresEventStore;
    beforeEach(async () => {
      store = await freshStore();
    });
    afterEach(() => store.close());

    it('never skips an event committed late by a transaction that started writing first', async () => {
      const received: StoredEvent[] = [];
      const subscription = store.subscribe({ handler: async (batch) => void received.push(...batch) });

      // The slow append takes its transaction id and global position first, then stays uncommitted…
      const slow = heldOpen(client);
      // 'any': the append reads the head in its transaction (a new stream's append would be a lone INSERT, not held).
      const slowAppend = new PostgresEventStore(slow.held).appendToStream('slow', [newEvent('Slow')], { expectedVersion: 'any' });
      try {
        await slow.written;
        // …while a later append commits. A reader that returned it now, and checkpointed it, would skip 'slow'.
        await store.appendToStream('fast', [newEvent('Fast')], { expectedVersion: 'no_stream' });
        expect((await store.readStream('fast')).version).toBe(1);
        expect(await store.readAll({ limit: 10 })).toEqual([]);
        await sleep(700); // longer than the poll interval: the subscription has looked again
        expect(received).toEqual([]);
      } finally {
        slow.commit(); // also on failure: an open transaction would block the truncate of the next test
        await slowAppend;
      }
      await eventually(() => expect(received.map((e) => e.streamId)).toEqual(['slow', 'fast']));
      expect((await store.readAll({ limit: 10 })).map((e) => e.streamId)).toEqual(['slow', 'fast']);
      await subscription.stop();
    });

    it("wakes subscriptions by NOTIFY when another process appends", async () => {
      // A second store on its own pool stands in for another process: its onAppended never reaches `store`.
      const other = createPgClient(url, { searchPath: schema, max: 1 });
      const otherStore = new PostgresEventStore(other, { closeClient: true });
      // With a 1-hour poll, only the NOTIFY (or the wake-up after LISTEN connects) can deliver the event.
      const slowPolling = new PostgresEventStore(client, { pollIntervalMs: 3_600_000 });
      const received: string[] = [];
      const subscription = slowPolling.subscribe({ handler: async (batch) => void received.push(...batch.map((e) => e.streamId)) });
      try {
        await sleep(300); // let the LISTEN connection come up and the catch-up read go idle
        await otherStore.appendToStream('remote', [newEvent('Remote')], { expectedVersion: 'no_stream' });
        await eventually(() => expect(received).toEqual(['remote']), 3000);
      } finally {
        await subscription.stop();
        await slowPolling.close();
        await otherStore.close();
      }
    });
  });

  describe('prepared statements', () => {
    it('prepares a statement once per connection, and plans it again for the tables search_path names', async () => {
      const single = createPgClient(url, { max: 1 }); // one connection: the statement is prepared on it once
      const schemas = ['prep_a', 'prep_b'].map((name) => `${name}_${process.pid}`);
      try {
        for (const [i, schema] of schemas.entries()) {
          await single.query(`create schema ${schema}`);
          await single.query(`create table ${schema}.probe (n int)`);
          await single.query(`insert into ${schema}.probe values (${i + 1})`);
        }
        const text = 'select n from probe where n > $1';
        const seen = await single.transaction(async (tx) => {
          const rows: number[] = [];
          for (const schema of [schemas[0], schemas[1], schemas[0]]) {
            await tx.query(`set local search_path to ${schema}`);
            rows.push(...(await tx.query<{ n: number }>(text, [0], { prepare: true })).rows.map((r) => r.n));
          }
          const { rows: prepared } = await tx.query<{ statement: string }>('select statement from pg_prepared_statements');
          return { rows, prepared: prepared.filter((p) => p.statement === text).length };
        });
        expect(seen).toEqual({ rows: [1, 2, 1], prepared: 1 });
      } finally {
        for (const schema of schemas) await single.query(`drop schema if exists ${schema} cascade`);
        await single.close();
      }
    });
  });

  describe('NOTIFY after the commit', () => {
    it('wakes another process for every commit of many concurrent appends, coalescing the NOTIFYs', async () => {
      await client.query('truncate es_events restart identity');
      const writerClient = createPgClient(url, { searchPath: schema, max: 10 });
      const writer = new PostgresEventStore(writerClient, { closeClient: true });
      // Only a NOTIFY can wake this subscription: it polls once an hour.
      const reader = new PostgresEventStore(client, { pollIntervalMs: 3_600_000 });
      const received: string[] = [];
      const subscription = reader.subscribe({ handler: async (batch) => void received.push(...batch.map((e) => e.streamId)) });
      let notifications = 0;
      // The writer's NOTIFYs carry its id; '' is the wake-up after (re)connecting.
      const stopCounting = await admin.listen(APPENDED_CHANNEL, (payload) => void (payload !== '' && notifications++));
      try {
        await sleep(300); // the LISTEN connections are up, the catch-up read is idle
        notifications = 0;
        const streams = Array.from({ length: 20 }, (_, i) => `burst-${i}`);
        await Promise.all(streams.map((streamId) => writer.appendToStream(streamId, [newEvent('Burst')], { expectedVersion: 'no_stream' })));
        await eventually(() => expect([...received].sort()).toEqual([...streams].sort()), 3000);
        expect(notifications).toBeGreaterThanOrEqual(1);
        expect(notifications).toBeLessThanOrEqual(streams.length);
      } finally {
        await stopCounting();
        await subscription.stop();
        await reader.close();
        await writer.close();
      }
    });
  });

  describe('NOTIFY riding on the INSERT', () => {
    it("sends a lone writer's NOTIFYs with its INSERTs, none on its own, and every append is heard", async () => {
      await client.query('truncate es_events restart identity');
      const statements: string[] = [];
      const counting: SqlClient = { ...client, query: (text, params, options) => (statements.push(text), client.query(text, params, options)) };
      const writer = new PostgresEventStore(counting);
      const heard: string[] = [];
      const stopCounting = await admin.listen(APPENDED_CHANNEL, (payload) => void (payload !== '' && heard.push(payload)));
      try {
        await sleep(300); // the LISTEN connection is up
        for (let i = 0; i < 5; i++) {
          await writer.appendToStream(`lone-${i}`, [newEvent('Lone')], { expectedVersion: 'no_stream' });
          await sleep(5); // more than the interval between NOTIFYs: each append carries one
        }
        await eventually(() => expect(heard).toHaveLength(5), 3000);
        expect(statements.filter((text) => text.includes('pg_notify') && text.includes('insert into'))).toHaveLength(5);
        expect(statements.filter((text) => text.includes('pg_notify') && !text.includes('insert into'))).toEqual([]);
      } finally {
        await stopCounting();
        await writer.close();
      }
    });

    it('sends the NOTIFY an append owes on its own when its INSERT did not carry one, and none when the INSERT fails', async () => {
      await client.query('truncate es_events restart identity');
      const writer = new PostgresEventStore(client);
      const heard: number[] = [];
      const stopCounting = await admin.listen(APPENDED_CHANNEL, (payload) => void (payload !== '' && heard.push(Date.now())));
      try {
        await sleep(300);
        // Two appends at once: one carries the NOTIFY, the other commits within the interval and is owed one.
        await Promise.all(['a', 'b'].map((id) => writer.appendToStream(`owed-${id}`, [newEvent('Owed')], { expectedVersion: 'no_stream' })));
        // Whichever commits first, the other one is not covered by the carried NOTIFY: one each.
        await eventually(() => expect(heard).toHaveLength(2), 3000);
        const afterBoth = heard.length;
        // A refused append (its version is taken) carries a NOTIFY that rolls back with it: nothing is heard.
        await sleep(10);
        await expect(writer.appendToStream('owed-a', [newEvent('Late')], { expectedVersion: 'no_stream' })).rejects.toThrow(WrongExpectedVersionError);
        await sleep(100);
        expect(heard).toHaveLength(afterBoth);
      } finally {
        await stopCounting();
        await writer.close();
      }
    });
  });

  describe('NOTIFY only while others may listen', () => {
    it('sends none while the process says its own subscriptions are the only ones, and sends again when that changes', async () => {
      await client.query('truncate es_events restart identity');
      const writer = new PostgresEventStore(client);
      let alone = true;
      writer.setOthersListening(() => !alone);
      const heard: string[] = [];
      const stopCounting = await admin.listen(APPENDED_CHANNEL, (payload) => void (payload !== '' && heard.push(payload)));
      try {
        await sleep(300); // the LISTEN connection is up
        await writer.appendToStream('alone-1', [newEvent('Quiet')], { expectedVersion: 'no_stream' });
        await writer.appendToStreams([{ streamId: 'alone-2', events: [newEvent('Quiet')], expectedVersion: 'no_stream' }]);
        await sleep(300);
        expect(heard).toEqual([]);
        alone = false;
        await writer.appendToStream('shared-1', [newEvent('Heard')], { expectedVersion: 'no_stream' });
        await eventually(() => expect(heard).toHaveLength(1), 3000);
      } finally {
        await stopCounting();
        await writer.close();
      }
    });
  });

  describe('appendToStreams with concurrent transactions', () => {
    let store: PostgresEventStore;
    beforeEach(async () => {
      store = await freshStore();
    });
    afterEach(() => store.close());

    it('lets one of two calls that overlap on a stream win; the loser waits for it, then writes nothing', async () => {
      const slow = heldOpen(client);
      const winner = [newEvent('Own'), newEvent('Claimed')];
      const first = new PostgresEventStore(slow.held).appendToStreams([
        { streamId: 'own-1', events: [winner[0]!], expectedVersion: 'no_stream' },
        { streamId: 'shared', events: [winner[1]!], expectedVersion: 0 },
      ]);
      let settled = false;
      let second: Promise<unknown> | undefined;
      try {
        await slow.written;
        // Same expected version, read before the winner commits: the loser inserts own-2, then waits on (shared, 1).
        second = store
          .appendToStreams([
            { streamId: 'own-2', events: [newEvent('Own')], expectedVersion: 'no_stream' },
            { streamId: 'shared', events: [newEvent('Claimed')], expectedVersion: 0 },
          ])
          .then(
            () => undefined,
            (error: unknown) => error,
          )
          .finally(() => (settled = true));
        await sleep(200);
        expect(settled).toBe(false);
      } finally {
        slow.commit();
        await first;
      }
      const error = await second;
      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      expect(error).toMatchObject({ streamId: 'shared', expected: 0, actual: 1 });
      const read = await store.readStreams(['own-1', 'own-2', 'shared']);
      expect([...read.values()].map((r) => r.version)).toEqual([1, 0, 1]);
      expect(read.get('shared')!.events[0]!.metadata.eventId).toBe(winner[1]!.metadata.eventId);
    });

    it('retries a call that deadlocks with a transaction writing the same streams in the other order', async () => {
      // Raw rows, as another batch would write them: one statement cannot be paused between its rows.
      const insertFirst = async (tx: SqlExecutor, streamId: string): Promise<void> => {
        const event = newEvent('Raw');
        const recordedAt = new Date().toISOString();
        const hash = computeEventHash({ ...event, streamId, streamVersion: 1, recordedAt, previousHash: '' });
        await tx.query(
          `insert into es_events (stream_id, stream_version, event_id, type, data, metadata, recorded_at, previous_hash, hash)
           values ($1, 1, $2, $3, $4::jsonb, $5::jsonb, $6, '', $7)`,
          [streamId, event.metadata.eventId, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata), recordedAt, hash],
        );
      };
      const holdsB = deferred();
      const goOn = deferred();
      const other = client.transaction(async (tx) => {
        await insertFirst(tx, 'b');
        holdsB.resolve();
        await goOn.promise;
        await insertFirst(tx, 'a');
      });
      await holdsB.promise;
      // Writes (a, 1), then waits on (b, 1); the other transaction then waits on (a, 1): a deadlock.
      const batch = store.appendToStreams([
        { streamId: 'a', events: [newEvent('A')], expectedVersion: 'any' },
        { streamId: 'b', events: [newEvent('B')], expectedVersion: 'any' },
      ]);
      await sleep(200);
      goOn.resolve();
      // PostgreSQL aborts one of them after deadlock_timeout (the batch, which waited first); the batch then retries.
      const [otherResult, batchResult] = await Promise.allSettled([other, batch]);
      if (otherResult.status === 'rejected') expect(otherResult.reason).toMatchObject({ code: '40P01' });
      expect(batchResult.status).toBe('fulfilled');
      const all = await store.readAll({ limit: 10 });
      expect(all.map((e) => `${e.streamId}${e.streamVersion}`).sort()).toEqual(otherResult.status === 'fulfilled' ? ['a1', 'a2', 'b1', 'b2'] : ['a1', 'b1']);
      expect(verifyStreamChain(all)).toEqual([]);
    }, 15_000);
  });
});
