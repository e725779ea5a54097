import { type GlobalPosition, type ReadAllOptions, type StoredEvent, comparePositions } from './port';
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
});
