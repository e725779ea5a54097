import { applicableFees, DEFAULT_FEE_SCHEDULE, FeeScheduleUnknownError, feesInForce, type FeeSchedule } from './fees';

const on = '2026-03-15';

describe('DEFAULT_FEE_SCHEDULE / feesInForce', () => {
  it('holds the amounts in force since 2013 (60, 180, 170 and 450 kr)', () => {
    expect(feesInForce(DEFAULT_FEE_SCHEDULE, on)).toEqual({
      from: '2013-01-01',
      reminderFeeOre: 6_000,
      debtCollectionFeeOre: 18_000,
      instalmentPlanFeeOre: 17_000,
      businessLatePaymentCompensationOre: 45_000,
    });
    expect(Object.isFrozen(DEFAULT_FEE_SCHEDULE)).toBe(true);
  });

  it('picks the entry in force on the day, whatever the order of the schedule', () => {
    const schedule: FeeSchedule = [
      { from: '2027-01-01', reminderFeeOre: 7_000, debtCollectionFeeOre: 20_000, instalmentPlanFeeOre: 19_000, businessLatePaymentCompensationOre: 50_000 },
      ...DEFAULT_FEE_SCHEDULE,
    ];
    expect(feesInForce(schedule, '2026-12-31').reminderFeeOre).toBe(6_000);
    expect(feesInForce(schedule, '2027-01-01').reminderFeeOre).toBe(7_000);
    expect(feesInForce(schedule, '2013-01-01').from).toBe('2013-01-01');
  });

  it('throws FEES.SCHEDULE_UNKNOWN before the first entry, and on a bad date', () => {
    expect(() => feesInForce(DEFAULT_FEE_SCHEDULE, '2012-12-31')).toThrow(FeeScheduleUnknownError);
    expect(() => feesInForce([], on)).toThrow(expect.objectContaining({ code: 'FEES.SCHEDULE_UNKNOWN' }));
    expect(() => feesInForce(DEFAULT_FEE_SCHEDULE, '2026-02-30')).toThrow(RangeError);
  });
});

describe('applicableFees', () => {
  const consumer = { debtorIsCompany: false, on };

  it('consumer, reminder stage: the reminder fee only if it was agreed', () => {
    expect(applicableFees({ ...consumer, reminderFeeAgreed: true, stage: 'reminder' })).toEqual([{ kind: 'reminder_fee', amountOre: 6_000 }]);
    expect(applicableFees({ ...consumer, reminderFeeAgreed: false, stage: 'reminder' })).toEqual([]);
  });

  it('consumer, debt collection: one reminder fee (if agreed) plus one inkasso fee', () => {
    expect(applicableFees({ ...consumer, reminderFeeAgreed: true, stage: 'debt_collection' })).toEqual([
      { kind: 'reminder_fee', amountOre: 6_000 },
      { kind: 'debt_collection_fee', amountOre: 18_000 },
    ]);
    expect(applicableFees({ ...consumer, reminderFeeAgreed: false, stage: 'debt_collection' })).toEqual([
      { kind: 'debt_collection_fee', amountOre: 18_000 },
    ]);
  });

  it('consumer, straight to inkassokrav without a reminder: no reminder fee even if agreed', () => {
    expect(applicableFees({ ...consumer, reminderFeeAgreed: true, stage: 'debt_collection', reminderSent: false })).toEqual([
      { kind: 'debt_collection_fee', amountOre: 18_000 },
    ]);
  });

  it.each(['reminder', 'debt_collection'] as const)('business debtor at %s: 450 kr förseningsersättning instead of the fees', (stage) => {
    for (const reminderFeeAgreed of [true, false]) {
      expect(applicableFees({ debtorIsCompany: true, reminderFeeAgreed, stage, on })).toEqual([
        { kind: 'late_payment_compensation', amountOre: 45_000 },
      ]);
    }
  });

  it('uses the schedule passed in, dated by `on`', () => {
    const schedule: FeeSchedule = [
      ...DEFAULT_FEE_SCHEDULE,
      { from: '2027-01-01', reminderFeeOre: 7_000, debtCollectionFeeOre: 20_000, instalmentPlanFeeOre: 19_000, businessLatePaymentCompensationOre: 50_000 },
    ];
    expect(applicableFees({ ...consumer, on: '2027-02-01', reminderFeeAgreed: true, stage: 'debt_collection', schedule })).toEqual([
      { kind: 'reminder_fee', amountOre: 7_000 },
      { kind: 'debt_collection_fee', amountOre: 20_000 },
    ]);
    expect(applicableFees({ debtorIsCompany: true, reminderFeeAgreed: false, stage: 'reminder', on: '2026-12-31', schedule })).toEqual([
      { kind: 'late_payment_compensation', amountOre: 45_000 },
    ]);
  });
});
