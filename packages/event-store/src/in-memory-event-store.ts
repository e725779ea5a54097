import { decodeEvent, isExpectedVersion, prepareAppends, resolvePriorAppends } from './append-rules';
import { computeEncodedEventHash } from './hash-chain';
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
import { type CatchUpTiming, Listeners, SubscriptionSet, type WakeUp, startCatchUpSubscription } from './subscription';

/**
 * For fast tests. Both halves of a global position are the same counter (1, 2, 3, …). Appends run without an
 * `await` between check and write, so they are atomic. Events are copied in and out: callers cannot change
 * what the store holds.
 */
export class InMemoryEventStore implements EventStore {
  private readonly log: StoredEvent[] = [];
  private readonly streams = new Map<string, StoredEvent[]>();
  private readonly byEventId = new Map<string, StoredEvent>();
  private readonly appended = new Listeners();
  private readonly wakeUps = new Listeners<WakeUp>();
  private readonly subscriptions = new SubscriptionSet();

  constructor(private readonly timing: CatchUpTiming = {}) {}

  async readStream(streamId: string): Promise<ReadStreamResult> {
    const stream = this.streams.get(streamId) ?? [];
    return { events: structuredClone(stream), version: stream.length };
  }

  async readStreams(streamIds: readonly string[]): Promise<Map<string, ReadStreamResult>> {
    const result = new Map<string, ReadStreamResult>();
    for (const streamId of streamIds) {
      const stream = this.streams.get(streamId) ?? [];
      if (!result.has(streamId)) result.set(streamId, { events: structuredClone(stream), version: stream.length });
    }
    return result;
  }

  async appendToStream(streamId: string, events: readonly NewEvent[], { expectedVersion }: { expectedVersion: ExpectedVersion }): Promise<AppendResult> {
    const [result] = await this.appendToStreams([{ streamId, events, expectedVersion }]);
    return result!;
  }

  async appendToStreams(batch: readonly StreamAppend[]): Promise<AppendResult[]> {
    const appends = prepareAppends(batch);
    const known = appends.flatMap(({ events }) => events.flatMap((event) => this.byEventId.get(event.eventId.toLowerCase()) ?? []));
    const priors = resolvePriorAppends(
      appends,
      known.map((e) => ({ eventId: e.metadata.eventId, streamId: e.streamId, streamVersion: e.streamVersion, globalPosition: e.globalPosition })),
    );
    if (priors) return priors.map((prior, i) => prior ?? this.head(appends[i]!.streamId));
    // Check every stream before writing any: the call is all or nothing.
    for (const { streamId, expectedVersion } of appends) {
      const version = this.streams.get(streamId)?.length ?? 0;
      if (!isExpectedVersion(expectedVersion, version)) throw new WrongExpectedVersionError(streamId, expectedVersion, version);
    }

    const recordedAt = new Date().toISOString();
    const results = appends.map(({ streamId, events }) => {
      const stream = this.streams.get(streamId) ?? [];
      for (const event of events) {
        const previous = stream[stream.length - 1];
        const counter = BigInt(this.log.length + 1);
        const unhashed = { streamId, streamVersion: stream.length + 1, recordedAt, previousHash: previous?.hash ?? '' };
        const hash = computeEncodedEventHash({ ...unhashed, type: event.type, dataJson: event.dataJson, metadataJson: event.metadataJson });
        const stored: StoredEvent = { ...decodeEvent(event), ...unhashed, globalPosition: { commit: counter, prepare: counter }, hash };
        stream.push(stored);
        this.log.push(stored);
        this.byEventId.set(event.eventId.toLowerCase(), stored);
      }
      if (stream.length > 0) this.streams.set(streamId, stream);
      return this.head(streamId);
    });
    if (appends.some(({ events }) => events.length > 0)) {
      this.appended.emit();
      this.wakeUps.emit(undefined);
    }
    return results;
  }

  async readAll({ after = START, limit, types }: ReadAllOptions): Promise<StoredEvent[]> {
    const result: StoredEvent[] = [];
    for (let i = this.firstIndexAfter(after); i < this.log.length && result.length < limit; i++) {
      const event = this.log[i]!;
      if (!types || types.includes(event.type)) result.push(event);
    }
    return structuredClone(result);
  }

  async headPosition(): Promise<GlobalPosition> {
    return this.log[this.log.length - 1]?.globalPosition ?? START;
  }

  subscribe(options: SubscribeOptions): Subscription {
    return this.subscriptions.track(startCatchUpSubscription((o) => this.readAll(o), this.wakeUps, options, this.timing));
  }

  onAppended(listener: () => void): () => void {
    return this.appended.add(listener);
  }

  async close(): Promise<void> {
    await this.subscriptions.stopAll();
  }

  private head(streamId: string): AppendResult {
    const stream = this.streams.get(streamId) ?? [];
    return { nextVersion: stream.length, lastPosition: stream[stream.length - 1]?.globalPosition ?? START };
  }

  /** Binary search: the log is in position order. */
  private firstIndexAfter(after: GlobalPosition): number {
    let low = 0;
    let high = this.log.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (comparePositions(this.log[mid]!.globalPosition, after) <= 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
