/**
 * What the state looked like at its last save, record by record, and what changed since. The store writes the
 * changes of each group of transactions as one line of a journal (a few kB) instead of the whole state (6 MB
 * after a few minutes of load: ~50 ms to stringify and ~20 ms to encode, for every write, was most of the
 * sandbox's work), and now and then the whole state as a snapshot.
 *
 * A save looks only at the records its transactions named: stored or removed with `Tx.put` / `Tx.remove`, or
 * changed in place with `Tx.touch` (a new version, which its `_etag` needs anyway) or `Tx.changedUnversioned`
 * (what readers do not see). The top-level values (clock, sequences, faults, webhook) are small and compared as
 * JSON every time.
 *
 * With `verify` (SANDBOX_VERIFY_SAVES=1, set by the sandbox's and the system tests), every save is checked
 * against a plain `JSON.stringify` of the state and a mismatch throws, naming the record changed unversioned.
 */
import { type SandboxState } from './types';

/** The collections of records, keyed by id, that are saved record by record. */
export type Collection = 'creditors' | 'registrations' | 'cases' | 'payouts' | 'actions' | 'idempotency';
const RECORD_COLLECTIONS: ReadonlySet<string> = new Set<Collection>(['creditors', 'registrations', 'cases', 'payouts', 'actions', 'idempotency']);

/** The ids stored, changed or removed since the last save, by collection (`Tx.put`, `remove`, `touch`). */
export type Dirty = ReadonlyMap<Collection, ReadonlySet<string>>;

/** The changes of one save, as JSON text: the body of a journal line. */
export interface Delta {
  /** `"top":{…},"set":{…},"del":{…}`, or null when nothing changed. */
  json: string | null;
  /** Makes the delta's state the saved one (call once it is on disk). */
  commit(): void;
}

export class StateSerialiser {
  /** Each collection's records as last saved: id → JSON. */
  private records = new Map<string, Map<string, string>>();
  private top = new Map<string, string>();

  constructor(private readonly verify = process.env.SANDBOX_VERIFY_SAVES === '1') {}

  /** Takes `state` as saved (after loading it, or after a snapshot of it). */
  reset(state: SandboxState): void {
    this.records = new Map();
    this.top = new Map();
    for (const [key, value] of Object.entries(state)) {
      if (!RECORD_COLLECTIONS.has(key)) this.top.set(key, JSON.stringify(value));
      else this.records.set(key, new Map(Object.entries(value as Record<string, object>).map(([id, record]) => [id, JSON.stringify(record)])));
    }
  }

  /**
   * The changes from the saved state to `state`, looking only at the records `dirty` names (a save costs what
   * changed, not what is stored). Nothing counts as saved until `commit`.
   */
  delta(state: SandboxState, dirty: Dirty): Delta {
    const top: string[] = [];
    const set: string[] = [];
    const del: string[] = [];
    const updates: Array<() => void> = [];
    for (const [key, value] of Object.entries(state)) {
      if (!RECORD_COLLECTIONS.has(key)) {
        const json = JSON.stringify(value);
        if (this.top.get(key) !== json) {
          top.push(`${JSON.stringify(key)}:${json}`);
          updates.push(() => this.top.set(key, json));
        }
        continue;
      }
      const saved = this.records.get(key) ?? new Map<string, string>();
      if (!this.records.has(key)) updates.push(() => this.records.set(key, saved));
      const records = value as Record<string, object>;
      const changed: string[] = [];
      const gone: string[] = [];
      for (const id of dirty.get(key as Collection) ?? []) {
        if (!Object.hasOwn(records, id)) {
          if (saved.has(id)) {
            gone.push(id);
            updates.push(() => saved.delete(id));
          }
          continue;
        }
        const json = JSON.stringify(records[id]);
        if (saved.get(id) === json) continue;
        changed.push(`${JSON.stringify(id)}:${json}`);
        updates.push(() => saved.set(id, json));
      }
      if (changed.length > 0) set.push(`${JSON.stringify(key)}:{${changed.join(',')}}`);
      if (gone.length > 0) del.push(`${JSON.stringify(key)}:${JSON.stringify(gone)}`);
    }
    const json = top.length + set.length + del.length === 0 ? null : `"top":{${top.join(',')}},"set":{${set.join(',')}},"del":{${del.join(',')}}`;
    return {
      json,
      commit: () => {
        for (const update of updates) update();
        if (this.verify) this.check(state);
      },
    };
  }

  /** The whole saved state as JSON; with `order`, its keys in that order (as `JSON.stringify` of the state writes them). */
  snapshot(order: readonly string[] = [...this.top.keys(), ...this.records.keys()]): string {
    const parts: string[] = [];
    for (const key of order) {
      const saved = this.records.get(key);
      if (saved !== undefined) {
        const records: string[] = [];
        for (const [id, json] of saved) records.push(`${JSON.stringify(id)}:${json}`);
        parts.push(`${JSON.stringify(key)}:{${records.join(',')}}`);
      } else if (this.top.has(key)) parts.push(`${JSON.stringify(key)}:${this.top.get(key)!}`);
    }
    return `{${parts.join(',')}}`;
  }

  /** A fresh copy of the saved state (to undo what was not saved). */
  restore(): SandboxState {
    return JSON.parse(this.snapshot()) as SandboxState;
  }

  /** Throws when the saved state is not `state` (in any order): something changed without saying so. */
  private check(state: SandboxState): void {
    if (this.snapshot(Object.keys(state)) === JSON.stringify(state)) return;
    const saved = this.restore() as unknown as Record<string, unknown>;
    const current = state as unknown as Record<string, unknown>;
    for (const key of Object.keys(current)) {
      if (!RECORD_COLLECTIONS.has(key)) {
        if (JSON.stringify(current[key]) !== JSON.stringify(saved[key])) throw new Error(`The sandbox's ${key} as saved differs from the state in memory.`);
        continue;
      }
      const want = current[key] as Record<string, unknown>;
      const have = (saved[key] ?? {}) as Record<string, unknown>;
      for (const id of new Set([...Object.keys(want), ...Object.keys(have)])) {
        if (JSON.stringify(want[id]) !== JSON.stringify(have[id])) {
          throw new Error(`The sandbox's ${key} record ${id} changed without saying so (Tx.put, Tx.remove, a new version): the change would not have been saved.`);
        }
      }
    }
    // Only the order differs (a record removed and stored again goes last in the state): nothing is lost.
    this.reset(state);
  }
}
