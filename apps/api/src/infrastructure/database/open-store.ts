import { STREAM_PREFIXES } from '@pm/domain';
import { type EventStore, KurrentDbEventStore, PostgresEventStore, type SqlClient, createPGliteClient, createPgClient, ensureSchema } from '@pm/event-store';
import { join } from 'node:path';
import { type AppConfig } from '../../config/app-config';

export interface Storage {
  /** The read models, checkpoints, outbox and leases; with EVENT_STORE=postgres the event log (`es_events`) too. */
  sql: SqlClient;
  store: EventStore;
}

/**
 * The SQL database — the PostgreSQL server when DATABASE_URL is set, else the embedded PGlite store in the data
 * directory — and the event log: in that database, or on a KurrentDB/EventStoreDB server with
 * EVENT_STORE=eventstoredb (EVENTSTORE_URL), its `$all` read filtered to this application's streams.
 */
export async function openStorage(
  config: Pick<AppConfig, 'databaseUrl' | 'dataDir' | 'eventStore' | 'eventStoreUrl'>,
  /** The embedded store's thread stopped without being closed (see PGliteClientOptions.onStopped). */
  onStoreStopped?: (error: Error) => void,
): Promise<Storage> {
  const sql = config.databaseUrl ? createPgClient(config.databaseUrl) : await createPGliteClient(join(config.dataDir, 'pglite'), { onStopped: onStoreStopped });
  try {
    if (config.eventStore === 'eventstoredb') return { sql, store: await openKurrentDb(config.eventStoreUrl) };
    await ensureSchema(sql);
    return { sql, store: new PostgresEventStore(sql) };
  } catch (error) {
    await sql.close().catch(() => undefined);
    throw error;
  }
}

const redacted = (url: string) => url.replace(/\/\/[^@/]*@/, '//***@');

/** The client's errors name little more than their type: say what to check. */
function why(error: unknown): string {
  const type = (error as { type?: unknown } | undefined)?.type;
  if (type === 'unavailable') return 'no server answers there (check the host and port, and tls=false for a server without TLS)';
  if (type === 'access-denied') return 'access denied (check the user and password in the connection string, and its read access to $all)';
  if (type === 'not-leader') return 'the node is not the leader (use nodePreference=leader)';
  return (error as Error)?.message || String(error);
}

/** The KurrentDB store, checked to answer now: a wrong address or credentials fail at start-up, not at the first command. */
async function openKurrentDb(url: string | undefined): Promise<EventStore> {
  if (!url) throw new Error('EVENT_STORE=eventstoredb needs EVENTSTORE_URL, the KurrentDB/EventStoreDB connection string (e.g. kurrentdb://127.0.0.1:2113?tls=false)');
  const store = await KurrentDbEventStore.connect(url, { streamPrefixes: STREAM_PREFIXES });
  try {
    // One read of a stream that never exists: cheap on any server, and it needs a working connection and read access.
    await store.readStream(`${STREAM_PREFIXES[0]}connection-check`);
  } catch (error) {
    await store.close().catch(() => undefined);
    throw new Error(`Cannot reach the event log on KurrentDB/EventStoreDB at ${redacted(url)}: ${why(error)}`, { cause: error });
  }
  return store;
}
