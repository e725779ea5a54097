export * from './port';
export { DuplicateEventIdError } from './append-rules';
export { encodePosition, decodePosition } from './position';
export { computeEventHash, verifyStreamChain, type ChainProblem, type ChainProblemKind, type HashInput } from './hash-chain';
export { type CatchUpTiming } from './subscription';
export { InMemoryEventStore } from './in-memory-event-store';
// Type-only use of the KurrentDB client here: the client itself is loaded by KurrentDbEventStore.connect.
export { KurrentDbEventStore, MultiStreamAppendUnsupportedError, type KurrentDbEventStoreOptions } from './kurrentdb-event-store';
export {
  PostgresEventStore,
  ensureSchema,
  readAllIn,
  toStoredEvent,
  EVENTS_TABLE,
  EVENT_COLUMNS,
  APPENDED_CHANNEL,
  type EventRow,
  type PostgresEventStoreOptions,
} from './postgres-event-store';
export {
  createPgClient,
  createPGliteClient,
  EmbeddedStoreInUseError,
  sqlClientFromUrl,
  type PgClientOptions,
  type PGliteClientOptions,
  type QueryOptions,
  type TransactionOptions,
  type QueryResult,
  type SqlClient,
  type SqlExecutor,
  type TransactionExecutor,
  sqlLiteral,
} from './sql/sql-client';
export { EmbeddedStoreStoppedError } from './sql/pglite-thread';
