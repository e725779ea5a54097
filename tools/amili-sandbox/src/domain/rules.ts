/**
 * The Swedish rules the partner applies, as dated configuration (the amounts and rates change by law
 * or by Riksbanken's decision, never by code).
 *   - Lag (1981:739) om ersättning för inkassokostnader: reminder fee ≤ 60 kr (only if agreed),
 *     inkassokrav fee ≤ 180 kr; business debtors get 450 kr förseningsersättning instead of both.
 *   - Räntelag (1975:635) 6 och 9 §§: dröjsmålsränta from the due date at the reference rate + 8
 *     percentage points; the reference rate is fixed per half-year.
 */
import { isoToDay } from '../dates';

export interface FeeSchedule {
  from: number; // epoch day
  reminderFeeOre: number;
  debtCollectionFeeOre: number;
  latePaymentCompensationOre: number;
}

/** Unchanged since 2013. A new row with a later `from` is all a change of the law needs. */
export const FEE_SCHEDULES: readonly FeeSchedule[] = [
  { from: isoToDay('2013-01-01'), reminderFeeOre: 6_000, debtCollectionFeeOre: 18_000, latePaymentCompensationOre: 45_000 },
];

/** Riksbanken's reference rate in basis points, each valid from `from` until the next row. */
export const REFERENCE_RATES: ReadonlyArray<{ from: number; basisPoints: number }> = [
  { from: isoToDay('2023-01-01'), basisPoints: 250 },
  { from: isoToDay('2023-07-01'), basisPoints: 350 },
  { from: isoToDay('2024-01-01'), basisPoints: 400 },
];

export const INTEREST_MARGIN_BASIS_POINTS = 800;

/** Interest numerators are in öre × basis points × days; this turns them into öre (actual/365). */
export const INTEREST_DENOMINATOR = 10_000n * 365n;

/** The schedule in force on a day (the first row also covers earlier days: the sandbox has no older law). */
export function feesOn(day: number): FeeSchedule {
  return latestOnOrBefore(FEE_SCHEDULES, day);
}

/** Dröjsmålsränta in basis points on a day; past the table the latest rate stands in. */
export function interestRateOn(day: number): number {
  return latestOnOrBefore(REFERENCE_RATES, day).basisPoints + INTEREST_MARGIN_BASIS_POINTS;
}

/**
 * Exact interest numerator on `capitalOre` for the days after `fromDay` up to and including `toDay`,
 * split where the rate changes. BigInt, so no rounding happens until the amount is shown.
 */
export function interestNumerator(capitalOre: number, fromDay: number, toDay: number): bigint {
  let total = 0n;
  if (capitalOre <= 0) return total;
  let day = fromDay + 1;
  while (day <= toDay) {
    const nextChange = REFERENCE_RATES.find((r) => r.from > day)?.from ?? Infinity;
    const end = Math.min(toDay, nextChange - 1);
    total += BigInt(capitalOre) * BigInt(interestRateOn(day)) * BigInt(end - day + 1);
    day = end + 1;
  }
  return total;
}

/** Öre from a numerator, rounded half up (numerators are never negative). */
export function interestOre(numerator: bigint): number {
  return Number((numerator * 2n + INTEREST_DENOMINATOR) / (2n * INTEREST_DENOMINATOR));
}

function latestOnOrBefore<T extends { from: number }>(rows: readonly T[], day: number): T {
  let found = rows[0];
  for (const row of rows) if (row.from <= day) found = row;
  return found;
}
