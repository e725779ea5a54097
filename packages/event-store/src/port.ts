/**
 * The event store port. Every adapter (in-memory, PostgreSQL via `pg`, PGlite, KurrentDB/EventStoreDB)
 * implements exactly this and passes the shared contract suite in `contract/`.
 *
 * Version convention (one for all adapters): a stream's `version` is the number of events in it.
 * An empty or missing stream has version 0; its first event has `streamVersion` 1. The EventStoreDB
 * adapter translates (revision = version - 1).
 *
 * Global order: `GlobalPosition` is a pair, ordered lexicographically `(commit, prepare)`. On PostgreSQL
 * it is `(transaction id, sequence)` and readers only see transactions below the oldest one still in
 * flight, so a slow transaction that commits late is never skipped (Emmett's approach). On EventStoreDB
 * it is its own `(commit, prepare)` log position; in memory both halves are the same counter.
 *
 * Event ids: an event id is stored once per stream on every adapter, and a retried append returns the
 * earlier result. That an id is unique across ALL streams (`DuplicateEventIdError` for an id stored in
 * another stream) is checked by the SQL and in-memory adapters only: KurrentDB has no index by event id
 * to check it against, and the KurrentDB adapter does not pretend to (see `KurrentDbEventStore`). Callers
 * must not rely on it; the API's ids are random UUIDs.
 */

/** Who caused an event. */
export type ActorKind = 'user' | 'partner' | 'bank' | 'system';
export interface Actor {
  kind: ActorKind;
  id: string;
}

/** Metadata every stored event carries; the audit trail is built from it. */
export interface EventMetadata {
  eventId: string;
  actor: Actor;
  reason?: string;
  correlationId: string;
  causationId: string;
  /** When it happened in the business sense (ISO 8601, from the command). */
  occurredAt: string;
  [key: string]: unknown;
}

/** What a caller hands to `appendToStream`. */
export interface NewEvent<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
  metadata: EventMetadata;
}

/** What the store gives back. */
export interface StoredEvent<Type extends string = string, Data = unknown> extends NewEvent<Type, Data> {
  streamId: string;
  /** 1-based position of the event in its stream. */
  streamVersion: number;
  globalPosition: GlobalPosition;
  /** When the store wrote it (ISO 8601). */
  recordedAt: string;
  /** Hash of the previous event of the stream ('' for the first). */
  previousHash: string;
  /** sha256 over previousHash and this event's canonical content; see `hash-chain.ts`. */
  hash: string;
}

export interface GlobalPosition {
  commit: bigint;
  prepare: bigint;
}

export const START: GlobalPosition = { commit: -1n, prepare: -1n };

export function comparePositions(a: GlobalPosition, b: GlobalPosition): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

/**
 * `number`: the stream must be exactly at this version (0 = must not exist yet).
 * `'no_stream'`: same as 0. `'any'`: no check.
 */
export type ExpectedVersion = number | 'no_stream' | 'any';

export interface AppendResult {
  /** The stream's version after the append. */
  nextVersion: number;
  /** Position of the last appended event. */
  lastPosition: GlobalPosition;
}

/** One stream's part of `appendToStreams`. */
export interface StreamAppend {
  streamId: string;
  events: readonly NewEvent[];
  expectedVersion: ExpectedVersion;
}

export interface ReadStreamResult<E extends StoredEvent = StoredEvent> {
  events: E[];
  /** The stream's version (0 when it does not exist). */
  version: number;
}

export interface ReadAllOptions {
  /** Read events strictly after this position. Default START. */
  after?: GlobalPosition;
  /** Maximum number of events. */
  limit: number;
  /** Only these event types (optional server-side filter). */
  types?: readonly string[];
}

export interface Subscription {
  /** Stops the subscription and waits until its handler is no longer running. */
  stop(): Promise<void>;
}

/** What a subscription offers its handler while it works on a batch. */
export interface HandlerControl {
  /** Read the next batch from now on (once per batch); what it reads is dropped if the handler then fails. */
  readAhead(): void;
}

export interface SubscribeOptions {
  after?: GlobalPosition;
  batchSize?: number;
  /**
   * Called with each batch in global order; the subscription moves on once it resolves. `control.readAhead()`
   * (where the store offers it) starts reading the next batch now, while the handler finishes (its commit, say).
   */
  handler: (events: StoredEvent[], control?: HandlerControl) => Promise<void>;
  /** Called when the handler throws; the subscription retries the same batch after a pause. */
  onError?: (error: unknown) => void;
}

export interface EventStore {
  readStream(streamId: string): Promise<ReadStreamResult>;
  appendToStream(streamId: string, events: readonly NewEvent[], options: { expectedVersion: ExpectedVersion }): Promise<AppendResult>;
  /** Reads many streams in one go. Every requested id is in the map; a missing stream is { events: [], version: 0 }. */
  readStreams(streamIds: readonly string[]): Promise<Map<string, ReadStreamResult>>;
  /**
   * Appends to many streams atomically: either every append is stored or none is. Results are in the
   * order of `appends`. A version conflict on any stream throws WrongExpectedVersionError naming the
   * first conflicting stream (in the order given), and nothing is written. The same stream twice in one
   * call is a TypeError. Appends with no events only check their expected version.
   *
   * Global positions follow the order of `appends`, then of the events within each. Event ids are unique in
   * the whole call. Retrying a call that already succeeded (all its event ids stored in the same streams at
   * consecutive versions) returns the earlier results without checking versions again; appends with no
   * events then report their stream's current version. Any other overlap with stored ids is a
   * DuplicateEventIdError.
   */
  appendToStreams(appends: readonly StreamAppend[]): Promise<AppendResult[]>;
  /** A batch of the whole log in global order, after `options.after`. */
  readAll(options: ReadAllOptions): Promise<StoredEvent[]>;
  /**
   * The position of the last event `readAll` can return now (START when the log is empty): a reader that
   * must end where it started (the audit export) reads up to here.
   */
  headPosition(): Promise<GlobalPosition>;
  /** Catch-up subscription: reads history in batches, then follows new events as they are committed. */
  subscribe(options: SubscribeOptions): Subscription;
  /** Registers a callback that runs after any append from this process commits (a wake-up hint). */
  onAppended(listener: () => void): () => void;
  close(): Promise<void>;
}

/** Typed optimistic-concurrency conflict. The API maps it to 409 (or 412 for a stale If-Match). */
export class WrongExpectedVersionError extends Error {
  readonly code = 'EVENT_STORE.WRONG_EXPECTED_VERSION';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actual: number | undefined,
  ) {
    super(`Stream ${streamId} is at version ${actual ?? 'unknown'}, expected ${String(expected)}`);
    this.name = 'WrongExpectedVersionError';
  }
}
