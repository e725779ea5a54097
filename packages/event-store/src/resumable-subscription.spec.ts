/**
 * The batching, backpressure and resume logic of the KurrentDB adapter's subscription, on plain Node
 * object-mode streams standing in for `subscribeToAll` (no server: what the server does is the contract
 * suite's business, in contract/kurrentdb.spec.ts).
 */
import { Readable } from 'node:stream';
import { deferred, eventually, sleep } from './contract/helpers';
import { ReadableSource, type ResumableSubscriptionOptions, startResumableSubscription } from './resumable-subscription';

interface Item {
  pos: number;
}

/** A fake subscription: the test pushes items or errors into it. */
class FakeSubscription {
  readonly readable = new Readable({ objectMode: true, highWaterMark: 4, read: () => undefined });
  unsubscribed = false;
  push(...positions: number[]): void {
    for (const pos of positions) this.readable.push({ pos });
  }
  fail(message = 'connection lost'): void {
    this.readable.destroy(new Error(message));
  }
  end(): void {
    this.readable.push(null);
  }
}

/** Each open() makes a new fake subscription from the position asked for; the test drives them. */
function fakeServer() {
  const opened: { after: number; subscription: FakeSubscription }[] = [];
  return {
    opened,
    open(after: number) {
      const subscription = new FakeSubscription();
      opened.push({ after, subscription });
      return new ReadableSource<Item>(subscription.readable, (item: Item) => item, 8, async () => void (subscription.unsubscribed = true));
    },
    latest: () => opened[opened.length - 1]!.subscription,
  };
}

function options(server: ReturnType<typeof fakeServer>, overrides: Partial<ResumableSubscriptionOptions<Item, number>> = {}): ResumableSubscriptionOptions<Item, number> {
  return {
    open: (after) => server.open(after),
    positionOf: (item) => item.pos,
    compare: (a, b) => a - b,
    after: 0,
    batchSize: 4,
    idleMs: 5,
    retryDelayMs: 5,
    handler: async () => undefined,
    onError: () => undefined,
    ...overrides,
  };
}

const positions = (batches: Item[][]) => batches.map((batch) => batch.map((item) => item.pos));

describe('resumable subscription (the KurrentDB adapter’s subscribe, without a server)', () => {
  it('delivers what arrives in batches of at most batchSize, in order, and waits briefly for more before handing a short one over', async () => {
    const server = fakeServer();
    const batches: Item[][] = [];
    const subscription = startResumableSubscription(options(server, { handler: async (batch) => void batches.push(batch) }));
    await eventually(() => expect(server.opened).toHaveLength(1));
    server.latest().push(1, 2, 3, 4, 5, 6);
    await eventually(() => expect(positions(batches)).toEqual([[1, 2, 3, 4], [5, 6]]));
    // A live event arriving within the idle wait joins the batch; one after it starts the next.
    server.latest().push(7);
    await sleep(1);
    server.latest().push(8);
    await eventually(() => expect(positions(batches).flat()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]));
    await sleep(20);
    server.latest().push(9);
    await eventually(() => expect(positions(batches).at(-1)).toEqual([9]));
    await subscription.stop();
    expect(server.latest().unsubscribed).toBe(true);
  });

  it('holds the source back while the handler is busy (backpressure) and resumes it once the buffer drains', async () => {
    const server = fakeServer();
    const release = deferred();
    const handled: number[] = [];
    const subscription = startResumableSubscription(
      options(server, {
        handler: async (batch) => {
          await release.promise;
          handled.push(...batch.map((item) => item.pos));
        },
      }),
    );
    await eventually(() => expect(server.opened).toHaveLength(1));
    const fake = server.latest();
    fake.push(...Array.from({ length: 40 }, (_, i) => i + 1));
    await eventually(() => expect(fake.readable.isPaused()).toBe(true));
    expect(handled).toEqual([]);
    release.resolve();
    await eventually(() => expect(handled).toEqual(Array.from({ length: 40 }, (_, i) => i + 1)));
    expect(fake.readable.isPaused()).toBe(false);
    await subscription.stop();
  });

  it('reports a failing handler and retries the same batch, then goes on', async () => {
    const server = fakeServer();
    const attempts: number[][] = [];
    const errors: unknown[] = [];
    const subscription = startResumableSubscription(
      options(server, {
        handler: async (batch) => {
          attempts.push(batch.map((item) => item.pos));
          if (attempts.length <= 2) throw new Error('read model unavailable');
        },
        onError: (error) => errors.push(error),
      }),
    );
    await eventually(() => expect(server.opened).toHaveLength(1));
    server.latest().push(1, 2);
    await eventually(() => expect(attempts).toHaveLength(3));
    expect(attempts).toEqual([[1, 2], [1, 2], [1, 2]]);
    expect(errors).toEqual([new Error('read model unavailable'), new Error('read model unavailable')]);
    server.latest().push(3);
    await eventually(() => expect(attempts.at(-1)).toEqual([3]));
    expect(server.opened).toHaveLength(1);
    await subscription.stop();
  });

  it('after a lost connection resubscribes from the last delivered position: nothing skipped, nothing delivered twice', async () => {
    const server = fakeServer();
    const delivered: number[] = [];
    const errors: string[] = [];
    const subscription = startResumableSubscription(
      options(server, { after: 10, handler: async (batch) => void delivered.push(...batch.map((item) => item.pos)), onError: (error) => errors.push((error as Error).message) }),
    );
    await eventually(() => expect(server.opened).toHaveLength(1));
    server.latest().push(11, 12, 13);
    await eventually(() => expect(delivered).toEqual([11, 12, 13]));
    server.latest().fail('connection lost');
    await eventually(() => expect(server.opened).toHaveLength(2));
    expect(server.opened.map((o) => o.after)).toEqual([10, 13]);
    expect(server.opened[0]!.subscription.unsubscribed).toBe(true);
    // The server resumes inclusively (13 again) and goes on: 13 is not delivered twice.
    server.latest().push(13, 14, 15);
    await eventually(() => expect(delivered).toEqual([11, 12, 13, 14, 15]));
    // A subscription the server ends (dropped) is opened again as well.
    server.latest().end();
    await eventually(() => expect(server.opened).toHaveLength(3));
    expect(server.opened[2]!.after).toBe(15);
    server.latest().push(16);
    await eventually(() => expect(delivered).toEqual([11, 12, 13, 14, 15, 16]));
    expect(errors[0]).toBe('connection lost');
    expect(errors[1]).toMatch(/ended without an error/);
    await subscription.stop();
  });

  it('delivers the events that arrived before a failure, then resumes after them', async () => {
    const server = fakeServer();
    const delivered: number[] = [];
    const subscription = startResumableSubscription(options(server, { batchSize: 100, handler: async (batch) => void delivered.push(...batch.map((item) => item.pos)) }));
    await eventually(() => expect(server.opened).toHaveLength(1));
    server.latest().push(1, 2);
    server.latest().fail();
    await eventually(() => expect(server.opened).toHaveLength(2));
    expect(delivered).toEqual([1, 2]);
    expect(server.opened[1]!.after).toBe(2);
    await subscription.stop();
  });

  it('keeps trying to open the source, with growing pauses, reporting each failure', async () => {
    let attempts = 0;
    const errors: unknown[] = [];
    const server = fakeServer();
    const delivered: number[] = [];
    const subscription = startResumableSubscription(
      options(server, {
        open: (after) => {
          if (++attempts <= 3) throw new Error(`unavailable ${attempts}`);
          return server.open(after);
        },
        onError: (error) => errors.push(error),
        handler: async (batch) => void delivered.push(...batch.map((item) => item.pos)),
      }),
    );
    await eventually(() => expect(server.opened).toHaveLength(1));
    expect(errors).toEqual([new Error('unavailable 1'), new Error('unavailable 2'), new Error('unavailable 3')]);
    server.latest().push(1);
    await eventually(() => expect(delivered).toEqual([1]));
    await subscription.stop();
  });

  it('fails the source when an item cannot be decoded, and resubscribes from before it', async () => {
    const opened: number[] = [];
    let fake: FakeSubscription | undefined;
    const errors: string[] = [];
    const delivered: number[] = [];
    let poisoned = true;
    const subscription = startResumableSubscription(
      options({} as ReturnType<typeof fakeServer>, {
        open: (after) => {
          opened.push(after);
          fake = new FakeSubscription();
          return new ReadableSource<Item>(
            fake.readable,
            (item: Item) => {
              if (item.pos === 2 && poisoned) throw new Error('undecodable');
              return item.pos === 99 ? undefined : item;
            },
            8,
          );
        },
        onError: (error) => errors.push((error as Error).message),
        handler: async (batch) => void delivered.push(...batch.map((item) => item.pos)),
      }),
    );
    await eventually(() => expect(opened).toHaveLength(1));
    fake!.push(1, 99, 2);
    await eventually(() => expect(opened).toEqual([0, 1]));
    expect(delivered).toEqual([1]);
    expect(errors).toEqual(['undecodable']);
    poisoned = false;
    fake!.push(2, 3);
    await eventually(() => expect(delivered).toEqual([1, 2, 3]));
    await subscription.stop();
  });

  it('stop waits for a running handler, then delivers nothing more and closes the source', async () => {
    const server = fakeServer();
    const entered = deferred();
    const release = deferred();
    let handled = 0;
    const subscription = startResumableSubscription(
      options(server, {
        handler: async () => {
          entered.resolve();
          await release.promise;
          handled++;
        },
      }),
    );
    await eventually(() => expect(server.opened).toHaveLength(1));
    server.latest().push(1);
    await entered.promise;
    let stopped = false;
    const stopping = subscription.stop().then(() => (stopped = true));
    await sleep(20);
    expect(stopped).toBe(false);
    release.resolve();
    await stopping;
    expect(handled).toBe(1);
    expect(server.latest().unsubscribed).toBe(true);
    server.latest().push(2);
    await sleep(20);
    expect(handled).toBe(1);
  });

  it('stops at once while idle, while retrying a handler, and while waiting to reconnect', async () => {
    const idle = fakeServer();
    const a = startResumableSubscription(options(idle));
    await eventually(() => expect(idle.opened).toHaveLength(1));
    let started = Date.now();
    await a.stop();
    expect(Date.now() - started).toBeLessThan(100);

    const failing = fakeServer();
    const b = startResumableSubscription(options(failing, { retryDelayMs: 60_000, handler: async () => Promise.reject(new Error('down')) }));
    await eventually(() => expect(failing.opened).toHaveLength(1));
    failing.latest().push(1);
    await sleep(20);
    started = Date.now();
    await b.stop();
    expect(Date.now() - started).toBeLessThan(100);

    const c = startResumableSubscription(options(fakeServer(), { retryDelayMs: 60_000, open: () => Promise.reject(new Error('unavailable')) }));
    await sleep(20);
    started = Date.now();
    await c.stop();
    expect(Date.now() - started).toBeLessThan(100);
  });
});
