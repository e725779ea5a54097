import { NaturalBatcher } from './natural-batch';

/** A run that the test finishes by hand, recording each batch it was given. */
function manualRuns<Request>() {
  const batches: Request[][] = [];
  const pending: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  const run = (requests: readonly Request[]) =>
    new Promise<string[]>((resolve, reject) => {
      batches.push([...requests]);
      pending.push({ resolve: () => resolve(requests.map((r) => `answer to ${String(r)}`)), reject });
    });
  return { run, batches, finish: (i: number) => pending[i]!.resolve(), fail: (i: number, error: Error) => pending[i]!.reject(error) };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('NaturalBatcher', () => {
  it('runs a request at once and alone while a slot is free', async () => {
    const runs = manualRuns<string>();
    const batcher = new NaturalBatcher(runs.run, { maxInFlight: 2 });
    const a = batcher.submit('a');
    const b = batcher.submit('b');
    expect(runs.batches).toEqual([['a'], ['b']]);
    runs.finish(0);
    runs.finish(1);
    await expect(Promise.all([a, b])).resolves.toEqual(['answer to a', 'answer to b']);
  });

  it('puts what arrives while every slot is busy into one next run, in arrival order, each getting its own answer', async () => {
    const runs = manualRuns<string>();
    const batcher = new NaturalBatcher(runs.run, { maxInFlight: 1 });
    const first = batcher.submit('a');
    const queued = ['b', 'c', 'd'].map((r) => batcher.submit(r));
    expect(runs.batches).toEqual([['a']]);
    runs.finish(0);
    await first;
    expect(runs.batches).toEqual([['a'], ['b', 'c', 'd']]);
    runs.finish(1);
    await expect(Promise.all(queued)).resolves.toEqual(['answer to b', 'answer to c', 'answer to d']);
  });

  it('fills a batch up to its capacity and leaves the rest queued in order; a heavier request runs alone', async () => {
    const runs = manualRuns<number>();
    const batcher = new NaturalBatcher(runs.run, { maxInFlight: 1, weightOf: (n) => n, maxWeight: 5 });
    const all = [1, 3, 2, 9, 1].map((n) => batcher.submit(n));
    runs.finish(0);
    await flush();
    // [1] ran alone; then 3+2 fill 5, 9 waits (too heavy to join), 1 does not fit either.
    expect(runs.batches).toEqual([[1], [3, 2]]);
    runs.finish(1);
    await flush();
    expect(runs.batches[2]).toEqual([9]);
    runs.finish(2);
    await flush();
    expect(runs.batches[3]).toEqual([1]);
    runs.finish(3);
    await expect(Promise.all(all)).resolves.toHaveLength(5);
  });

  it('keeps a request that may not join for a later run', async () => {
    const runs = manualRuns<string>();
    // Requests name a stream before the colon; two for one stream never share a run.
    const stream = (r: string) => r.split(':')[0];
    const batcher = new NaturalBatcher(runs.run, { maxInFlight: 1, canJoin: (batch, r) => !batch.some((b) => stream(b) === stream(r)) });
    const all = ['x:0', 's:1', 't:1', 's:2', 'u:1'].map((r) => batcher.submit(r));
    runs.finish(0);
    await flush();
    expect(runs.batches[1]).toEqual(['s:1', 't:1', 'u:1']);
    runs.finish(1);
    await flush();
    expect(runs.batches[2]).toEqual(['s:2']);
    runs.finish(2);
    await expect(Promise.all(all)).resolves.toHaveLength(5);
  });

  it('fails every request of a failed run with its error, and goes on with the next ones', async () => {
    const runs = manualRuns<string>();
    const batcher = new NaturalBatcher(runs.run, { maxInFlight: 1 });
    const first = batcher.submit('a');
    const failing = [batcher.submit('b'), batcher.submit('c')];
    runs.finish(0);
    await first;
    const later = batcher.submit('d');
    runs.fail(1, new Error('connection lost'));
    await expect(failing[0]).rejects.toThrow('connection lost');
    await expect(failing[1]).rejects.toThrow('connection lost');
    await flush();
    expect(runs.batches[2]).toEqual(['d']);
    runs.finish(2);
    await expect(later).resolves.toBe('answer to d');
  });

  it('fails the batch when the run throws at once, or answers with the wrong number of results', async () => {
    const throwing = new NaturalBatcher<string, string>(() => {
      throw new Error('bad statement');
    });
    await expect(throwing.submit('a')).rejects.toThrow('bad statement');
    const short = new NaturalBatcher<string, string>(async () => []);
    await expect(short.submit('a')).rejects.toThrow('A batch of 1 requests got 0 results');
  });

  it('never runs more than maxInFlight at once under a burst', async () => {
    let running = 0;
    let most = 0;
    let runsMade = 0;
    const batcher = new NaturalBatcher<number, number>(
      async (requests) => {
        running++;
        runsMade++;
        most = Math.max(most, running);
        await flush();
        running--;
        return requests.map((n) => n * 2);
      },
      { maxInFlight: 2 },
    );
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => batcher.submit(i)));
    expect(answers).toEqual(Array.from({ length: 100 }, (_, i) => i * 2));
    expect(most).toBe(2);
    expect(runsMade).toBeLessThan(10);
  });
});
