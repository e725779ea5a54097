/**
 * The state store: the whole state in memory, saved in `<dataDir>`: `state.json`, a snapshot, and
 * `state.journal`, one line per group of changes since it (fsynced before anyone is answered). The
 * journal is folded into a new snapshot when it outgrows the last one, and at every start.
 *
 * Transactions run one at a time, so two concurrent requests cannot lose an update. They commit in
 * groups: the transactions that queued up while the last write was under way run one after another,
 * then one journal line saves them all, and only then do they answer. A transaction that throws is
 * undone alone; a failed write rolls back its whole group to the last saved state. A group of reads
 * that changed nothing (they say so: `Tx.unchanged`) writes nothing.
 */
import { createHash } from 'node:crypto';
import { type FileHandle, mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { countQuietChange } from './quiet-changes';
import { type Collection, type Dirty, StateSerialiser } from './serialiser';
import { emptyState, STATE_SCHEMA, type CaseRecord, type ResourceMeta, type SandboxState } from './types';

/**
 * Something derived from the state and kept up to date from the records that transactions change, instead of
 * being recomputed from every record (the lifecycle's due index). Built from the state on first use; told of
 * every transaction's changes right after it ran (before the next one runs); dropped, to be built again, when
 * the state goes back to the last saved one.
 */
export interface StateIndex {
  /** The records named in `dirty` were stored, changed or removed (told again of a change, it changes nothing). */
  update(state: Readonly<SandboxState>, dirty: Dirty): void;
}

/** One transaction's view: the state, the sandbox time, and which cases it changed. */
export class Tx {
  readonly changedCases = new Set<string>();
  /** The cases this transaction registered (for the call log). */
  readonly createdCases: string[] = [];
  /** Set by `unchanged()`: the transaction read and changed nothing, so it needs no write. */
  changedNothing = false;
  /** The records this transaction stored, changed or removed, by collection: what its save must write. */
  readonly dirty = new Map<Collection, Set<string>>();

  constructor(
    readonly state: SandboxState,
    /** Sandbox time; moves forward when the transaction advances the clock. */
    public now: number,
    private readonly memos: Map<string, unknown> = new Map(),
    private readonly indexes: Map<string, StateIndex> = new Map(),
  ) {}

  /**
   * The index kept under `key` (built by `build` from the state when there is none), up to date with every
   * change so far, this transaction's own included: indexes take the same change more than once in their stride.
   */
  index<I extends StateIndex>(key: string, build: (state: Readonly<SandboxState>) => I): I {
    let index = this.indexes.get(key) as I | undefined;
    if (!index) this.indexes.set(key, (index = build(this.state)));
    index.update(this.state, this.dirty);
    return index;
  }

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

  /** Stores `record` under `id` (new, or replacing one). Every write to a collection goes through here or `remove`. */
  put<C extends Collection>(collection: C, id: string, record: SandboxState[C][string]): void {
    (this.state[collection] as Record<string, unknown>)[id] = record;
    this.markDirty(collection, id);
  }

  remove(collection: Collection, id: string): void {
    delete (this.state[collection] as Record<string, unknown>)[id];
    this.markDirty(collection, id);
  }

  /** Records an update of a stored record: a new version (so a new `_etag`) and `_updated` = now. */
  touch(collection: Collection, record: ResourceMeta): void {
    record.version += 1;
    record.updated = Math.max(record.updated, this.now);
    this.markDirty(collection, record.id);
  }

  touchCase(record: CaseRecord): void {
    this.touch('cases', record);
    this.changedCases.add(record.id);
  }

  private markDirty(collection: Collection, id: string): void {
    let ids = this.dirty.get(collection);
    if (!ids) this.dirty.set(collection, (ids = new Set()));
    ids.add(id);
  }

  /**
   * Records a change to a stored record that its readers do not see, so it keeps its version and `_etag`
   * (a case's payment taken by a payout run): without this the save would keep the record's earlier JSON.
   */
  changedUnversioned(record: CaseRecord): void {
    countQuietChange(record);
    this.markDirty('cases', record.id);
  }

  /**
   * Declares that this transaction changes nothing (a read with no lifecycle step due): a group made only
   * of such transactions writes nothing (most requests are reads).
   */
  unchanged(): void {
    this.changedNothing = true;
  }
}

/** Told of each committed transaction after its group's write; `tx.state` is the state as saved then. */
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

/** The snapshot is rewritten when the journal grows beyond it (and at least this much). */
const MIN_JOURNAL_BYTES = 1_048_576;

export class StateStore {
  private queue: Queued[] = [];
  private committing?: Promise<void>;
  private readonly listeners: CommitListener[] = [];
  /** Values derived from the current state (`Tx.remember`). */
  private readonly memos = new Map<string, unknown>();
  /** Indexes kept up to date from each transaction's changes (`Tx.index`). */
  private readonly indexes = new Map<string, StateIndex>();
  /** Set when the journal could not be brought back to its last good line: nothing more is saved. */
  private broken?: Error;

  private constructor(
    readonly file: string,
    private current: SandboxState,
    private readonly serialiser: StateSerialiser,
    private journal: FileHandle,
    /** The last journal line written, and the bytes of good lines in the journal. */
    private sequence: number,
    private journalBytes: number,
    private snapshotBytes: number,
  ) {}

  /** Loads the snapshot and the journal (a torn last line, never acknowledged, is dropped), then folds them into a new snapshot. */
  static async open(dataDir: string): Promise<StateStore> {
    await mkdir(dataDir, { recursive: true });
    const file = join(dataDir, 'state.json');
    const { state, sequence } = await loadState(dataDir);
    const serialiser = new StateSerialiser();
    serialiser.reset(state);
    const snapshot = snapshotText(serialiser, state, sequence);
    await writeAtomically(file, snapshot);
    // Emptied (its lines are in the snapshot now), then opened for appending: every write goes to its end, also
    // after it is cut back or emptied.
    await writeAtomically(journalFile(file), '');
    const journal = await open(journalFile(file), 'a', 0o600);
    return new StateStore(file, state, serialiser, journal, sequence, 0, Buffer.byteLength(snapshot));
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
      this.schedule();
    });
  }

  /**
   * Starts committing on the next microtask, marked as started first: a transaction queued by a work
   * function, or in the same tick, joins the group instead of starting a second writer. One queued after
   * the last group's loop ended, but before it was marked finished, starts the next run.
   */
  private schedule(): void {
    if (this.committing) return;
    this.committing = Promise.resolve()
      .then(() => this.commitQueued())
      .finally(() => {
        this.committing = undefined;
        if (this.queue.length > 0) this.schedule();
      });
  }

  /** Resolves once every queued transaction has finished. */
  async idle(): Promise<void> {
    while (this.committing) await this.committing;
  }

  /** Finishes the queued transactions and closes the journal. */
  async close(): Promise<void> {
    await this.idle();
    await this.journal.close();
  }

  private async commitQueued(): Promise<void> {
    while (this.queue.length > 0) {
      const group = this.queue.splice(0);
      let applied: Applied[] = [];
      /** Those of the group still waiting for their answer (applyAll answers the ones that throw). */
      let waiting = group;
      try {
        if (this.broken) throw this.broken;
        applied = this.applyAll(group);
        waiting = applied.map(({ queued }) => queued);
        if (!applied.every(({ tx }) => tx.changedNothing)) await this.save(dirtyOf(applied.map(({ tx }) => tx)));
      } catch (error) {
        this.restore();
        for (const queued of waiting) queued.reject(error);
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

  /** Back to the last saved state; what was derived from the state since is dropped with it. */
  private restore(): void {
    this.memos.clear();
    this.indexes.clear();
    this.current = this.serialiser.restore();
  }

  /** Appends the changes since the last save to the journal; folds it into a new snapshot when it outgrew the last one. */
  private async save(dirty: Dirty): Promise<void> {
    const delta = this.serialiser.delta(this.current, dirty);
    if (delta.json === null) return delta.commit(); // nothing to write (commit still verifies, when asked to)
    const line = `{"seq":${this.sequence + 1},${delta.json}}\n`;
    const bytes = Buffer.byteLength(line);
    try {
      await this.journal.write(line);
      await this.journal.datasync();
    } catch (error) {
      // Cut off what part of the line may have been written, so the next line follows a whole one.
      await this.journal.truncate(this.journalBytes).catch((cause: unknown) => {
        this.broken = new Error(`The sandbox's journal could not be repaired after a failed write; restart the sandbox (${String(cause)})`);
      });
      throw error;
    }
    this.sequence += 1;
    this.journalBytes += bytes;
    delta.commit();
    // The group is saved now, whatever becomes of the new snapshot: one that fails is tried again next time.
    if (this.journalBytes > Math.max(MIN_JOURNAL_BYTES, this.snapshotBytes)) await this.compact().catch(() => undefined);
  }

  /** A new snapshot with everything journalled so far, then an empty journal (a crash between the two replays nothing twice: lines carry their number). */
  private async compact(): Promise<void> {
    const snapshot = snapshotText(this.serialiser, this.current, this.sequence);
    await writeAtomically(this.file, snapshot);
    this.snapshotBytes = Buffer.byteLength(snapshot);
    await this.journal.truncate(0);
    await this.journal.datasync();
    this.journalBytes = 0;
  }

  /**
   * Runs the group's transactions in order. One that throws may have changed part of the state: it is
   * refused, the state goes back to the last saved one, and the transactions before it in the group
   * run again (they have answered no one yet, and touch nothing but the state).
   */
  private applyAll(group: Queued[]): Applied[] {
    let applied: Applied[] = [];
    for (const queued of group) {
      const tx = new Tx(this.current, this.now(), this.memos, this.indexes);
      try {
        applied.push({ queued, tx, result: queued.work(tx) });
        if (!tx.changedNothing) {
          this.memos.clear();
          for (const index of this.indexes.values()) index.update(tx.state, tx.dirty);
        }
      } catch (error) {
        queued.reject(error);
        this.restore();
        applied = this.applyAll(applied.map((a) => a.queued));
      }
    }
    return applied;
  }
}

/** What a group of transactions stored, changed or removed, together. */
function dirtyOf(group: readonly Tx[]): Dirty {
  const all = new Map<Collection, Set<string>>();
  for (const tx of group) {
    for (const [collection, ids] of tx.dirty) {
      const into = all.get(collection);
      if (into) ids.forEach((id) => into.add(id));
      else all.set(collection, new Set(ids));
    }
  }
  return all;
}

function journalFile(stateFile: string): string {
  return stateFile.replace(/\.json$/, '.journal');
}

/** The snapshot's text: the state, and the number of the last journal line it holds. */
function snapshotText(serialiser: StateSerialiser, state: SandboxState, sequence: number): string {
  return `{"journalSequence":${sequence},${serialiser.snapshot(Object.keys(state)).slice(1)}`;
}

/**
 * The state on disk: the snapshot, with the journal's later lines applied in order. A last line cut short
 * (a crash while writing it: it was never acknowledged) is left out; a broken line before others is refused.
 */
export async function loadState(dataDir: string): Promise<{ state: SandboxState; sequence: number }> {
  const file = join(dataDir, 'state.json');
  const text = await readOptional(file);
  if (text === undefined) return { state: emptyState(), sequence: 0 };
  let parsed: Partial<SandboxState> & { journalSequence?: number };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch (error) {
    // Refuse rather than start empty: silently losing every case would be worse than stopping.
    throw new Error(`${file} is not valid JSON (${(error as Error).message}); move it away to start afresh.`);
  }
  if (parsed.schema !== STATE_SCHEMA) throw new Error(`${file} has schema ${String(parsed.schema)}, this sandbox reads ${STATE_SCHEMA}.`);
  let sequence = parsed.journalSequence ?? 0;
  delete parsed.journalSequence;
  const state = { ...emptyState(), ...parsed } as SandboxState;
  const lines = ((await readOptional(journalFile(file))) ?? '').split('\n');
  lines.forEach((line, i) => {
    if (line === '') return;
    let entry: JournalLine;
    try {
      entry = JSON.parse(line) as JournalLine;
    } catch (error) {
      if (i === lines.length - 1) return; // the torn last line: no newline after it, never acknowledged
      throw new Error(`${journalFile(file)} line ${i + 1} is broken (${(error as Error).message}); the state cannot be read.`);
    }
    if (entry.seq <= sequence) return; // already in the snapshot
    if (entry.seq !== sequence + 1) throw new Error(`${journalFile(file)} line ${i + 1} is number ${entry.seq}, expected ${sequence + 1}.`);
    applyLine(state, entry);
    sequence = entry.seq;
  });
  return { state, sequence };
}

interface JournalLine {
  seq: number;
  top: Record<string, unknown>;
  set: Record<string, Record<string, unknown>>;
  del: Record<string, string[]>;
}

function applyLine(state: SandboxState, { top, set, del }: JournalLine): void {
  const target = state as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(top)) target[key] = value;
  for (const [collection, records] of Object.entries(set)) {
    const into = (target[collection] ??= {}) as Record<string, unknown>;
    for (const [id, record] of Object.entries(records)) into[id] = record;
  }
  for (const [collection, ids] of Object.entries(del)) {
    const from = (target[collection] ?? {}) as Record<string, unknown>;
    for (const id of ids) delete from[id];
  }
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
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
