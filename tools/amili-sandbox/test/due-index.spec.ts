/**
 * The lifecycle's due index (src/domain/lifecycle.ts): a request looks only at the cases it names, so it must
 * never miss one. Many cases are taken through random actions, clock advances and refused transactions (which
 * put the state back); after each, a check in a transaction of its own applies what is due, then looks at
 * every case the slow way: nothing may be left due.
 */
import { rm } from 'node:fs/promises';
import { CaseConflict, cancel, dispute, grantRespite, payByDebtor, resolveDispute } from '../src/domain/case-actions';
import { linkCreditor } from '../src/domain/creditors';
import { applyDue, caseDueAt } from '../src/domain/lifecycle';
import { register } from '../src/domain/registration';
import { StateStore, type Tx } from '../src/state/store';
import { type CaseRecord } from '../src/state/types';
import { DAY_MS, epochDay, seededRandom, tempDir } from './helpers';

const ADDRESS = { address_line_1: 'Storgatan 1', address_line_2: null, zip_code: '11122', city: 'Stockholm', country: 'SE' };
const CASES = 60;
const STEPS = 400;

describe('the due index', () => {
  let dir: string;
  let store: StateStore;
  beforeEach(async () => {
    dir = await tempDir();
    store = await StateStore.open(dir);
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs `work` as a request does: the due steps first. A refusal (CaseConflict) undoes the transaction. */
  const request = (work: (tx: Tx) => void) =>
    store
      .transaction((tx) => {
        applyDue(tx);
        work(tx);
      })
      .catch((error: Error) => {
        if (!(error instanceof CaseConflict) && !/refused on purpose/.test(error.message)) throw error;
      });

  /** What is still due after applying what is due: must be nothing. */
  const leftDue = () =>
    store.transaction((tx) => {
      applyDue(tx);
      return Object.values(tx.state.cases)
        .filter((record) => caseDueAt(record) <= tx.now)
        .map((record) => `${record.id} (${record.status}, ${record.state}) due ${new Date(caseDueAt(record)).toISOString()} at ${new Date(tx.now).toISOString()}`);
    });

  it.each([1, 2, 3])('leaves nothing due whatever happens (seed %i)', async (seed) => {
    const next = seededRandom(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
    const creditor = await store.transaction(
      (tx) => linkCreditor(tx, { organizationNumber: '5560360793', name: 'Bolaget AB', address: ADDRESS, reminderFeeAgreed: true }).creditor.id,
    );
    for (let n = 0; n < CASES; n++) {
      await request((tx) => {
        register(tx, {
          creditor,
          firstAction: pick(['reminder', 'debt_collection'] as const),
          customer: { name: `Kund ${n}`, idNumber: '198112189876', isCompany: next() < 0.3, address: ADDRESS, email: null, mobileNumber: null },
          debts: [{ invoiceNumber: `F-${n}`, debtDescription: null, invoiceDay: epochDay(tx.now) - 40 - Math.floor(next() * 30), capitalOre: 100_000 + n, dueDays: 30, reminderFeeChargedOre: 0 }],
        });
      });
    }
    expect(Object.keys(store.state.cases)).toHaveLength(CASES);

    const one = (tx: Tx): CaseRecord => pick(Object.values(tx.state.cases));
    for (let step = 0; step < STEPS; step++) {
      const roll = next();
      if (roll < 0.25) {
        // A clock advance, as /_sandbox/clock/advance makes it: from hours to weeks.
        const days = pick([0.2, 1, 3, 7, 12, 20]);
        await store.transaction((tx) => {
          tx.state.clockOffsetMs += days * DAY_MS;
          tx.now += days * DAY_MS;
          applyDue(tx);
        });
      } else if (roll < 0.4) await request((tx) => grantRespite(tx, one(tx), epochDay(tx.now) + 1 + Math.floor(next() * 20)));
      else if (roll < 0.5) await request((tx) => dispute(tx, one(tx)));
      else if (roll < 0.6) await request((tx) => resolveDispute(tx, one(tx)));
      else if (roll < 0.75) await request((tx) => void payByDebtor(tx, one(tx), 1_000 + Math.floor(next() * 50_000)));
      else if (roll < 0.8) await request((tx) => void cancel(tx, one(tx), null));
      else if (roll < 0.9) {
        // A transaction that changes cases and applies their due steps, then fails: the state (and what was
        // derived from it) goes back to the last saved one.
        await request((tx) => {
          grantRespite(tx, one(tx), epochDay(tx.now) + 2);
          tx.state.clockOffsetMs += 30 * DAY_MS;
          tx.now += 30 * DAY_MS;
          applyDue(tx);
          throw new Error('refused on purpose');
        });
      } else await request(() => undefined);
      expect(await leftDue()).toEqual([]);
    }
    // Every case went through several lifecycle steps, the statuses vary, and payouts were made along the way.
    const cases = Object.values(store.state.cases);
    expect(cases.reduce((n, record) => n + record.stateHistory.length, 0)).toBeGreaterThan(CASES * 4);
    expect(new Set(cases.map((record) => record.status)).size).toBeGreaterThanOrEqual(3);
    expect(Object.keys(store.state.payouts).length).toBeGreaterThan(0);
  }, 60_000);
});
