/** The state's JSON, reusing each unchanged record's: always what JSON.stringify writes, or a loud error. */
import { StateSerialiser } from '../src/state/serialiser';
import { emptyState, type CaseRecord, type SandboxState } from '../src/state/types';

const withCases = (n: number): SandboxState => {
  const state = emptyState();
  for (let i = 0; i < n; i++) state.cases[`c_${i}`] = { id: `c_${i}`, created: i, updated: i, version: 1, invoiceNumber: String(i) } as unknown as CaseRecord;
  state.idempotency['k'] = { at: 1, statusCode: 201, body: { _id: 'c_0' } };
  return state;
};

describe('StateSerialiser', () => {
  it('writes what JSON.stringify writes, and follows versioned and declared changes between saves', () => {
    const state = withCases(50);
    const serialiser = new StateSerialiser(false);
    expect(serialiser.serialise(state)).toBe(JSON.stringify(state));
    // A versioned change, a declared unversioned one, a new record, a removed one, a replaced answer.
    const touched = state.cases['c_3'] as unknown as { invoiceNumber: string; version: number };
    touched.invoiceNumber = 'changed';
    touched.version++;
    const quiet = state.cases['c_4'] as unknown as { invoiceNumber: string };
    quiet.invoiceNumber = 'quietly';
    serialiser.forget(quiet);
    state.cases['c_new'] = { id: 'c_new', version: 1 } as unknown as CaseRecord;
    delete state.cases['c_7'];
    state.idempotency['k'] = { at: 2, statusCode: 409, body: {} };
    state.ocrSequence = 12;
    expect(serialiser.serialise(state)).toBe(JSON.stringify(state));
  });

  it('with verification, names a record changed without a new version instead of saving it stale', () => {
    const state = withCases(5);
    const serialiser = new StateSerialiser(true);
    serialiser.serialise(state);
    (state.cases['c_2'] as unknown as { invoiceNumber: string }).invoiceNumber = 'unversioned';
    expect(() => serialiser.serialise(state)).toThrow(/cases record c_2 changed without a new version/);
    // Having said so, it starts afresh: the next save is right again.
    expect(serialiser.serialise(state)).toBe(JSON.stringify(state));
  });
});
