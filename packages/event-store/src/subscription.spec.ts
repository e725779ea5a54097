import { type GlobalPosition, type HandlerControl, type ReadAllOptions, type StoredEvent, comparePositions } from './port';
import { newEvent } from './contract/helpers';
import { Listeners, type WakeUp, startCatchUpSubscription } from './subscription';

const at = (n: number): GlobalPosition => ({ commit: BigInt(n), prepare: BigInt(n) });
const event = (n: number): StoredEvent => ({
  streamId: `s-${n}`,
  streamVersion: 1,
  globalPosition: at(n),
  ...newEvent('E'),
  recordedAt: '2026-12-01T10:00:00.000Z',
  previousHash: '',
  hash: `h${n}`,
});
const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('startCatchUpSubscription', () => {
  it('reads again for a wake-up past what it read, or one without a position, but not for events it already has', async () => {
    const log: StoredEvent[] = [event(1), event(2)];
    const reads: string[] = [];
    const readAll = async ({ after = at(-1) }: ReadAllOptions) => {
      reads.push(String(after.prepare));
      return log.filter((e) => comparePositions(e.globalPosition, after) > 0);
    };
    const wakeUps = new Listeners<WakeUp>();
    const received: number[] = [];
    const subscription = startCatchUpSubscription(readAll, wakeUps, { handler: async (batch) => void received.push(...batch.map((e) => Number(e.globalPosition.prepare))) }, { pollIntervalMs: 3_600_000 });
    try {
      await tick();
      expect(reads).toEqual(['-1']);
      // The appends of events 1 and 2 report their commits after the read returned them.
      wakeUps.emit(at(1));
      wakeUps.emit(at(2));
      await tick();
      expect(reads).toEqual(['-1']);
      log.push(event(3));
      wakeUps.emit(at(3));
      await tick();
      expect(reads).toEqual(['-1', '2']);
      log.push(event(4));
      wakeUps.emit(undefined); // another process's NOTIFY: no position
      await tick();
      expect(reads).toEqual(['-1', '2', '3']);
      expect(received).toEqual([1, 2, 3, 4]);
    } finally {
      await subscription.stop();
    }
  });

  it('reads the next batch when the handler asks for it before it is done, and drops it when the handler then fails', async () => {
    const log: StoredEvent[] = [event(1)];
    const events: string[] = [];
    const readAll = async ({ after = at(-1), limit = 500 }: ReadAllOptions) => {
      events.push(`read after ${after.prepare}`);
      return log.filter((e) => comparePositions(e.globalPosition, after) > 0).slice(0, limit);
    };
    const wakeUps = new Listeners<WakeUp>();
    const gates: (() => void)[] = [];
    let failNext = false;
    let lateControl: HandlerControl | undefined;
    const handler = async (batch: StoredEvent[], control?: HandlerControl) => {
      const name = batch.map((e) => e.globalPosition.prepare).join(',');
      events.push(`handle ${name}`);
      // Its work done, only the commit left: the handler lets the next read start.
      await new Promise<void>((resolve) => gates.push(resolve));
      control!.readAhead();
      lateControl = control;
      await new Promise<void>((resolve) => gates.push(resolve));
      if (failNext) {
        failNext = false;
        events.push(`fail ${name}`);
        throw new Error('read model unavailable');
      }
      events.push(`done ${name}`);
    };
    const subscription = startCatchUpSubscription(readAll, wakeUps, { handler, onError: () => undefined }, { pollIntervalMs: 3_600_000, retryDelayMs: 1 });
    const release = async () => {
      gates.shift()!();
      await tick();
    };
    try {
      await tick();
      expect(events).toEqual(['read after -1', 'handle 1']);
      // An append while batch 1 is handled: no read of its own accord, only once the handler asks.
      log.push(event(2));
      wakeUps.emit(at(2));
      await tick();
      expect(events).toHaveLength(2);
      await release();
      expect(events.slice(2)).toEqual(['read after 1']);
      await release();
      expect(events.slice(3)).toEqual(['done 1', 'handle 2']);
      // Read ahead while 2 finishes, then 2 fails: what was read ahead (3) is dropped, 2 is read and handled again.
      log.push(event(3));
      wakeUps.emit(at(3));
      await release();
      expect(events.slice(5)).toEqual(['read after 2']);
      failNext = true;
      await release();
      expect(events.slice(6)).toEqual(['fail 2', 'read after 1', 'handle 2,3']);
      await release();
      await release();
      expect(events.slice(9)).toEqual(['read after 3', 'done 2,3']);
      // A control kept past its batch reads nothing ahead; caught up, nothing is read until something is appended.
      lateControl!.readAhead();
      await tick();
      expect(events).toHaveLength(11);
    } finally {
      gates.forEach((open) => open());
      await subscription.stop();
    }
  });

  it('reads ahead while catching up in full batches, each event handed over once and in order', async () => {
    const log = Array.from({ length: 10 }, (_, i) => event(i + 1));
    let reading = 0;
    let overlapped = 0;
    const readAll = async ({ after = at(-1), limit = 500 }: ReadAllOptions) => {
      reading++;
      await tick();
      reading--;
      return log.filter((e) => comparePositions(e.globalPosition, after) > 0).slice(0, limit);
    };
    const received: number[] = [];
    const subscription = startCatchUpSubscription(
      readAll,
      new Listeners<WakeUp>(),
      {
        batchSize: 3,
        handler: async (batch) => {
          // The next full batch is being read while this one is handled.
          if (reading > 0) overlapped++;
          await tick();
          received.push(...batch.map((e) => Number(e.globalPosition.prepare)));
        },
      },
      { pollIntervalMs: 3_600_000 },
    );
    try {
      for (let i = 0; i < 50 && received.length < 10; i++) await tick();
      expect(received).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(overlapped).toBeGreaterThanOrEqual(3);
    } finally {
      await subscription.stop();
    }
  });
});
