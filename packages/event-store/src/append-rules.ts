/** Rules every adapter applies the same way when appending, so they behave identically under the contract suite. */
import { canonicalJsonOf } from './hash-chain';
import { type AppendResult, type ExpectedVersion, type GlobalPosition, type NewEvent, type StreamAppend } from './port';

/** An event id is already stored, and the append is not a plain retry of the append that stored it. */
export class DuplicateEventIdError extends Error {
  readonly code = 'EVENT_STORE.DUPLICATE_EVENT_ID';
  constructor(readonly eventIds: readonly string[]) {
    super(`Event id(s) already used: ${eventIds.join(', ')}`);
    this.name = 'DuplicateEventIdError';
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * An event validated for storing, its data and metadata as canonical JSON text (`canonicalJsonOf`): what the
 * SQL store writes as it is and hashes without serialising again. `decodeEvent` gives the plain JSON objects,
 * exactly what PostgreSQL's JSONB gives back (Dates become strings, undefined properties vanish), so hashes
 * computed at append time hold after a read, and every adapter returns the same shapes.
 */
export interface EncodedEvent {
  type: string;
  /** `metadata.eventId`, a UUID. */
  eventId: string;
  dataJson: string;
  metadataJson: string;
}

/**
 * Validates events and encodes them (see EncodedEvent). Event ids must be UUIDs (the SQL column is `uuid`) and
 * unique within the call; values JSON cannot represent faithfully (NaN, Infinity, bigint, functions, cycles)
 * are refused with a TypeError rather than stored as null.
 */
export function encodeEvents(events: readonly NewEvent[]): EncodedEvent[] {
  const seen = new Set<string>();
  return events.map((event) => {
    if (typeof event.type !== 'string' || event.type === '') throw new TypeError('Event type must be a non-empty string');
    const eventId = event.metadata?.eventId;
    if (typeof eventId !== 'string' || !UUID.test(eventId)) throw new TypeError(`metadata.eventId must be a UUID, got ${String(eventId)}`);
    if (seen.has(eventId.toLowerCase())) throw new DuplicateEventIdError([eventId]);
    seen.add(eventId.toLowerCase());
    return {
      type: event.type,
      eventId,
      dataJson: canonicalJsonOf(event.data, `Data of ${event.type}`),
      metadataJson: canonicalJsonOf(event.metadata, `Metadata of ${event.type}`),
    };
  });
}

/** The plain JSON event an EncodedEvent stands for. */
export function decodeEvent(event: EncodedEvent): NewEvent {
  return { type: event.type, data: JSON.parse(event.dataJson), metadata: JSON.parse(event.metadataJson) as NewEvent['metadata'] };
}

export function isExpectedVersion(expected: ExpectedVersion, actual: number): boolean {
  if (expected === 'any') return true;
  return actual === (expected === 'no_stream' ? 0 : expected);
}

export interface StoredEventRef {
  eventId: string;
  streamId: string;
  streamVersion: number;
  globalPosition: GlobalPosition;
}

/**
 * Idempotent retries: when an append conflicts and its event ids are already stored, decide whether it is a
 * replay of an earlier append (same ids, same stream, consecutive versions in the same order): then the
 * earlier result is returned instead of an error. Any other overlap is a `DuplicateEventIdError`; no overlap
 * means the conflict stands (`undefined`).
 */
export function resolvePriorAppend(streamId: string, events: readonly { eventId: string }[], found: readonly StoredEventRef[]): AppendResult | undefined {
  if (found.length === 0) return undefined;
  const byId = new Map(found.map((ref) => [ref.eventId.toLowerCase(), ref]));
  const refs = events.map((event) => byId.get(event.eventId.toLowerCase()));
  const replay = refs.every(
    (ref, i) => ref !== undefined && ref.streamId === streamId && ref.streamVersion === refs[0]!.streamVersion + i,
  );
  if (!replay) throw new DuplicateEventIdError(found.map((ref) => ref.eventId));
  const last = refs[refs.length - 1]!;
  return { nextVersion: last.streamVersion, lastPosition: last.globalPosition };
}

/** One append of an `appendToStreams` call, validated. */
export interface PreparedAppend {
  streamId: string;
  events: EncodedEvent[];
  expectedVersion: ExpectedVersion;
}

/**
 * `encodeEvents` for a whole `appendToStreams` call: event ids must be unique across all its streams (they are
 * in the table), and each stream may appear once (a second append could only conflict with the first).
 */
export function prepareAppends(appends: readonly StreamAppend[]): PreparedAppend[] {
  const streams = new Set<string>();
  for (const { streamId } of appends) {
    if (streams.has(streamId)) throw new TypeError(`Stream ${streamId} appears more than once in one appendToStreams call`);
    streams.add(streamId);
  }
  const events = encodeEvents(appends.flatMap((append) => append.events));
  let offset = 0;
  return appends.map(({ streamId, expectedVersion, events: { length } }) => ({
    streamId,
    expectedVersion,
    events: events.slice(offset, (offset += length)),
  }));
}

/**
 * `resolvePriorAppend` for a whole `appendToStreams` call. When every append with events is a replay, returns
 * the earlier results (`undefined` for appends without events: a version check stores nothing to find). When no
 * event id is stored yet, returns `undefined`. A call that is only partly stored was not one earlier call (those
 * are atomic): `DuplicateEventIdError`.
 */
export function resolvePriorAppends(
  appends: readonly PreparedAppend[],
  found: readonly StoredEventRef[],
): (AppendResult | undefined)[] | undefined {
  if (found.length === 0) return undefined;
  const byId = new Map(found.map((ref) => [ref.eventId.toLowerCase(), ref]));
  const priors = appends.map(({ streamId, events }) =>
    resolvePriorAppend(
      streamId,
      events,
      events.flatMap((event) => byId.get(event.eventId.toLowerCase()) ?? []),
    ),
  );
  if (priors.every((prior, i) => prior !== undefined || appends[i]!.events.length === 0)) return priors;
  throw new DuplicateEventIdError(found.map((ref) => ref.eventId));
}
