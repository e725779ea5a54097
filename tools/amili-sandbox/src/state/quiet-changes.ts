/**
 * How often each stored record changed without a new version (`Tx.changedUnversioned`): with its version,
 * what anything keeping a record's JSON or presentation must compare.
 */
const quietChanges = new WeakMap<object, number>();

export function quietChangesOf(record: object): number {
  return quietChanges.get(record) ?? 0;
}

export function countQuietChange(record: object): void {
  quietChanges.set(record, quietChangesOf(record) + 1);
}
