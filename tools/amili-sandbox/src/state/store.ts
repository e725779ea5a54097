/**
 * The state store: the whole state in memory, written to `<dataDir>/state.json` after every change.
 * Transactions run one at a time, so two concurrent requests cannot lose an update. They commit in
 * groups: the transactions that queued up while the last write was under way run one after another,
 * then one write saves them all, and only then do they answer (writing 2 MB of state per request held
 * the sandbox to a few dozen requests a second). A transaction that throws is undone alone; a failed
 * write rolls back its whole group to the last saved state. A group of reads that changed nothing (they
 * say so: `Tx.unchanged`) is not written at all.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { StateSerialiser } from './serialiser';
import { emptyState, STATE_SCHEMA, type CaseRecord, type ResourceMeta, type SandboxState } from './types';

/** One transaction's view: the state, the sandbox time, and which cases it changed. */
export class Tx {
  readonly changedCases = new Set<string>();
  /** The cases this transaction registered (for the call log). */
  readonly createdCases: string[] = [];
  /** Records changed without a new version (see `changedUnversioned`). */
  readonly unversioned = new Set<object>();
  /** Set by `unchanged()`: the transaction read and changed nothing, so it needs no write. */
  changedNothing = false;

  constructor(
    readonly state: SandboxState,
    /** Sandbox time; moves forward when the transaction advances the clock. */
    public now: number,
    private readonly memos: Map<string, unknown> = new Map(),
  ) {}

  /**
   * A value derived from the state, computed once and kept while the state stays the same: the store forgets
   * it after every transaction that may have changed something. A transaction that changes the state and then
   * asks again must `forget` it first.
   */
  remember<T>(key: string, compute: () => T): T {
    if (this.memos.has(key)) return this.memos.get(key) as T;
    const value = compute();
    this.memos.set(key, value);
    return value;
  }

  forget(key: string): void {
    this.memos.delete(key);
  }

  /** Records an update: a new version (so a new `_etag`) and `_updated` = now. */
  touch(record: ResourceMeta): void {
    record.version += 1;
    record.updated = Math.max(record.updated, this.now);
  }

  touchCase(record: CaseRecord): void {
    this.touch(record);
    this.changedCases.add(record.id);
  }

  /**
   * Records a change to a stored record that its readers do not see, so it keeps its version and `_etag`
   * (a case's payment taken by a payout run): without this the save would keep the record's earlier JSON.
   */
  changedUnversioned(record: object): void {
    this.unversioned.add(record);
    quietChanges.set(record, quietChangesOf(record) + 1);
  }

  /**
   * Declares that this transaction changes nothing (a read with no lifecycle step due): a group made only
   * of such transactions is not written, which spares serialising the whole state for every read.
   */
  unchanged(): void {
    this.changedNothing = true;
  }
}

/** Told of each committed transaction after its group's write; `tx.state` is the state as saved then. */
/** How often each record changed without a new version: with the version, what a cache of it must check. */
const quietChanges = new WeakMap<object, number>();

export function quietChangesOf(record: object): number {
  return quietChanges.get(record) ?? 0;
}

export type CommitListener = (tx: Tx) => void;

export function etagOf(record: ResourceMeta): string {
  return createHash('sha1').update(`${record.id}:${record.version}`).digest('hex');
}

interface Queued {
  work: (tx: Tx) => unknown;
  resolve: (result: unknown) => void;
  reject: (error: unknown) => void;
}

interface Applied {
  queued: Queued;
  tx: Tx;
  result: unknown;
}

export class StateStore {
  private queue: Queued[] = [];
  private committing?: Promise<void>;
  private readonly listeners: CommitListener[] = [];
  private readonly serialiser = new StateSerialiser();
  /** Values derived from the current state (`Tx.remember`). */
  private readonly memos = new Map<string, unknown>();

  private constructor(
    readonly file: string,
    private current: SandboxState,
    private saved: string,
  ) {}

  static async open(dataDir: string): Promise<StateStore> {
    await mkdir(dataDir, { recursive: true });
    const file = join(dataDir, 'state.json');
    let text: string | undefined;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (text === undefined) {
      const state = emptyState();
      const json = serialise(state);
      await writeAtomically(file, json);
      return new StateStore(file, state, json);
    }
    let parsed: Partial<SandboxState>;
    try {
      parsed = JSON.parse(text) as Partial<SandboxState>;
    } catch (error) {
      // Refuse rather than start empty: silently losing every case would be worse than stopping.
      throw new Error(`${file} is not valid JSON (${(error as Error).message}); move it away to start afresh.`);
    }
    if (parsed.schema !== STATE_SCHEMA) throw new Error(`${file} has schema ${String(parsed.schema)}, this sandbox reads ${STATE_SCHEMA}.`);
    const state: SandboxState = { ...emptyState(), ...parsed };
    return new StateStore(file, state, serialise(state));
  }

  /** The current state, for reads outside a transaction (faults, webhook config). Do not mutate. */
  get state(): Readonly<SandboxState> {
    return this.current;
  }

  /** Sandbox time: real time plus the offset the clock has been advanced by. */
  now(): number {
    return Date.now() + this.current.clockOffsetMs;
  }

  onCommit(listener: CommitListener): void {
    this.listeners.push(listener);
  }

  /**
   * Runs `work` alone and resolves once its changes are on disk, then tells the listeners. `work` must
   * be synchronous and change nothing but `tx.state`: it may be run again (see `applyAll`).
   */
  transaction<T>(work: (tx: Tx) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (result: unknown) => void, reject });
      // Started on the next microtask, and marked as started first: a transaction queued by a work
      // function, or in the same tick, joins the group instead of starting a second writer.
      this.committing ??= Promise.resolve()
        .then(() => this.commitQueued())
        .finally(() => {
          this.committing = undefined;
        });
    });
  }

  /** Resolves once every queued transaction has finished. */
  async idle(): Promise<void> {
    while (this.committing) await this.committing;
  }

  private async commitQueued(): Promise<void> {
    while (this.queue.length > 0) {
      const group = this.queue.splice(0);
      let applied: Applied[] = [];
      try {
        applied = this.applyAll(group);
        for (const { tx } of applied) for (const record of tx.unversioned) this.serialiser.forget(record);
        const json = applied.every(({ tx }) => tx.changedNothing) ? this.saved : this.serialiser.serialise(this.current);
        if (json !== this.saved) {
          await writeAtomically(this.file, json);
          this.saved = json;
        }
      } catch (error) {
        this.memos.clear();
        this.current = JSON.parse(this.saved) as SandboxState;
        for (const { queued } of applied) queued.reject(error);
        continue;
      }
      for (const { queued, tx, result } of applied) {
        try {
          for (const listener of this.listeners) listener(tx);
          queued.resolve(result);
        } catch (error) {
          queued.reject(error);
        }
      }
    }
  }

  /**
   * Runs the group's transactions in order. One that throws may have changed part of the state: it is
   * refused, the state goes back to the last saved one, and the transactions before it in the group
   * run again (they have answered no one yet, and touch nothing but the state).
   */
  private applyAll(group: Queued[]): Applied[] {
    let applied: Applied[] = [];
    for (const queued of group) {
      const tx = new Tx(this.current, this.now(), this.memos);
      try {
        applied.push({ queued, tx, result: queued.work(tx) });
        if (!tx.changedNothing) this.memos.clear();
      } catch (error) {
        queued.reject(error);
        this.memos.clear();
        this.current = JSON.parse(this.saved) as SandboxState;
        applied = this.applyAll(applied.map((a) => a.queued));
      }
    }
    return applied;
  }
}

// Without indentation: a quarter smaller and quicker to write. (Between saves, StateSerialiser does this.)
function serialise(state: SandboxState): string {
  return JSON.stringify(state);
}

/** Write a temporary file, fsync it, rename it over the target, fsync the directory: all or nothing. */
async function writeAtomically(file: string, content: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  const handle = await open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
  try {
    const dir = await open(dirname(file), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch {
    // Some platforms cannot fsync a directory; the rename itself is still atomic.
  }
}
