import { isoToDay } from '../dates';
import { feesOn, interestNumerator, interestOre, interestRateOn } from './rules';

describe('Swedish collection rules', () => {
  it('uses the dated reference rate + 8, and the latest rate for later dates', () => {
    expect(interestRateOn(isoToDay('2023-03-01'))).toBe(1_050);
    expect(interestRateOn(isoToDay('2023-07-01'))).toBe(1_150);
    expect(interestRateOn(isoToDay('2024-01-01'))).toBe(1_200);
    expect(interestRateOn(isoToDay('2026-11-23'))).toBe(1_200);
  });

  it('accrues actual/365 from the day after the due date, split where the rate changes', () => {
    // Due 2023-06-25: 5 days in June at 10.5 %, 5 days in July at 11.5 %.
    const n = interestNumerator(100_000, isoToDay('2023-06-25'), isoToDay('2023-07-05'));
    expect(n).toBe(100_000n * 1_050n * 5n + 100_000n * 1_150n * 5n);
    expect(interestOre(n)).toBe(Math.round((100_000 * (1_050 * 5 + 1_150 * 5)) / 3_650_000));
    expect(interestNumerator(100_000, isoToDay('2026-01-10'), isoToDay('2026-01-10'))).toBe(0n);
    expect(interestNumerator(0, isoToDay('2026-01-01'), isoToDay('2026-02-01'))).toBe(0n);
  });

  it('rounds half up only when shown', () => {
    expect(interestOre(1_825_000n)).toBe(1); // exactly ½ öre
    expect(interestOre(1_824_999n)).toBe(0);
  });

  it('keeps the fee amounts of lag (1981:739) as dated configuration', () => {
    expect(feesOn(isoToDay('2026-01-01'))).toMatchObject({ reminderFeeOre: 6_000, debtCollectionFeeOre: 18_000, latePaymentCompensationOre: 45_000 });
  });
});
