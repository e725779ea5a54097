import { isExpectedVersion, prepareEvents, resolvePriorAppend } from './append-rules';
import { computeEventHash } from './hash-chain';
import {
  type AppendResult,
  type EventStore,
  type ExpectedVersion,
  type GlobalPosition,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamResult,
  type StoredEvent,
  type SubscribeOptions,
  type Subscription,
  START,
  WrongExpectedVersionError,
  comparePositions,
} from './port';
import { type CatchUpTiming, Listeners, SubscriptionSet, startCatchUpSubscription } from './subscription';

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
  private readonly wakeUps = new Listeners();
  private readonly subscriptions = new SubscriptionSet();

  constructor(private readonly timing: CatchUpTiming = {}) {}

  async readStream(streamId: string): Promise<ReadStreamResult> {
    const stream = this.streams.get(streamId) ?? [];
    return { events: structuredClone(stream), version: stream.length };
  }

  async appendToStream(streamId: string, newEvents: readonly NewEvent[], options: { expectedVersion: ExpectedVersion }): Promise<AppendResult> {
    const events = prepareEvents(newEvents);
    const stream = this.streams.get(streamId) ?? [];
    const known = events.map((event) => this.byEventId.get(event.metadata.eventId.toLowerCase())).filter((e) => e !== undefined);
    const prior = resolvePriorAppend(
      streamId,
      events,
      known.map((e) => ({ eventId: e.metadata.eventId, streamId: e.streamId, streamVersion: e.streamVersion, globalPosition: e.globalPosition })),
    );
    if (prior) return prior;
    if (!isExpectedVersion(options.expectedVersion, stream.length)) {
      throw new WrongExpectedVersionError(streamId, options.expectedVersion, stream.length);
    }

    const recordedAt = new Date().toISOString();
    for (const event of events) {
      const previous = stream[stream.length - 1];
      const counter = BigInt(this.log.length + 1);
      const unhashed = { ...event, streamId, streamVersion: stream.length + 1, recordedAt, previousHash: previous?.hash ?? '' };
      const stored: StoredEvent = { ...unhashed, globalPosition: { commit: counter, prepare: counter }, hash: computeEventHash(unhashed) };
      stream.push(stored);
      this.log.push(stored);
      this.byEventId.set(event.metadata.eventId.toLowerCase(), stored);
    }
    this.streams.set(streamId, stream);
    if (events.length > 0) {
      this.appended.emit();
      this.wakeUps.emit();
    }
    return { nextVersion: stream.length, lastPosition: stream[stream.length - 1]?.globalPosition ?? START };
  }

  async readAll({ after = START, limit, types }: ReadAllOptions): Promise<StoredEvent[]> {
    const result: StoredEvent[] = [];
    for (let i = this.firstIndexAfter(after); i < this.log.length && result.length < limit; i++) {
      const event = this.log[i]!;
      if (!types || types.includes(event.type)) result.push(event);
    }
    return structuredClone(result);
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
