/**
 * The state store: the whole state in memory, written to `<dataDir>/state.json` after every change.
 * Transactions run one at a time (a promise queue), so two concurrent requests cannot lose an update;
 * a transaction that throws, or whose write fails, is rolled back to the last saved state.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { emptyState, STATE_SCHEMA, type CaseRecord, type ResourceMeta, type SandboxState } from './types';

/** One transaction's view: the state, the sandbox time, and which cases it changed. */
export class Tx {
  readonly changedCases = new Set<string>();
  /** The cases this transaction registered (for the call log). */
  readonly createdCases: string[] = [];

  constructor(
    readonly state: SandboxState,
    /** Sandbox time; moves forward when the transaction advances the clock. */
    public now: number,
  ) {}

  /** Records an update: a new version (so a new `_etag`) and `_updated` = now. */
  touch(record: ResourceMeta): void {
    record.version += 1;
    record.updated = Math.max(record.updated, this.now);
  }

  touchCase(record: CaseRecord): void {
    this.touch(record);
    this.changedCases.add(record.id);
  }
}

export type CommitListener = (tx: Tx) => void;

export function etagOf(record: ResourceMeta): string {
  return createHash('sha1').update(`${record.id}:${record.version}`).digest('hex');
}

export class StateStore {
  private tail: Promise<void> = Promise.resolve();
  private readonly listeners: CommitListener[] = [];

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

  /** Runs `work` alone, saves the state if it changed, then tells the listeners. */
  transaction<T>(work: (tx: Tx) => T): Promise<T> {
    const run = this.tail.then(async () => {
      const tx = new Tx(this.current, this.now());
      let result: T;
      try {
        result = work(tx);
        const json = serialise(this.current);
        if (json !== this.saved) {
          await writeAtomically(this.file, json);
          this.saved = json;
        }
      } catch (error) {
        this.current = JSON.parse(this.saved) as SandboxState;
        throw error;
      }
      for (const listener of this.listeners) listener(tx);
      return result;
    });
    this.tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** Resolves once every queued transaction has finished. */
  idle(): Promise<void> {
    return this.tail;
  }
}

// Written after every change, whole: without indentation it is a quarter smaller and quicker to write (the
// sandbox's state grows with every case; a journal of changes would be the next step).
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
