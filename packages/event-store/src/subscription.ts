import { type GlobalPosition, type HandlerControl, type ReadAllOptions, type StoredEvent, type SubscribeOptions, type Subscription, START, comparePositions } from './port';

/** A set of callbacks; a throwing callback does not stop the others (they are hints, not work). */
export class Listeners<T = void> {
  private readonly callbacks = new Set<(value: T) => void>();

  add(callback: (value: T) => void): () => void {
    this.callbacks.add(callback);
    return () => void this.callbacks.delete(callback);
  }

  emit(value: T): void {
    for (const callback of this.callbacks) {
      try {
        callback(value);
      } catch (error) {
        console.warn('[event-store] append listener failed:', error);
      }
    }
  }
}

export interface CatchUpTiming {
  /** Fallback poll while caught up, for wake-ups that never come (other processes, PGlite). Default 500 ms. */
  pollIntervalMs?: number;
  /** First pause after a failed batch; doubles per consecutive failure up to 30 s. Default 250 ms. */
  retryDelayMs?: number;
}

const MAX_RETRY_DELAY_MS = 30_000;

/** A wake-up for subscriptions: the position of the last event appended, when known (else: something may be new). */
export type WakeUp = GlobalPosition | undefined;

/**
 * The catch-up loop shared by every adapter: read a batch after the position, hand it to the handler, move on;
 * when caught up, sleep until a wake-up or the poll interval. A failed read or handler is reported to
 * `onError` and the same batch is retried after a backoff, so delivery is at-least-once and in order.
 *
 * The handler may start the next read before it is done (`control.readAhead()`, when what is left of its work
 * is waiting for its commit): reading then no longer adds to the time between two batches. Not on its own
 * accord: a read started at once would find only what was appended in the first moments, and the batches would
 * shrink. A full batch (catching up) has the next one read ahead anyway. When the handler fails, what was read
 * ahead is dropped and the batch is read again.
 */
export function startCatchUpSubscription(
  readAll: (options: ReadAllOptions) => Promise<StoredEvent[]>,
  wakeUps: Listeners<WakeUp>,
  options: SubscribeOptions,
  timing: CatchUpTiming = {},
): Subscription {
  const batchSize = options.batchSize ?? 500;
  const pollIntervalMs = timing.pollIntervalMs ?? 500;
  const retryDelayMs = timing.retryDelayMs ?? 250;
  const onError = options.onError ?? ((error: unknown) => console.error('[event-store] subscription failed, retrying:', error));

  let stopped = false;
  // Set by a wake-up that arrives while a batch is being read or handled, so it is not lost before the next sleep.
  let pending = false;
  let interrupt: (() => void) | undefined;
  const sleep = (ms: number, wakeable: boolean): Promise<void> =>
    new Promise((resolve) => {
      if (stopped || (wakeable && pending)) return resolve();
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        interrupt = undefined;
        resolve();
      }
      interrupt = () => (stopped || wakeable) && done();
    });
  let position = options.after ?? START;
  /** The last position a read returned (a failed batch is retried whatever wakes it). */
  let read = position;
  /** The next batch, read while the handler finishes this one. */
  let ahead: Promise<StoredEvent[]> | undefined;
  const readAhead = () => {
    if (ahead || stopped) return;
    // Wake-ups from here on may be for events this read misses: they count for the next one.
    pending = false;
    ahead = readAll({ after: read, limit: batchSize });
    // Awaited when its turn comes, or dropped: never an unhandled rejection.
    ahead.catch(() => undefined);
  };
  const unsubscribe = wakeUps.add((appended) => {
    // Under load a read often returns events whose appends report their commit only afterwards: no new read for those.
    if (appended && comparePositions(appended, read) <= 0) return;
    pending = true;
    interrupt?.();
  });

  const loop = (async () => {
    let failures = 0;
    while (!stopped) {
      let batch: StoredEvent[];
      try {
        if (ahead) {
          const next = ahead;
          ahead = undefined;
          batch = await next;
        } else {
          pending = false;
          batch = await readAll({ after: position, limit: batchSize });
        }
        if (batch.length > 0) {
          read = batch[batch.length - 1]!.globalPosition;
          if (batch.length === batchSize) readAhead();
          // Valid for this batch only: a late call from a handler that already returned reads nothing ahead.
          let current = true;
          const control: HandlerControl = { readAhead: () => current && readAhead() };
          try {
            await options.handler(batch, control);
          } finally {
            current = false;
          }
        }
      } catch (error) {
        // The batch is retried from `position`: what was read after it is read again then.
        ahead = undefined;
        read = position;
        failures++;
        try {
          onError(error);
        } catch {
          // The error callback is for reporting; its own failure must not kill the subscription.
        }
        await sleep(Math.min(retryDelayMs * 2 ** (failures - 1), MAX_RETRY_DELAY_MS), false);
        continue;
      }
      failures = 0;
      if (batch.length > 0) position = batch[batch.length - 1]!.globalPosition;
      // A subscription catching up must not starve the rest of the process (on PGlite a query resolves in
      // the same turn of the event loop): give other work its turn between batches.
      if (batch.length === batchSize) await new Promise((resolve) => setImmediate(resolve));
      // Caught up, unless a read is already ahead: sleep until a wake-up or the poll.
      if (batch.length < batchSize && !ahead) await sleep(pollIntervalMs, true);
    }
  })();

  return {
    async stop() {
      stopped = true;
      interrupt?.();
      await loop;
      // A read still ahead finishes before the store may close its connections (its result is not wanted).
      await ahead?.catch(() => undefined);
      unsubscribe();
    },
  };
}

/** The subscriptions a store has handed out, so that `close()` can stop them all. */
export class SubscriptionSet {
  private readonly active = new Set<Subscription>();

  track(subscription: Subscription): Subscription {
    this.active.add(subscription);
    return {
      stop: async () => {
        this.active.delete(subscription);
        await subscription.stop();
      },
    };
  }

  async stopAll(): Promise<void> {
    const all = [...this.active];
    this.active.clear();
    await Promise.all(all.map((subscription) => subscription.stop()));
  }
}
