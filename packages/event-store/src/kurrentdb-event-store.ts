/**
 * The event store on KurrentDB (formerly EventStoreDB), through the official Node client
 * `@kurrent/kurrentdb-client`, loaded lazily (`KurrentDbEventStore.connect`) so the SQL stores never load it.
 *
 * How the port maps onto KurrentDB (the pure mapping is in `kurrentdb-mapping.ts`):
 * - Versions and expected versions: revision = version - 1, an empty stream is NO_STREAM.
 * - Hash chain: to chain an append to its stream, the stream's last event is read (backwards, one event, from
 *   the leader) and the append is sent with that event's revision as the expected revision, so nobody can
 *   have appended in between: the chain never forks. For `'any'` a lost race is retried (bounded); a numeric
 *   expectation that no longer holds is the port's WrongExpectedVersionError with the actual version.
 * - Idempotent event ids: the KurrentDB event id is our `metadata.eventId`. A retried append is recognised
 *   (and its earlier result returned) when its events are the stream's last events, or, for a numeric
 *   expectation, the events right after the expected version: the places a replay of it can be. What this
 *   adapter cannot check is that an id is unused in OTHER streams (`DuplicateEventIdError` across streams):
 *   KurrentDB keeps no index by event id. It does not pretend to; see the port comment and the README.
 * - `appendToStreams`: one stream → a normal append; several → `multiStreamAppend` (atomic, KurrentDB
 *   ≥ 25.1; older servers get a clear error). Appends without events are version checks read before the
 *   write (not atomic with it: the API never sends them).
 * - `readAll`/`subscribe` read `$all` filtered server-side to this application's stream prefixes (never
 *   `$` system streams). `subscribe` is a catch-up subscription on `$all`, delivered in batches with
 *   backpressure and resumed after errors from the last delivered position (`resumable-subscription.ts`);
 *   the checkpoint is the caller's (the API writes it beside the read model).
 */
import type { AllStreamResolvedEvent, AppendStreamRequest, KurrentDBClient, PrefixesFilter, RecordedEvent } from '@kurrent/kurrentdb-client';
import {
  type StoredEventRef,
  isExpectedVersion,
  prepareAppends,
  decodeEvent,
  encodeEvents,
  type EncodedEvent,
  resolvePriorAppend,
  resolvePriorAppends,
} from './append-rules';
import { computeEncodedEventHash } from './hash-chain';
import {
  filterPrefixes,
  isOwnStream,
  readPositionAfter,
  revisionOfVersion,
  streamStateOfVersion,
  toEventData,
  toStoredEvent,
  versionOfState,
} from './kurrentdb-mapping';
import {
  type AppendResult,
  type EventStore,
  type ExpectedVersion,
  type GlobalPosition,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamResult,
  type StoredEvent,
  type StreamAppend,
  type SubscribeOptions,
  type Subscription,
  START,
  WrongExpectedVersionError,
  comparePositions,
} from './port';
import { ReadableSource, startResumableSubscription } from './resumable-subscription';
import { Listeners, SubscriptionSet } from './subscription';

type KurrentModule = typeof import('@kurrent/kurrentdb-client');

/** 'any' appends retry when a concurrent writer takes the revision they read; each round at least one writer wins. */
const MAX_ANY_ATTEMPTS = 25;

export interface KurrentDbEventStoreOptions {
  /**
   * The stream-name prefixes of this application's streams (e.g. `receivable-`, `company-`): `readAll` and
   * `subscribe` filter `$all` to exactly these, and an append to a stream outside them is refused (no reader
   * would ever see it). None may be empty or start with `$`.
   */
  streamPrefixes: readonly string[];
  /**
   * Tests only: prepended to every stream name (and removed again on read), with `$all` filtered to it, so
   * stores on one shared server never see each other's events.
   */
  isolationPrefix?: string;
  /** Streams read at once by `readStreams` and `appendToStreams`. Default 16. */
  readConcurrency?: number;
  /** How long a started subscription batch waits for more events once none are buffered. Default 10 ms. */
  batchIdleMs?: number;
  /** First pause after a failed subscription batch or connection; doubles up to 30 s. Default 250 ms. */
  retryDelayMs?: number;
}

/** KurrentDB refused a multi-stream append: it is older than 25.1. */
export class MultiStreamAppendUnsupportedError extends Error {
  readonly code = 'EVENT_STORE.MULTI_STREAM_APPEND_UNSUPPORTED';
  constructor(streams: number, cause: unknown) {
    super(
      `appendToStreams over ${streams} streams needs an atomic multi-stream append, which KurrentDB offers from version 25.1 on; ` +
        'this server does not support it (upgrade the server: the bank-file import writes payments and invoices together).',
      { cause },
    );
    this.name = 'MultiStreamAppendUnsupportedError';
  }
}

interface ClientError {
  type?: unknown;
  streamName?: unknown;
  actualState?: unknown;
}

const errorType = (error: unknown): unknown => (error && typeof error === 'object' ? (error as ClientError).type : undefined);
const isStreamGone = (error: unknown) => errorType(error) === 'stream-not-found' || errorType(error) === 'stream-deleted';
const isWrongExpectedVersion = (error: unknown) => errorType(error) === 'wrong-expected-version';

/** Runs `fn` over `items` with at most `limit` at once; results in the order of `items`. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

const refsOf = (stored: readonly StoredEvent[], events: readonly EncodedEvent[]): StoredEventRef[] => {
  const wanted = new Set(events.map((event) => event.eventId.toLowerCase()));
  return stored
    .filter((event) => typeof event.metadata.eventId === 'string' && wanted.has(event.metadata.eventId.toLowerCase()))
    .map((event) => ({ eventId: event.metadata.eventId, streamId: event.streamId, streamVersion: event.streamVersion, globalPosition: event.globalPosition }));
};

const headOf = (events: readonly StoredEvent[]): AppendResult => {
  const head = events[events.length - 1];
  return { nextVersion: head?.streamVersion ?? 0, lastPosition: head?.globalPosition ?? START };
};

export class KurrentDbEventStore implements EventStore {
  private readonly appended = new Listeners();
  private readonly subscriptions = new SubscriptionSet();
  private readonly prefixes: readonly string[];
  private readonly isolationPrefix: string;
  private readonly readConcurrency: number;
  private disposed = false;

  /**
   * Opens a client for `connectionString` (`kurrentdb://…`, `kurrentdb+discover://…`, or the older `esdb://`
   * forms) and a store on it; `close()` disposes of the client. The client library is loaded here, not before.
   */
  static async connect(connectionString: string, options: KurrentDbEventStoreOptions): Promise<KurrentDbEventStore> {
    const kurrent = await import('@kurrent/kurrentdb-client');
    const client = kurrent.KurrentDBClient.connectionString(connectionString);
    return new KurrentDbEventStore(kurrent, client, options, true);
  }

  /** A store on a client the caller made and disposes of. */
  static async withClient(client: KurrentDBClient, options: KurrentDbEventStoreOptions): Promise<KurrentDbEventStore> {
    return new KurrentDbEventStore(await import('@kurrent/kurrentdb-client'), client, options, false);
  }

  private constructor(
    private readonly kurrent: KurrentModule,
    private readonly client: KurrentDBClient,
    private readonly options: KurrentDbEventStoreOptions,
    private readonly ownsClient: boolean,
  ) {
    this.isolationPrefix = options.isolationPrefix ?? '';
    this.prefixes = filterPrefixes(options.streamPrefixes, this.isolationPrefix);
    this.readConcurrency = Math.max(1, options.readConcurrency ?? 16);
  }

  async readStream(streamId: string): Promise<ReadStreamResult> {
    const events = await this.readForward(streamId, 'start');
    return { events, version: headOf(events).nextVersion };
  }

  async readStreams(streamIds: readonly string[]): Promise<Map<string, ReadStreamResult>> {
    const unique = [...new Set(streamIds)];
    const read = await mapLimit(unique, this.readConcurrency, (streamId) => this.readStream(streamId));
    return new Map(unique.map((streamId, i) => [streamId, read[i]!]));
  }

  async appendToStream(streamId: string, newEvents: readonly NewEvent[], { expectedVersion }: { expectedVersion: ExpectedVersion }): Promise<AppendResult> {
    const events = encodeEvents(newEvents);
    this.assertOwnStream(streamId);
    for (let attempt = 1; ; attempt++) {
      const tail = await this.readTail(streamId, events.length);
      const version = headOf(tail).nextVersion;
      const prior = resolvePriorAppend(streamId, events, refsOf(tail, events));
      if (prior) return prior;
      if (!isExpectedVersion(expectedVersion, version)) {
        const earlier = await this.findPriorAppend(streamId, events, expectedVersion, version);
        if (earlier) return earlier;
        throw new WrongExpectedVersionError(streamId, expectedVersion, version);
      }
      if (events.length === 0) return headOf(tail);

      const records = this.records(streamId, events, version, tail[tail.length - 1]?.hash ?? '', new Date().toISOString());
      try {
        await this.client.appendToStream(this.nameOf(streamId), records, { streamState: streamStateOfVersion(version) });
      } catch (error) {
        if (!isWrongExpectedVersion(error)) throw error;
        // Someone appended after our read: the chain would fork, so nothing was written.
        if (expectedVersion === 'any' && attempt < MAX_ANY_ATTEMPTS) continue;
        const actual = versionOfState((error as ClientError).actualState as bigint | 'no_stream');
        const earlier = await this.findPriorAppend(streamId, events, expectedVersion, actual);
        if (earlier) return earlier;
        throw new WrongExpectedVersionError(streamId, expectedVersion, actual);
      }
      const nextVersion = version + events.length;
      const lastPosition = await this.positionAt(streamId, nextVersion);
      this.appended.emit();
      return { nextVersion, lastPosition };
    }
  }

  async appendToStreams(batch: readonly StreamAppend[]): Promise<AppendResult[]> {
    const appends = prepareAppends(batch);
    for (const { streamId } of appends) this.assertOwnStream(streamId);
    if (appends.length === 0) return [];
    for (let attempt = 1; ; attempt++) {
      const tails = await mapLimit(appends, this.readConcurrency, ({ streamId, events }) => this.readTail(streamId, events.length));
      const versions = tails.map((tail) => headOf(tail).nextVersion);
      const conflicts = appends.map(({ expectedVersion }, i) => !isExpectedVersion(expectedVersion, versions[i]!));

      // A retry of a call that is stored already: its events are the streams' last ones, or right after the expectations.
      const found = appends.flatMap(({ events }, i) => refsOf(tails[i]!, events));
      if (conflicts.some(Boolean)) {
        const after = await mapLimit(appends, this.readConcurrency, (append, i) =>
          conflicts[i] ? this.storedAfterExpected(append.streamId, append.events, append.expectedVersion, versions[i]!) : Promise.resolve([]),
        );
        const known = new Set(found.map((ref) => ref.eventId.toLowerCase()));
        for (const ref of after.flat()) if (!known.has(ref.eventId.toLowerCase())) found.push(ref);
      }
      const priors = resolvePriorAppends(appends, found);
      if (priors) return priors.map((prior, i) => prior ?? headOf(tails[i]!));
      const first = conflicts.indexOf(true);
      if (first >= 0) throw new WrongExpectedVersionError(appends[first]!.streamId, appends[first]!.expectedVersion, versions[first]!);

      const writing = appends.flatMap((append, i) => (append.events.length > 0 ? [{ append, version: versions[i]!, head: tails[i]![tails[i]!.length - 1] }] : []));
      if (writing.length === 0) return tails.map(headOf);
      const recordedAt = new Date().toISOString();
      const requests: AppendStreamRequest[] = writing.map(({ append, version, head }) => ({
        streamName: this.nameOf(append.streamId),
        events: this.records(append.streamId, append.events, version, head?.hash ?? '', recordedAt),
        expectedState: streamStateOfVersion(version),
      }));
      try {
        if (requests.length === 1) await this.client.appendToStream(requests[0]!.streamName, requests[0]!.events, { streamState: requests[0]!.expectedState });
        else await this.client.multiStreamAppend(requests);
      } catch (error) {
        if (errorType(error) === 'unsupported') throw new MultiStreamAppendUnsupportedError(requests.length, error);
        if (!isWrongExpectedVersion(error)) throw error;
        // A stream moved after our read. The next round reads again: a numeric expectation that no longer
        // holds is reported then (the first in the order given), and streams expecting 'any' are retried.
        if (attempt < MAX_ANY_ATTEMPTS) continue;
        const named = this.streamIdOf(String((error as ClientError).streamName ?? ''));
        const moved = appends.find((append) => append.streamId === named) ?? appends[0]!;
        throw new WrongExpectedVersionError(moved.streamId, moved.expectedVersion, versionOfState((error as ClientError).actualState as bigint | 'no_stream'));
      }
      const positions = await mapLimit(writing, this.readConcurrency, ({ append, version }) => this.positionAt(append.streamId, version + append.events.length));
      const byStream = new Map(writing.map(({ append, version }, i) => [append.streamId, { nextVersion: version + append.events.length, lastPosition: positions[i]! }]));
      this.appended.emit();
      return appends.map((append, i) => byStream.get(append.streamId) ?? headOf(tails[i]!));
    }
  }

  async readAll({ after = START, limit, types }: ReadAllOptions): Promise<StoredEvent[]> {
    if (!Number.isSafeInteger(limit) || limit < 1) return [];
    const result: StoredEvent[] = [];
    let from = after;
    // Types are filtered here: the server filters `$all` by one thing, and that is our stream prefixes.
    // Reads go on until the page is full or a read returns nothing more, so a short read never ends a page early.
    while (result.length < limit) {
      const page = await this.readAllPage(from, limit - result.length);
      if (page.length === 0) break;
      for (const event of page) if (!types || types.includes(event.type)) result.push(event);
      from = page[page.length - 1]!.globalPosition;
    }
    return result;
  }

  async headPosition(): Promise<GlobalPosition> {
    for await (const resolved of this.client.readAll({ direction: 'backwards', fromPosition: 'end', maxCount: 1, filter: this.filter(), resolveLinkTos: false })) {
      const position = resolved.event?.position;
      if (position) return { commit: position.commit, prepare: position.prepare };
    }
    return START;
  }

  subscribe(options: SubscribeOptions): Subscription {
    const batchSize = options.batchSize ?? 500;
    const subscription = startResumableSubscription<StoredEvent, GlobalPosition>({
      open: (after) => this.openSource(after, Math.max(2 * batchSize, 64)),
      positionOf: (event) => event.globalPosition,
      compare: comparePositions,
      after: options.after ?? START,
      batchSize,
      idleMs: this.options.batchIdleMs ?? 10,
      retryDelayMs: this.options.retryDelayMs ?? 250,
      handler: options.handler,
      onError: options.onError ?? ((error: unknown) => console.error('[event-store] KurrentDB subscription failed, retrying:', error)),
    });
    return this.subscriptions.track(subscription);
  }

  onAppended(listener: () => void): () => void {
    return this.appended.add(listener);
  }

  async close(): Promise<void> {
    await this.subscriptions.stopAll();
    if (this.ownsClient && !this.disposed) {
      this.disposed = true;
      await this.client.dispose();
    }
  }

  private nameOf(streamId: string): string {
    return this.isolationPrefix + streamId;
  }

  private streamIdOf(streamName: string): string {
    return streamName.startsWith(this.isolationPrefix) ? streamName.slice(this.isolationPrefix.length) : streamName;
  }

  private assertOwnStream(streamId: string): void {
    if (!isOwnStream(streamId, this.options.streamPrefixes)) {
      throw new TypeError(`Stream ${streamId} is outside this store's stream prefixes (${this.options.streamPrefixes.join(', ')}): no reader of $all would see its events`);
    }
  }

  private filter(): PrefixesFilter {
    return this.kurrent.streamNameFilter({ prefixes: [...this.prefixes] });
  }

  private decode(recorded: RecordedEvent): StoredEvent {
    return toStoredEvent(recorded, this.streamIdOf(recorded.streamId));
  }

  /** The events of a stream from a revision on, oldest first; a missing (or deleted) stream has none. */
  private async readForward(streamId: string, fromRevision: 'start' | bigint, maxCount?: number): Promise<StoredEvent[]> {
    const events: StoredEvent[] = [];
    try {
      const read = this.client.readStream(this.nameOf(streamId), {
        fromRevision,
        direction: 'forwards',
        resolveLinkTos: false,
        ...(maxCount === undefined ? {} : { maxCount }),
        // From the leader: what an append decides on, and what it reads back, must not come from a lagging follower.
        requiresLeader: true,
      });
      for await (const resolved of read) if (resolved.event) events.push(this.decode(resolved.event));
    } catch (error) {
      if (isStreamGone(error)) return [];
      throw error;
    }
    return events;
  }

  /** The last `count` (at least one) events of a stream, oldest first, from the leader. */
  private async readTail(streamId: string, count: number): Promise<StoredEvent[]> {
    const events: StoredEvent[] = [];
    try {
      const read = this.client.readStream(this.nameOf(streamId), {
        fromRevision: 'end',
        direction: 'backwards',
        maxCount: Math.max(1, count),
        resolveLinkTos: false,
        requiresLeader: true,
      });
      for await (const resolved of read) if (resolved.event) events.push(this.decode(resolved.event));
    } catch (error) {
      if (isStreamGone(error)) return [];
      throw error;
    }
    return events.reverse();
  }

  /** The log position of the event at `version` of a stream, read back from the leader (exact, whatever the append reported). */
  private async positionAt(streamId: string, version: number): Promise<GlobalPosition> {
    const [event] = await this.readForward(streamId, revisionOfVersion(version), 1);
    if (!event || event.streamVersion !== version) throw new Error(`KurrentDB did not return version ${version} of ${streamId} right after appending it`);
    return event.globalPosition;
  }

  /** The stored events with these ids right after a numeric expectation (where a replay of this append would be). */
  private async storedAfterExpected(streamId: string, events: readonly EncodedEvent[], expected: ExpectedVersion, current: number): Promise<StoredEventRef[]> {
    if (events.length === 0 || expected === 'any') return [];
    const from = expected === 'no_stream' ? 0 : expected;
    if (from >= current) return [];
    return refsOf(await this.readForward(streamId, BigInt(from), events.length), events);
  }

  private async findPriorAppend(streamId: string, events: readonly EncodedEvent[], expected: ExpectedVersion, current: number): Promise<AppendResult | undefined> {
    return resolvePriorAppend(streamId, events, await this.storedAfterExpected(streamId, events, expected, current));
  }

  /** Records for an append after `version`, hash-chained from `previousHash`. */
  private records(streamId: string, events: readonly EncodedEvent[], version: number, previousHash: string, recordedAt: string) {
    let previous = previousHash;
    return events.map((event, i) => {
      const { type, dataJson, metadataJson } = event;
      const hash = computeEncodedEventHash({ type, dataJson, metadataJson, streamId, streamVersion: version + i + 1, recordedAt, previousHash: previous });
      const record = toEventData(decodeEvent(event), { recordedAt, previousHash: previous, hash });
      previous = hash;
      return record;
    });
  }

  /** A page of `$all` after `after` (exclusive), filtered to our streams. */
  private async readAllPage(after: GlobalPosition, count: number): Promise<StoredEvent[]> {
    const fromPosition = readPositionAfter(after);
    // The server starts at `fromPosition` inclusively: one more, and the event at `after` is dropped.
    const maxCount = count + (fromPosition === 'start' ? 0 : 1);
    const page: StoredEvent[] = [];
    for await (const resolved of this.client.readAll({ fromPosition, maxCount, direction: 'forwards', filter: this.filter(), resolveLinkTos: false })) {
      if (!resolved.event) continue;
      const event = this.decode(resolved.event);
      if (comparePositions(event.globalPosition, after) > 0 && page.length < count) page.push(event);
    }
    return page;
  }

  private openSource(after: GlobalPosition, highWaterMark: number): ReadableSource<StoredEvent> {
    const subscription = this.client.subscribeToAll({ fromPosition: readPositionAfter(after), filter: this.filter(), resolveLinkTos: false });
    return new ReadableSource<StoredEvent>(
      subscription,
      (item) => {
        const recorded = (item as AllStreamResolvedEvent).event;
        return recorded ? this.decode(recorded) : undefined;
      },
      highWaterMark,
      () => subscription.unsubscribe(),
    );
  }
}
