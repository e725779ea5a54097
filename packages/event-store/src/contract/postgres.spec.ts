import { randomBytes } from 'node:crypto';
import { type StoredEvent } from '../port';
import { PostgresEventStore, ensureSchema } from '../postgres-event-store';
import { type SqlClient, createPgClient } from '../sql/sql-client';
import { runEventStoreContract } from './event-store.contract';
import { deferred, eventually, newEvent, sleep } from './helpers';
import { runSqlEventStoreTests } from './sql-event-store.contract';

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

  async function freshStore(): Promise<PostgresEventStore> {
    await client.query('truncate es_events restart identity');
    return new PostgresEventStore(client);
  }

  runEventStoreContract('PostgreSQL', { create: freshStore });
  runSqlEventStoreTests('PostgreSQL', { client: () => client, create: freshStore });

  describe('global order with concurrent transactions', () => {
    let store: PostgresEventStore;
    beforeEach(async () => {
      store = await freshStore();
    });
    afterEach(() => store.close());

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

    it('never skips an event committed late by a transaction that started writing first', async () => {
      const received: StoredEvent[] = [];
      const subscription = store.subscribe({ handler: async (batch) => void received.push(...batch) });

      // The slow append takes its transaction id and global position first, then stays uncommitted…
      const slow = heldOpen(client);
      const slowAppend = new PostgresEventStore(slow.held).appendToStream('slow', [newEvent('Slow')], { expectedVersion: 'no_stream' });
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
});
