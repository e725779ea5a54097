/**
 * A push subscription turned into the port's `subscribe`: batches in order, with backpressure, resumed after
 * errors from the last delivered position. This is the part of the KurrentDB adapter's catch-up subscription
 * that needs no server, so it is tested with plain Node streams (`resumable-subscription.spec.ts`).
 *
 * - A source is opened from a position and pushes items (a KurrentDB `subscribeToAll` is a Readable).
 *   `ReadableSource` buffers them and pauses the readable when the buffer is full, so a slow handler holds
 *   the server back instead of filling memory.
 * - A batch is what is buffered, up to `batchSize`; when the buffer runs dry the batch waits up to `idleMs`
 *   for more before it is handed over (catch-up fills whole batches; a live event waits at most `idleMs`).
 * - The handler runs on one batch at a time; the subscription moves on only once it resolves. A failing
 *   handler is reported to `onError` and the same batch is retried after a growing pause.
 * - A failing or ending source (connection lost, subscription dropped by the server) is reported, closed, and
 *   opened again after a growing pause from the position of the last item delivered. Items at or before that
 *   position are dropped, so a source that resumes inclusively never delivers anything twice, and nothing
 *   after it is skipped, since the source restarts from there.
 * - `stop()` ends waiting and pauses at once, waits for a running handler, and closes the source.
 */
/** What ReadableSource uses of an object-mode Readable (a KurrentDB subscription is one). */
export interface PushStream {
  on(event: 'data' | 'error' | 'end' | 'close', listener: (...args: never[]) => void): unknown;
  pause(): unknown;
  resume(): unknown;
  isPaused(): boolean;
  destroy(): unknown;
}

export interface BufferedSource<T> {
  /** Items buffered now. */
  readonly buffered: number;
  /** The source failed (`failure` says why) or ended: nothing more will be buffered. */
  readonly done: boolean;
  readonly failure: unknown;
  /** Resolves when an item is buffered, the source is done, `timeoutMs` passed (default: never), or `interrupt()` is called. */
  wait(timeoutMs?: number): Promise<void>;
  /** Takes up to `max` buffered items, in order. */
  take(max: number): T[];
  /** Resolves a pending `wait()` now. */
  interrupt(): void;
  close(): Promise<void>;
}

/** A BufferedSource over an object-mode Readable: pauses it while `highWaterMark` items are buffered. */
export class ReadableSource<T> implements BufferedSource<T> {
  private readonly items: T[] = [];
  private ended = false;
  private failed = false;
  private error: unknown;
  private waiter: (() => void) | undefined;
  private closed = false;

  constructor(
    private readonly readable: PushStream,
    /** Turns a pushed item into T; `undefined` skips it. A throw fails the source. */
    private readonly map: (item: never) => T | undefined,
    private readonly highWaterMark: number,
    /** Called once by `close()`, before the readable is destroyed (e.g. to cancel the server-side subscription). */
    private readonly onClose: () => Promise<void> = async () => undefined,
  ) {
    readable.on('data', (item: never) => {
      if (this.done) return;
      try {
        const mapped = this.map(item);
        if (mapped !== undefined) this.items.push(mapped);
      } catch (error) {
        this.fail(error);
        return;
      }
      if (this.items.length >= this.highWaterMark) this.readable.pause();
      this.wake();
    });
    // Also after close(): an error emitted without a listener would crash the process.
    readable.on('error', (error: unknown) => this.fail(error));
    readable.on('end', () => this.end());
    readable.on('close', () => this.end());
  }

  get buffered(): number {
    return this.items.length;
  }

  get done(): boolean {
    return this.ended || this.failed;
  }

  get failure(): unknown {
    return this.error;
  }

  wait(timeoutMs?: number): Promise<void> {
    if (this.items.length > 0 || this.done) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = timeoutMs === undefined ? undefined : setTimeout(finish, timeoutMs);
      const previous = this.waiter;
      this.waiter = finish;
      function finish(): void {
        if (timer) clearTimeout(timer);
        previous?.();
        resolve();
      }
    });
  }

  take(max: number): T[] {
    const taken = this.items.splice(0, Math.max(0, max));
    // Resume once half the buffer is free again (not at every item: fewer pause/resume flips).
    if (!this.done && this.readable.isPaused() && this.items.length <= this.highWaterMark / 2) this.readable.resume();
    return taken;
  }

  interrupt(): void {
    this.wake();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.ended = true;
    this.wake();
    try {
      await this.onClose();
    } catch {
      // Closing a source that already failed may fail again; there is nothing left to do about it.
    }
    this.readable.destroy();
  }

  private fail(error: unknown): void {
    if (this.done) return;
    this.failed = true;
    this.error = error;
    this.wake();
  }

  private end(): void {
    if (this.done) return;
    this.ended = true;
    this.wake();
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }
}

export class SourceEndedError extends Error {
  constructor() {
    super('The subscription ended without an error; resubscribing');
    this.name = 'SourceEndedError';
  }
}

export interface ResumableSubscriptionOptions<T, P> {
  /** Opens the source from a position: items strictly after it are wanted (items at or before it are dropped). */
  open(after: P): BufferedSource<T> | Promise<BufferedSource<T>>;
  positionOf(item: T): P;
  compare(a: P, b: P): number;
  after: P;
  batchSize: number;
  /** How long a started batch waits for more once nothing is buffered. */
  idleMs: number;
  handler(batch: T[]): Promise<void>;
  /** Handler failures and source failures (then the source is opened again). */
  onError(error: unknown): void;
  /** First pause after a failure; doubles per consecutive failure up to `maxRetryDelayMs`. */
  retryDelayMs: number;
  maxRetryDelayMs?: number;
}

export function startResumableSubscription<T, P>(options: ResumableSubscriptionOptions<T, P>): { stop(): Promise<void> } {
  const { batchSize, idleMs, retryDelayMs } = options;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 30_000;
  let stopped = false;
  let source: BufferedSource<T> | undefined;
  let interruptSleep: (() => void) | undefined;

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      if (stopped) return resolve();
      const timer = setTimeout(done, ms);
      interruptSleep = done;
      function done(): void {
        clearTimeout(timer);
        interruptSleep = undefined;
        resolve();
      }
    });
  const delay = (failures: number) => Math.min(retryDelayMs * 2 ** Math.max(0, failures - 1), maxRetryDelayMs);
  const report = (error: unknown): void => {
    try {
      options.onError(error);
    } catch {
      // Reporting must not end the subscription.
    }
  };

  /** The next batch: what is buffered, topped up while more arrives within `idleMs`. Throws when the source is done and empty. */
  async function collect(from: BufferedSource<T>): Promise<T[]> {
    await from.wait();
    if (stopped) return [];
    const items = from.take(batchSize);
    while (items.length > 0 && items.length < batchSize && !stopped) {
      if (from.buffered === 0) {
        if (from.done) break;
        await from.wait(idleMs);
        if (from.buffered === 0) break;
      }
      items.push(...from.take(batchSize - items.length));
    }
    if (items.length === 0 && !stopped) throw from.failure ?? new SourceEndedError();
    return items;
  }

  /** Hands the batch to the handler until it succeeds; false when stopped before that. */
  async function deliver(batch: T[]): Promise<boolean> {
    for (let attempt = 1; !stopped; attempt++) {
      try {
        await options.handler(batch);
        return true;
      } catch (error) {
        report(error);
        await sleep(delay(attempt));
      }
    }
    return false;
  }

  const loop = (async () => {
    let position = options.after;
    let failures = 0;
    while (!stopped) {
      try {
        source = await options.open(position);
      } catch (error) {
        report(error);
        await sleep(delay(++failures));
        continue;
      }
      try {
        while (!stopped) {
          const batch = await collect(source);
          // A batch taken while stopping is not handed over: whoever resumes from the checkpoint reads it again.
          if (stopped) break;
          const fresh = batch.filter((item) => options.compare(options.positionOf(item), position) > 0);
          if (fresh.length === 0) continue;
          if (!(await deliver(fresh))) break;
          position = options.positionOf(fresh[fresh.length - 1]!);
          failures = 0;
        }
      } catch (error) {
        if (!stopped) {
          report(error);
          await sleep(delay(++failures));
        }
      } finally {
        const closing = source;
        source = undefined;
        await closing.close().catch(() => undefined);
      }
    }
  })();

  return {
    async stop() {
      stopped = true;
      interruptSleep?.();
      source?.interrupt();
      await loop;
    },
  };
}
