/**
 * The pure half of the KurrentDB adapter: how the port's versions, positions and stored events map onto
 * KurrentDB's revisions, log positions and records. No I/O and no import of the client at run time (only its
 * types), so it is unit-tested without a server and the SQL paths never load the client.
 *
 * - Versions: the port's version is the number of events in a stream (first event: streamVersion 1); a
 *   KurrentDB revision is 0-based. revision = version - 1; an empty stream is NO_STREAM.
 * - Positions: the port's `(commit, prepare)` is KurrentDB's `$all` position, both halves as bigint.
 * - Records: `data` is the event's JSON data; what the port stores beside it (our whole `metadata`,
 *   `recordedAt`, `previousHash`, `hash`) travels in the record's metadata as string values, because a
 *   multi-stream append (KurrentDB ≥ 25.1) accepts only string-valued metadata, and one encoding serves
 *   both kinds of append. The KurrentDB event id is our `metadata.eventId`.
 */
import type { AppendStreamState, JSONEventData, Position, ReadPosition, RecordedEvent } from '@kurrent/kurrentdb-client';
import { type EventMetadata, type ExpectedVersion, type GlobalPosition, type NewEvent, type StoredEvent } from './port';

/** Keys of the record metadata this adapter writes. Other keys (the server's own, `$correlationId`, …) are ignored on read. */
export const METADATA_KEYS = {
  metadata: 'pm.metadata',
  recordedAt: 'pm.recordedAt',
  previousHash: 'pm.previousHash',
  hash: 'pm.hash',
} as const;

/** The stream state an append sends for a stream whose current version is `version` (0: no stream yet). */
export function streamStateOfVersion(version: number): AppendStreamState {
  if (!Number.isSafeInteger(version) || version < 0) throw new RangeError(`Not a stream version: ${version}`);
  return version === 0 ? 'no_stream' : BigInt(version - 1);
}

/** The port's expectation as KurrentDB's stream state: 0/'no_stream' → NO_STREAM, n → revision n - 1, 'any' → ANY. */
export function streamStateOf(expected: ExpectedVersion): AppendStreamState {
  if (expected === 'any') return 'any';
  return streamStateOfVersion(expected === 'no_stream' ? 0 : expected);
}

/** A stream's version from KurrentDB's current state (NO_STREAM → 0, revision r → r + 1). */
export function versionOfState(state: bigint | 'no_stream' | string): number {
  if (typeof state !== 'bigint') return 0;
  return versionOfRevision(state);
}

/** The port's streamVersion of the event at `revision`. */
export function versionOfRevision(revision: bigint): number {
  const version = Number(revision) + 1;
  if (!Number.isSafeInteger(version) || version < 1) throw new RangeError(`Not a stream revision: ${revision}`);
  return version;
}

/** The KurrentDB revision of the port's streamVersion. */
export function revisionOfVersion(version: number): bigint {
  if (!Number.isSafeInteger(version) || version < 1) throw new RangeError(`Not a stream version: ${version}`);
  return BigInt(version - 1);
}

export function positionOf(position: Position): GlobalPosition {
  return { commit: BigInt(position.commit), prepare: BigInt(position.prepare) };
}

/** Where a read of `$all` after `after` starts: the start of the log for START, else that position (inclusive on the server). */
export function readPositionAfter(after: GlobalPosition): ReadPosition {
  return after.commit < 0n || after.prepare < 0n ? 'start' : { commit: after.commit, prepare: after.prepare };
}

/** The values the adapter hashes and stores beside an event's data. */
export interface StoredFields {
  metadata: EventMetadata;
  recordedAt: string;
  previousHash: string;
  hash: string;
}

/** A new event as a KurrentDB JSON record: id = metadata.eventId, metadata as string values only. */
export function toEventData(event: NewEvent, stored: Omit<StoredFields, 'metadata'>): JSONEventData {
  // No `$`-keys of our own (KurrentDB reserves them; it adds `$schema.*` and `$record.*` to multi-stream appends).
  const metadata: Record<string, string> = {
    [METADATA_KEYS.metadata]: JSON.stringify(event.metadata),
    [METADATA_KEYS.recordedAt]: stored.recordedAt,
    [METADATA_KEYS.previousHash]: stored.previousHash,
    [METADATA_KEYS.hash]: stored.hash,
  };
  return {
    id: event.metadata.eventId,
    contentType: 'application/json',
    type: event.type,
    // JSON of any shape: the client JSON-stringifies it as it is.
    data: event.data as JSONEventData['data'],
    metadata,
  };
}

function parseJson(text: unknown): unknown {
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const asString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * A record read back as the port's StoredEvent. `streamId` is the stream name without the store's isolation
 * prefix. Decoding is lenient on purpose: a record this adapter did not write (someone appended to one of our
 * streams with another tool) comes back with what it has and an empty `hash`, so the tamper-evidence check
 * reports it (`edited`) instead of every reader crashing on it.
 */
export function toStoredEvent(recorded: RecordedEvent, streamId: string): StoredEvent {
  if (!recorded.position) {
    throw new Error(`KurrentDB returned event ${recorded.id} of ${recorded.streamId} without its log position: the server must be KurrentDB/EventStoreDB 22.6 or later`);
  }
  const raw = (recorded.metadata && typeof recorded.metadata === 'object' && !(recorded.metadata instanceof Uint8Array) ? recorded.metadata : {}) as Record<string, unknown>;
  const parsed = parseJson(raw[METADATA_KEYS.metadata]);
  const metadata = (parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : { eventId: recorded.id }) as EventMetadata;
  return {
    streamId,
    streamVersion: versionOfRevision(recorded.revision),
    globalPosition: positionOf(recorded.position),
    type: recorded.type,
    data: recorded.isJson ? recorded.data : Buffer.from(recorded.data as Uint8Array).toString('base64'),
    metadata,
    recordedAt: asString(raw[METADATA_KEYS.recordedAt]) ?? recorded.created.toISOString(),
    previousHash: asString(raw[METADATA_KEYS.previousHash]) ?? '',
    hash: asString(raw[METADATA_KEYS.hash]) ?? '',
  };
}

/**
 * The stream-name prefixes the `$all` filter uses: the application's own prefixes, each behind the isolation
 * prefix. None may be empty or start with `$` (that would let KurrentDB's system streams in).
 */
export function filterPrefixes(streamPrefixes: readonly string[], isolationPrefix = ''): string[] {
  if (streamPrefixes.length === 0) throw new TypeError('KurrentDbEventStore needs at least one stream prefix to filter $all to this application\'s streams');
  const prefixes = streamPrefixes.map((prefix) => isolationPrefix + prefix);
  for (const prefix of prefixes) {
    if (prefix === '' || prefix.startsWith('$')) throw new TypeError(`Stream prefix ${JSON.stringify(prefix)} would match KurrentDB's system streams; name this application's streams`);
  }
  return [...new Set(prefixes)];
}

/** Whether a stream name (without the isolation prefix) is one the store's `$all` filter lets through. */
export function isOwnStream(streamId: string, streamPrefixes: readonly string[]): boolean {
  return streamPrefixes.some((prefix) => streamId.startsWith(prefix));
}
