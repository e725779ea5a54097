/**
 * Writes the state as `JSON.stringify` would, but reuses each record's JSON while the record is unchanged:
 * the state is saved whole after every group of changes, and with thousands of cases stringifying all of
 * them each time (~50 ms for 6 MB) was most of the sandbox's work. A record counts as unchanged while it is
 * the same object with the same `version`; so every change to a record must bump its version (`Tx.touch`,
 * which its `_etag` needs anyway) or be declared (`Tx.changedUnversioned`, for what readers do not see), and
 * records without a version (idempotency answers, actions) are never changed once stored, only replaced.
 *
 * With `verify` (SANDBOX_VERIFY_SAVES=1, set by the sandbox's and the system tests), every save is checked
 * against a plain `JSON.stringify` and a mismatch throws, naming the record that changed unversioned.
 */
import { type SandboxState } from './types';

/** The collections of records, keyed by id, whose JSON is kept between saves. */
const RECORD_COLLECTIONS: ReadonlySet<string> = new Set(['creditors', 'registrations', 'cases', 'payouts', 'actions', 'idempotency']);

interface Cached {
  version: unknown;
  json: string;
}

export class StateSerialiser {
  private cache = new WeakMap<object, Cached>();

  constructor(private readonly verify = process.env.SANDBOX_VERIFY_SAVES === '1') {}

  serialise(state: SandboxState): string {
    const parts: string[] = [];
    for (const [key, value] of Object.entries(state)) {
      if (value === undefined) continue;
      const json = RECORD_COLLECTIONS.has(key) && value !== null && typeof value === 'object' ? this.collection(value as Record<string, object>) : JSON.stringify(value);
      parts.push(`${JSON.stringify(key)}:${json}`);
    }
    const json = `{${parts.join(',')}}`;
    if (this.verify) this.check(state, json);
    return json;
  }

  /** Forgets the JSON kept for `record`: it changed without a new version (`Tx.changedUnversioned`). */
  forget(record: object): void {
    this.cache.delete(record);
  }

  private collection(records: Record<string, object>): string {
    const parts: string[] = [];
    for (const [id, record] of Object.entries(records)) parts.push(`${JSON.stringify(id)}:${this.record(record)}`);
    return `{${parts.join(',')}}`;
  }

  private record(record: object): string {
    const version = (record as { version?: unknown }).version;
    const cached = this.cache.get(record);
    if (cached !== undefined && cached.version === version) return cached.json;
    const json = JSON.stringify(record);
    this.cache.set(record, { version, json });
    return json;
  }

  private check(state: SandboxState, json: string): void {
    const expected = JSON.stringify(state);
    if (json === expected) return;
    this.cache = new WeakMap();
    const saved = JSON.parse(json) as Record<string, Record<string, unknown>>;
    for (const collection of RECORD_COLLECTIONS) {
      const records = (state as unknown as Record<string, Record<string, unknown>>)[collection] ?? {};
      for (const [id, record] of Object.entries(records)) {
        if (JSON.stringify(record) !== JSON.stringify(saved[collection]?.[id])) {
          throw new Error(`The sandbox's ${collection} record ${id} changed without a new version: its change would not have been saved.`);
        }
      }
    }
    throw new Error('The state as saved differs from the state in memory.');
  }
}
