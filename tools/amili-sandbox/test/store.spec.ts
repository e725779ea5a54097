/** The state store's group commit: what answers is on disk, and a failing transaction undoes only itself. */
import { mkdir, readFile, rm, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { StateStore } from '../src/state/store';
import { tempDir } from './helpers';

const onDisk = async (dir: string): Promise<{ ocrSequence: number; payoutSequence: number; clockOffsetMs: number }> =>
  JSON.parse(await readFile(join(dir, 'state.json'), 'utf8'));

describe('the state store', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('answers each of many concurrent transactions only once its change is on disk, and keeps them all', async () => {
    const store = await StateStore.open(dir);
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
    const reopened = await StateStore.open(dir);
    expect(reopened.state.ocrSequence).toBe(200);
  });

  it('undoes a transaction that throws halfway, and only that one, however its group was formed', async () => {
    const store = await StateStore.open(dir);
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
    const store = await StateStore.open(dir);
    await store.transaction((tx) => void (tx.state.ocrSequence = 5));
    // A directory where the temporary file must go makes the next write fail.
    const blocker = join(dir, `state.json.${process.pid}.tmp`);
    await mkdir(blocker);
    const group = [store.transaction((tx) => ++tx.state.ocrSequence), store.transaction((tx) => ++tx.state.ocrSequence)];
    const outcomes = await Promise.allSettled(group);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(store.state.ocrSequence).toBe(5);
    expect((await onDisk(dir)).ocrSequence).toBe(5);
    await rmdir(blocker);
    expect(await store.transaction((tx) => ++tx.state.ocrSequence)).toBe(6);
    expect((await onDisk(dir)).ocrSequence).toBe(6);
  });

  it('does not write a group of transactions that all said they changed nothing, and writes a mixed one', async () => {
    const store = await StateStore.open(dir);
    const inode = async (): Promise<string> => {
      const { ino, mtimeNs } = await stat(join(dir, 'state.json'), { bigint: true });
      return `${ino}:${mtimeNs}`;
    };
    const before = await inode();
    await Promise.all([store.transaction((tx) => tx.unchanged()), store.transaction((tx) => tx.unchanged())]);
    expect(await inode()).toBe(before);
    await Promise.all([store.transaction((tx) => tx.unchanged()), store.transaction((tx) => void tx.state.ocrSequence++)]);
    expect(await inode()).not.toBe(before);
    expect((await onDisk(dir)).ocrSequence).toBe(1);
  });

  it('waits in idle() for transactions queued while others were committing', async () => {
    const store = await StateStore.open(dir);
    void store.transaction((tx) => {
      tx.state.ocrSequence++;
      void store.transaction((inner) => void (inner.state.payoutSequence = 7));
    });
    await store.idle();
    expect(await onDisk(dir)).toMatchObject({ ocrSequence: 1, payoutSequence: 7 });
  });
});
