/** What changed since the last save, record by record: always what JSON.stringify of the state holds, or a loud error. */
import { type Collection, StateSerialiser } from '../src/state/serialiser';
import { emptyState, type CaseRecord, type SandboxState } from '../src/state/types';

const withCases = (n: number): SandboxState => {
  const state = emptyState();
  for (let i = 0; i < n; i++) state.cases[`c_${i}`] = { id: `c_${i}`, created: i, updated: i, version: 1, invoiceNumber: String(i) } as unknown as CaseRecord;
  state.idempotency['k'] = { at: 1, statusCode: 201, body: { _id: 'c_0' } };
  return state;
};
const kase = (state: SandboxState, id: string) => state.cases[id] as unknown as { invoiceNumber: string; version: number };

describe('StateSerialiser', () => {
  it('journals only what changed (versioned, declared, new, removed, replaced, top-level), and its snapshot is the state', () => {
    const state = withCases(50);
    const serialiser = new StateSerialiser(false);
    serialiser.reset(state);
    expect(serialiser.snapshot(Object.keys(state))).toBe(JSON.stringify(state));
    const nothing = new Map();
    expect(serialiser.delta(state, nothing).json).toBeNull();

    kase(state, 'c_3').invoiceNumber = 'changed';
    kase(state, 'c_3').version++;
    kase(state, 'c_4').invoiceNumber = 'quietly';
    state.cases['c_new'] = { id: 'c_new', version: 1 } as unknown as CaseRecord;
    delete state.cases['c_7'];
    state.idempotency['k'] = { at: 2, statusCode: 409, body: {} };
    state.ocrSequence = 12;
    // What Tx.touch, Tx.changedUnversioned, Tx.put and Tx.remove would have named (c_5 named, but unchanged).
    const dirty = new Map<Collection, Set<string>>([
      ['cases', new Set(['c_3', 'c_4', 'c_5', 'c_new', 'c_7'])],
      ['idempotency', new Set(['k'])],
    ]);
    const delta = serialiser.delta(state, dirty);
    const line = JSON.parse(`{${delta.json!}}`);
    expect(Object.keys(line.set.cases).sort()).toEqual(['c_3', 'c_4', 'c_new']);
    expect(line.set.idempotency).toEqual({ k: { at: 2, statusCode: 409, body: {} } });
    expect(line.del).toEqual({ cases: ['c_7'] });
    expect(line.top).toEqual({ ocrSequence: 12 });
    // Not saved until committed: asking again gives the same changes.
    expect(serialiser.delta(state, dirty).json).toBe(delta.json);
    delta.commit();
    expect(serialiser.delta(state, dirty).json).toBeNull();
    expect(serialiser.snapshot(Object.keys(state))).toBe(JSON.stringify(state));
  });

  it('looks only at the records a save names as changed, and with verification finds one changed unnamed', () => {
    const state = withCases(20);
    const serialiser = new StateSerialiser(true);
    serialiser.reset(state);
    kase(state, 'c_1').version++;
    state.cases['c_new'] = { id: 'c_new', version: 1 } as unknown as CaseRecord;
    delete state.cases['c_2'];
    const named = serialiser.delta(state, new Map([['cases', new Set(['c_1', 'c_new', 'c_2'])]]));
    const line = JSON.parse(`{${named.json!}}`);
    expect(Object.keys(line.set.cases).sort()).toEqual(['c_1', 'c_new']);
    expect(line.del).toEqual({ cases: ['c_2'] });
    named.commit();
    // Stored without saying so (not through Tx.put): left out of the save, and verification says which.
    state.cases['c_sneaky'] = { id: 'c_sneaky', version: 1 } as unknown as CaseRecord;
    const unnamed = serialiser.delta(state, new Map());
    expect(unnamed.json).toBeNull();
    expect(() => unnamed.commit()).toThrow(/cases record c_sneaky changed without saying so/);
  });

  it('restores the saved state, leaving out what was changed since', () => {
    const state = withCases(3);
    const serialiser = new StateSerialiser(false);
    serialiser.reset(state);
    kase(state, 'c_1').version = 9;
    state.ocrSequence = 5;
    const restored = serialiser.restore();
    expect(restored.ocrSequence).toBe(0);
    expect((restored.cases['c_1'] as unknown as { version: number }).version).toBe(1);
    expect(restored.cases['c_1']).not.toBe(state.cases['c_1']);
  });

  it('with verification, names a record changed without a new version instead of saving it stale', () => {
    const state = withCases(5);
    const serialiser = new StateSerialiser(true);
    serialiser.reset(state);
    kase(state, 'c_2').invoiceNumber = 'unversioned';
    state.ocrSequence = 1;
    const delta = serialiser.delta(state, new Map());
    expect(delta.json).not.toContain('unversioned');
    expect(() => delta.commit()).toThrow(/cases record c_2 changed without saying so/);
  });
});
