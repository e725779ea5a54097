import { type StoredEvent } from '@pm/event-store';
import { RecentStates } from '../event-sourcing/recent-states';
import { foldStreams } from './fold-streams';

/** A decider whose state is the list of the event types folded so far. */
const decider = { initialState: (): string[] => [], evolve: (state: string[], event: { type: string }) => [...state, event.type] };
const otherDecider = { ...decider };

const event = (streamId: string, streamVersion: number, type: string): StoredEvent =>
  ({ streamId, streamVersion, type, data: {}, metadata: {}, eventId: `${streamId}-${streamVersion}` }) as unknown as StoredEvent;

describe('foldStreams', () => {
  const stored: Record<string, string[]> = { a: ['A1'], b: ['B1'] };
  const tx = () => {
    const reads: string[][] = [];
    return {
      reads,
      query: async (_text: string, [ids]: [string[]]) => {
        reads.push(ids);
        return { rows: ids.filter((id) => stored[id]).map((id) => ({ stream_id: id, state: stored[id] })) };
      },
    };
  };
  const batch = [event('a', 2, 'A2'), event('b', 2, 'B2'), event('a', 3, 'A3'), event('c', 1, 'C1')];

  it('reads the states of the batch in one query and folds its events onto them, in the order the streams come', async () => {
    const t = tx();
    const folded = await foldStreams(t as never, decider, 'SELECT', batch);
    expect(t.reads).toEqual([['a', 'b', 'c']]);
    expect([...folded].map(([id, f]) => [id, f.state, f.last.streamVersion])).toEqual([
      ['a', ['A1', 'A2', 'A3'], 3],
      ['b', ['B1', 'B2'], 2],
      ['c', ['C1'], 1],
    ]);
  });

  it('takes a state a command just had at the very version, and reads only the others', async () => {
    const recent = new RecentStates();
    recent.remember(decider, 'a', 3, ['from the command']);
    // Another version, or another decider's state, is no use.
    recent.remember(decider, 'b', 1, ['stale']);
    recent.remember(otherDecider, 'c', 1, ['another decider']);
    const t = tx();
    const folded = await foldStreams(t as never, decider, 'SELECT', batch, { recall: (d, id, v) => recent.recall(d, id, v) });
    expect(t.reads).toEqual([['b', 'c']]);
    expect([...folded].map(([id, f]) => [id, f.state])).toEqual([
      ['a', ['from the command']],
      ['b', ['B1', 'B2']],
      ['c', ['C1']],
    ]);
    // Nothing to read when every stream is recalled.
    recent.remember(decider, 'b', 2, ['b from the command']);
    recent.remember(decider, 'c', 1, ['c from the command']);
    const none = tx();
    await foldStreams(none as never, decider, 'SELECT', batch, { recall: (d, id, v) => recent.recall(d, id, v) });
    expect(none.reads).toEqual([]);
  });
});

describe('RecentStates', () => {
  it("keeps each stream's latest state only, never steps back, and forgets the oldest streams beyond its capacity", () => {
    const recent = new RecentStates();
    recent.remember(decider, 's', 2, ['v2']);
    recent.remember(decider, 's', 1, ['v1, finished late']);
    expect(recent.recall(decider, 's', 2)).toEqual(['v2']);
    expect(recent.recall(decider, 's', 1)).toBeUndefined();
    for (let i = 0; i < 5000; i++) recent.remember(decider, `t-${i}`, 1, [i]);
    expect(recent.recall(decider, 's', 2)).toBeUndefined();
    expect(recent.recall(decider, 't-4999', 1)).toEqual([4999]);
  });
});
