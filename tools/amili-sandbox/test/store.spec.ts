/** The state store: group commit, what answers is on disk (snapshot + journal), a failing transaction undoes only itself. */
import { appendFile, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type SandboxState } from '../src/state/types';
import { loadState, StateStore } from '../src/state/store';
import { tempDir } from './helpers';

/** The state as a restart would find it: the snapshot and the journal. */
const onDisk = async (dir: string): Promise<SandboxState> => (await loadState(dir)).state;

describe('the state store', () => {
  let dir: string;
  const stores: StateStore[] = [];
  const openStore = async (): Promise<StateStore> => {
    const store = await StateStore.open(dir);
    stores.push(store);
    return store;
  };
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close().catch(() => undefined)));
    await rm(dir, { recursive: true, force: true });
  });

  it('answers each of many concurrent transactions only once its change is on disk, and keeps them all', async () => {
    const store = await openStore();
    const seenOnDisk: number[] = [];
    const results = await Promise.all(
      Array.from({ length: 200 }, () =>
        store
          .transaction((tx) => ++tx.state.ocrSequence)
          .then(async (sequence) => {
            seenOnDisk.push((await onDisk(dir)).ocrSequence >= sequence ? 1 : 0);
            return sequence;
          }),
      ),
    );
    expect(results.sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(seenOnDisk.every((yes) => yes === 1)).toBe(true);
    expect((await onDisk(dir)).ocrSequence).toBe(200);
    const reopened = await openStore();
    expect(reopened.state.ocrSequence).toBe(200);
    // The restart folded the journal into the snapshot.
    expect(JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')).ocrSequence).toBe(200);
    expect((await stat(join(dir, 'state.journal'))).size).toBe(0);
  });

  it('undoes a transaction that throws halfway, and only that one, however its group was formed', async () => {
    const store = await openStore();
    const told: number[] = [];
    store.onCommit((tx) => told.push(tx.state.ocrSequence));
    const before = store.transaction((tx) => ++tx.state.ocrSequence);
    const failing = store.transaction((tx) => {
      tx.state.payoutSequence = 99;
      tx.state.ocrSequence += 10;
      throw new Error('halfway');
    });
    const after = store.transaction((tx) => ++tx.state.ocrSequence);
    await expect(failing).rejects.toThrow('halfway');
    expect(await before).toBe(1);
    expect(await after).toBe(2);
    expect(store.state).toMatchObject({ ocrSequence: 2, payoutSequence: 0 });
    expect(await onDisk(dir)).toMatchObject({ ocrSequence: 2, payoutSequence: 0 });
    // The listeners heard the two that committed (after the write, so seeing the state as saved), not the one that failed.
    expect(told).toEqual([2, 2]);
  });

  it('refuses the whole group when its write fails, and commits again once the disk takes writes', async () => {
    const store = await openStore();
    await store.transaction((tx) => void (tx.state.ocrSequence = 5));
    // The disk is full for one write (half a line gets written): the journal is cut back to its last whole line.
    const journal = (store as unknown as { journal: { write: (text: string) => Promise<unknown> } }).journal;
    const write = journal.write.bind(journal);
    const failing = jest.spyOn(journal, 'write').mockImplementationOnce(async (text: string) => {
      await write(text.slice(0, 10));
      throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    });
    const group = [store.transaction((tx) => ++tx.state.ocrSequence), store.transaction((tx) => ++tx.state.ocrSequence)];
    const outcomes = await Promise.allSettled(group);
    failing.mockRestore();
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(store.state.ocrSequence).toBe(5);
    expect((await onDisk(dir)).ocrSequence).toBe(5);
    expect(await store.transaction((tx) => ++tx.state.ocrSequence)).toBe(6);
    expect((await onDisk(dir)).ocrSequence).toBe(6);
  });

  it('saves nothing more once the journal cannot be cut back after a failed write, and says so', async () => {
    const store = await openStore();
    await store.transaction((tx) => void (tx.state.ocrSequence = 1));
    const journal = (store as unknown as { journal: { write: () => Promise<unknown>; truncate: () => Promise<unknown> } }).journal;
    jest.spyOn(journal, 'write').mockRejectedValueOnce(new Error('EIO: i/o error'));
    jest.spyOn(journal, 'truncate').mockRejectedValueOnce(new Error('EIO: i/o error'));
    await expect(store.transaction((tx) => ++tx.state.ocrSequence)).rejects.toThrow('EIO');
    await expect(store.transaction((tx) => ++tx.state.ocrSequence)).rejects.toThrow(/restart the sandbox/);
    expect(store.state.ocrSequence).toBe(1);
    expect((await onDisk(dir)).ocrSequence).toBe(1);
  });

  it('replays the journal after a crash, drops a torn last line, and refuses a broken line before others', async () => {
    const store = await openStore();
    for (let i = 0; i < 3; i++) await store.transaction((tx) => tx.put('idempotency', `k${i}`, { at: i, statusCode: 201, body: { n: i } }));
    await store.transaction((tx) => tx.remove('idempotency', 'k1'));
    // No close: as after kill -9. What was acknowledged is in the journal.
    const journal = join(dir, 'state.journal');
    const crashed = await onDisk(dir);
    expect(Object.keys(crashed.idempotency)).toEqual(['k0', 'k2']);
    // A crash in the middle of writing the next line (never acknowledged) leaves half of it.
    await appendFile(journal, '{"seq":5,"top":{"ocrSeq');
    expect(Object.keys((await onDisk(dir)).idempotency)).toEqual(['k0', 'k2']);
    // A broken line with whole lines after it is damage, not a crash: refused rather than guessed at.
    const lines = (await readFile(journal, 'utf8')).split('\n');
    await writeFile(journal, [lines[0], '{broken', ...lines.slice(1)].join('\n'));
    await expect(StateStore.open(dir)).rejects.toThrow(/state.journal line 2 is broken/);
    await writeFile(journal, lines.join('\n'));
    const restarted = await openStore();
    expect(Object.keys(restarted.state.idempotency)).toEqual(['k0', 'k2']);
    expect(await restarted.transaction((tx) => ++tx.state.ocrSequence)).toBe(1);
    // A crash after a new snapshot but before its journal was emptied: the lines it holds are not applied twice.
    await restarted.close();
    await openStore();
    await writeFile(journal, lines.join('\n'));
    expect(await onDisk(dir)).toMatchObject({ ocrSequence: 1 });
    expect(Object.keys((await onDisk(dir)).idempotency)).toEqual(['k0', 'k2']);
  });

  it('folds the journal into a new snapshot once it outgrows the last one', async () => {
    const store = await openStore();
    const body = 'x'.repeat(100_000);
    for (let i = 0; i < 15; i++) await store.transaction((tx) => tx.put('idempotency', `big${i}`, { at: i, statusCode: 201, body }));
    // 1.5 MB journalled: more than the 1 MB floor, so a snapshot was written and the journal emptied since.
    expect((await stat(join(dir, 'state.journal'))).size).toBeLessThan(1_048_576);
    expect((await stat(join(dir, 'state.json'))).size).toBeGreaterThan(1_000_000);
    expect(Object.keys((await onDisk(dir)).idempotency)).toHaveLength(15);
    const snapshot = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8'));
    expect(snapshot.journalSequence).toBeGreaterThan(0);
    expect(Object.keys(snapshot.idempotency).length).toBeGreaterThanOrEqual(10);
  });

  it('does not write a group of transactions that all said they changed nothing, and writes a mixed one', async () => {
    const store = await openStore();
    const journalled = async (): Promise<number> => (await stat(join(dir, 'state.journal'))).size;
    await Promise.all([store.transaction((tx) => tx.unchanged()), store.transaction((tx) => tx.unchanged())]);
    expect(await journalled()).toBe(0);
    await Promise.all([store.transaction((tx) => tx.unchanged()), store.transaction((tx) => void tx.state.ocrSequence++)]);
    expect(await journalled()).toBeGreaterThan(0);
    expect((await onDisk(dir)).ocrSequence).toBe(1);
  });

  it('waits in idle() for transactions queued while others were committing', async () => {
    const store = await openStore();
    void store.transaction((tx) => {
      tx.state.ocrSequence++;
      void store.transaction((inner) => void (inner.state.payoutSequence = 7));
    });
    await store.idle();
    expect(await onDisk(dir)).toMatchObject({ ocrSequence: 1, payoutSequence: 7 });
  });
});
