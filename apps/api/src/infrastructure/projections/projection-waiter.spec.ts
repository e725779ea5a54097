import { type GlobalPosition } from '@pm/event-store';
import { ProjectionWaiter } from './projection-waiter';

const at = (commit: number): GlobalPosition => ({ commit: BigInt(commit), prepare: BigInt(commit) });
/** Whether the promise has settled by the time the timers and microtasks queued so far have run. */
const settled = async (promise: Promise<void>) => {
  let done = false;
  void promise.then(() => (done = true));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
};

describe('ProjectionWaiter', () => {
  it('does not count a position as reached before the projections said where they stand', async () => {
    const waiter = new ProjectionWaiter();
    // A job that runs while the application still boots: with no projection known yet, it must wait.
    const early = waiter.waitFor(at(5), 10_000);
    expect(await settled(early)).toBe(false);
    waiter.register(new Map([['invoice-list', at(3)], ['audit-trail', at(5)]]));
    expect(await settled(early)).toBe(false);
    waiter.advance('invoice-list', at(5));
    expect(await settled(early)).toBe(true);
  });

  it('answers at once what every projection has, and waits for the slowest one', async () => {
    const waiter = new ProjectionWaiter();
    waiter.register(new Map([['invoice-list', at(7)], ['audit-trail', at(4)]]));
    expect(await settled(waiter.waitFor(at(4)))).toBe(true);
    const later = waiter.waitFor(at(6), 10_000);
    waiter.advance('invoice-list', at(9));
    expect(await settled(later)).toBe(false);
    // Reports never move a projection back (another instance's may arrive late).
    waiter.advance('audit-trail', at(6));
    waiter.advance('audit-trail', at(2));
    expect(await settled(later)).toBe(true);
    expect(await settled(waiter.waitFor(at(6)))).toBe(true);
  });

  it('gives up after the timeout: the write stands, the caller reads what there is', async () => {
    jest.useFakeTimers();
    try {
      const waiter = new ProjectionWaiter();
      (waiter as unknown as { logger: { warn: () => void } }).logger.warn = () => undefined;
      const waiting = waiter.waitFor(at(1), 200);
      jest.advanceTimersByTime(199);
      let done = false;
      void waiting.then(() => (done = true));
      await Promise.resolve();
      expect(done).toBe(false);
      jest.advanceTimersByTime(1);
      await waiting;
    } finally {
      jest.useRealTimers();
    }
  });
});
