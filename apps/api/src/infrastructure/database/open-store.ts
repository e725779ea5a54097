import { type EventStore, PostgresEventStore, type SqlClient, createPGliteClient, createPgClient, ensureSchema } from '@pm/event-store';
import { join } from 'node:path';
import { type AppConfig } from '../../config/app-config';

export interface Storage {
  sql: SqlClient;
  store: EventStore;
}

/** The PostgreSQL server when DATABASE_URL is set, else the embedded PGlite store in the data directory. */
export async function openStorage(config: Pick<AppConfig, 'databaseUrl' | 'dataDir'>): Promise<Storage> {
  const sql = config.databaseUrl ? createPgClient(config.databaseUrl) : await createPGliteClient(join(config.dataDir, 'pglite'));
  await ensureSchema(sql);
  const store = new PostgresEventStore(sql);
  return { sql, store };
}
