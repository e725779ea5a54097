import { PostgresEventStore, ensureSchema } from '../postgres-event-store';
import { type SqlClient, createPGliteClient } from '../sql/sql-client';
import { runEventStoreContract } from './event-store.contract';
import { runSqlEventStoreTests } from './sql-event-store.contract';

// One PGlite for the whole file (each instance costs ~2 s and ~0.45 GB); tests start from an empty table.
let client: SqlClient;
beforeAll(async () => {
  client = await createPGliteClient();
  await ensureSchema(client);
}, 60_000);
afterAll(() => client?.close());

async function freshStore(): Promise<PostgresEventStore> {
  await client.query('truncate es_events restart identity');
  return new PostgresEventStore(client);
}

runEventStoreContract('PGlite', { create: freshStore });
runSqlEventStoreTests('PGlite', { client: () => client, create: freshStore });
