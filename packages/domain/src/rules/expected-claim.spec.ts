import { expectedClaim } from './expected-claim';
import { type ReferenceRateTable } from './interest';

const consumer = { debtorIsCompany: false, reminderFeeAgreed: true, stage: 'reminder' as const };

describe('expectedClaim', () => {
  it('before or on the last day to pay on time: the capital only', () => {
    // Due Saturday 2023-12-30; Monday 1 January is nyårsdagen, so on time through Tuesday 2024-01-02.
    for (const asOf of ['2023-12-29', '2023-12-30', '2024-01-02']) {
      expect(expectedClaim({ ...consumer, capitalOre: 125_000, dueDate: '2023-12-30', asOf })).toEqual({
        capitalOre: 125_000,
        interestOre: 0,
        fees: [],
        feesOre: 0,
        totalOre: 125_000,
        interestEstimated: false,
      });
    }
  });

  it('once overdue, interest runs from the day after the due date, fees by stage', () => {
    // Due Friday 2023-03-10; asOf 2023-04-08: interest for 11 March..8 April = 29 days at 10.5 %.
    // 1 000 000 × 0.105 × 29 / 365 = 8 342.47 → 8 342
    expect(expectedClaim({ ...consumer, capitalOre: 1_000_000, dueDate: '2023-03-10', asOf: '2023-04-08' })).toEqual({
      capitalOre: 1_000_000,
      interestOre: 8_342,
      fees: [{ kind: 'reminder_fee', amountOre: 6_000 }],
      feesOre: 6_000,
      totalOre: 1_014_342,
      interestEstimated: false,
    });
  });

  it('a due date moved by a weekend: not overdue on the moved day, then interest from the original due date', () => {
    // Due Saturday 2023-12-30 → on time through Tuesday 2024-01-02; on Wednesday 3 January it is late,
    // and interest counts 31 Dec..3 Jan (4 days): 1 day at 11.5 % (2023H2) and 3 days at 12 % (2024H1).
    const r = expectedClaim({ ...consumer, capitalOre: 3_650_000, dueDate: '2023-12-30', asOf: '2024-01-03' });
    // 3 650 000 × 0.115 / 365 = 1 150; 3 650 000 × 0.12 × 3 / 365 = 3 600
    expect(r.interestOre).toBe(4_750);
    expect(r.totalOre).toBe(3_650_000 + 4_750 + 6_000);
  });

  it('business debtor: förseningsersättning instead of reminder and inkasso fees', () => {
    const r = expectedClaim({
      capitalOre: 1_000_000,
      dueDate: '2023-03-10',
      asOf: '2023-04-08',
      debtorIsCompany: true,
      reminderFeeAgreed: true,
      stage: 'debt_collection',
    });
    expect(r.fees).toEqual([{ kind: 'late_payment_compensation', amountOre: 45_000 }]);
    expect(r.totalOre).toBe(1_000_000 + 8_342 + 45_000);
  });

  it('consumer at debt collection: reminder fee (agreed) + inkasso fee', () => {
    const r = expectedClaim({ ...consumer, stage: 'debt_collection', capitalOre: 50_000, dueDate: '2023-03-10', asOf: '2023-04-08' });
    expect(r.feesOre).toBe(24_000);
    expect(r.fees.map((f) => f.kind)).toEqual(['reminder_fee', 'debt_collection_fee']);
  });

  it('flags interest past the configured rates as estimated, and takes the rates passed in', () => {
    const base = { ...consumer, capitalOre: 1_000_000, dueDate: '2024-06-14', asOf: '2024-07-15' };
    expect(expectedClaim(base).interestEstimated).toBe(true);
    const configured: ReferenceRateTable = [{ from: '2024-01-01', rateBasisPoints: 400 }, { from: '2024-07-01', rateBasisPoints: 400 }];
    const r = expectedClaim({ ...base, rates: configured });
    expect(r.interestEstimated).toBe(false);
    expect(r.interestOre).toBe(expectedClaim(base).interestOre); // same rate, so the same figure
  });

  it('propagates an unknown interest rate', () => {
    expect(() => expectedClaim({ ...consumer, capitalOre: 1_000, dueDate: '2022-12-01', asOf: '2023-01-15' })).toThrow(
      expect.objectContaining({ code: 'INTEREST.RATE_UNKNOWN' }),
    );
  });

  it('refuses bad amounts and dates', () => {
    const base = { ...consumer, dueDate: '2023-03-10', asOf: '2023-04-08' };
    expect(() => expectedClaim({ ...base, capitalOre: -1 })).toThrow(RangeError);
    expect(() => expectedClaim({ ...base, capitalOre: 1.5 })).toThrow(RangeError);
    expect(() => expectedClaim({ ...base, capitalOre: 1, asOf: '2023-04-31' })).toThrow(RangeError);
    expect(() => expectedClaim({ ...base, capitalOre: 1, dueDate: '2023-3-10' })).toThrow(RangeError);
  });
});
