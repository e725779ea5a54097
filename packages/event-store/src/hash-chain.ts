/**
 * Tamper evidence: each stored event carries `hash` = sha256 (hex) of the canonical JSON of
 * `{ streamId, streamVersion, type, data, metadata, recordedAt, previousHash }`, where `previousHash` is the
 * hash of the stream's previous event ('' for the first). Canonical JSON sorts object keys, because JSONB
 * does not keep key order: the hash must hold for what a reader gets back, not for what the writer sent.
 *
 * What a chain can and cannot show: editing or moving an event, or deleting one in the middle, is detected.
 * Deleting the last events of a stream, or rewriting the tail and re-hashing it, is not (that needs an
 * anchor kept outside the table, e.g. the head hashes in an exported audit).
 */
import { hash } from 'node:crypto';
import { configure } from 'safe-stable-stringify';
import { type StoredEvent } from './port';

// strict: throw on values JSON cannot represent faithfully (NaN, Infinity, bigint, functions, symbols, cycles)
// instead of storing and hashing a stand-in such as null.
const canonicalJson = configure({ deterministic: true, strict: true });

/**
 * The canonical JSON text of `value`: object keys sorted, `toJSON` applied (Dates become strings), undefined
 * properties left out. It is what the store writes and what the hash covers, so it is computed once per event.
 * Throws a TypeError naming `what` for a value JSON cannot represent.
 */
export function canonicalJsonOf(value: unknown, what: string): string {
  let json: string | undefined;
  try {
    json = canonicalJson(value);
  } catch (error) {
    throw new TypeError(`${what} is not JSON-serialisable: ${(error as Error).message}`);
  }
  if (json === undefined) throw new TypeError(`${what} is not JSON-serialisable`);
  return json;
}

export type HashInput = Pick<StoredEvent, 'streamId' | 'streamVersion' | 'type' | 'data' | 'metadata' | 'recordedAt' | 'previousHash'>;

export function computeEventHash(event: HashInput): string {
  const { streamId, streamVersion, type, data, metadata, recordedAt, previousHash } = event;
  return sha256(canonicalJsonOf({ streamId, streamVersion, type, data, metadata, recordedAt, previousHash }, `Event ${type}`));
}

/** `HashInput` with data and metadata already as their canonical JSON text (`canonicalJsonOf`). */
export interface EncodedHashInput extends Omit<HashInput, 'data' | 'metadata'> {
  dataJson: string;
  metadataJson: string;
}

/**
 * The same hash as `computeEventHash` of the decoded event, from the parts' canonical JSON: the envelope is
 * written out by hand with its keys in sorted order, so no event is serialised twice on the write path.
 */
export function computeEncodedEventHash(event: EncodedHashInput): string {
  const { streamId, streamVersion, type, dataJson, metadataJson, recordedAt, previousHash } = event;
  if (!Number.isSafeInteger(streamVersion)) throw new TypeError(`streamVersion must be an integer, got ${streamVersion}`);
  return sha256(
    `{"data":${dataJson},"metadata":${metadataJson},"previousHash":${JSON.stringify(previousHash)},"recordedAt":${JSON.stringify(recordedAt)},` +
      `"streamId":${JSON.stringify(streamId)},"streamVersion":${streamVersion},"type":${JSON.stringify(type)}}`,
  );
}

const sha256 = (text: string): string => hash('sha256', text, 'hex');

export type ChainProblemKind = 'edited' | 'missing' | 'reordered' | 'broken_link';

export interface ChainProblem {
  kind: ChainProblemKind;
  streamId: string;
  streamVersion: number;
  /** The event at that version (absent for 'missing'). */
  eventId?: string;
  message: string;
}

/**
 * Verifies the hash chains of the given events (one stream or several; each stream is checked in version
 * order, whatever the input order). Reports, per stream and version, at most one problem per event:
 * - `missing`: a version gap (an event was deleted); the link across the gap is not checked.
 * - `reordered`: the event's content is intact but it sits at another version than it was written at
 *   (versions swapped or renumbered), or two events claim the same version.
 * - `edited`: the event's content no longer matches its own hash.
 * - `broken_link`: the content matches its hash, but `previousHash` is not the hash of the event before it
 *   (the previous event was rewritten and re-hashed, or this link was altered).
 */
export function verifyStreamChain(events: readonly StoredEvent[]): ChainProblem[] {
  const streams = new Map<string, StoredEvent[]>();
  for (const event of events) {
    const stream = streams.get(event.streamId) ?? [];
    stream.push(event);
    streams.set(event.streamId, stream);
  }
  return [...streams.values()].flatMap(verifyOneStream);
}

function verifyOneStream(unsorted: StoredEvent[]): ChainProblem[] {
  const events = [...unsorted].sort((a, b) => a.streamVersion - b.streamVersion);
  const streamId = events[0]!.streamId;
  const writtenAt = writtenVersions(events);
  const problems: ChainProblem[] = [];
  const report = (kind: ChainProblemKind, event: StoredEvent, message: string): void => {
    problems.push({ kind, streamId, streamVersion: event.streamVersion, eventId: event.metadata.eventId, message });
  };

  let previous: StoredEvent | undefined;
  let previousMoved = false;
  for (const event of events) {
    const expectedVersion = (previous?.streamVersion ?? 0) + 1;
    if (event.streamVersion < expectedVersion) {
      report('reordered', event, `Version ${event.streamVersion} is claimed by more than one event`);
      continue;
    }
    for (let version = expectedVersion; version < event.streamVersion; version++) {
      problems.push({ kind: 'missing', streamId, streamVersion: version, message: `Version ${version} is missing (deleted)` });
    }
    let moved = false;
    if (computeEventHash(event) !== event.hash) {
      const original = writtenAt.get(event);
      moved = original !== undefined && original !== event.streamVersion && computeEventHash({ ...event, streamVersion: original }) === event.hash;
      if (moved) report('reordered', event, `Event was written as version ${original} but is stored as version ${event.streamVersion}`);
      else report('edited', event, 'Content (type, data, metadata, recordedAt or previousHash) does not match its hash');
    } else if (event.streamVersion === expectedVersion && !previousMoved && event.previousHash !== (previous?.hash ?? '')) {
      report(
        'broken_link',
        event,
        previous
          ? `previousHash does not match the hash of version ${previous.streamVersion} (that event was rewritten and re-hashed, or this link was altered)`
          : 'The first event of a stream must have an empty previousHash',
      );
    }
    previous = event;
    previousMoved = moved;
  }
  return problems;
}

/** The version each event was written at, followed through `previousHash` links (which moving rows does not change). */
function writtenVersions(events: StoredEvent[]): Map<StoredEvent, number | undefined> {
  const byHash = new Map(events.map((event) => [event.hash, event]));
  const memo = new Map<StoredEvent, number | undefined>();
  const resolve = (event: StoredEvent, depth: number): number | undefined => {
    if (memo.has(event)) return memo.get(event);
    if (depth > events.length) return undefined; // a cycle of forged links
    let result: number | undefined = 1;
    if (event.previousHash !== '') {
      const predecessor = byHash.get(event.previousHash);
      const predecessorVersion = predecessor && resolve(predecessor, depth + 1);
      result = predecessorVersion === undefined ? undefined : predecessorVersion + 1;
    }
    memo.set(event, result);
    return result;
  };
  for (const event of events) resolve(event, 0);
  return memo;
}
