// Dröjsmålsränta, räntelagen (1975:635).
//   6 §: with a due date set in advance, interest runs from the due date (callers pass the first
//        day of accrual, in practice the day after the due date).
//   9 §: the rate is the reference rate + 8 percentage points.
//   9 § 2 st: the reference rate (set by Riksbanken) applies for a half-year from 1 January and
//        1 July.
// Simple interest, actual days / 365, integer öre rounded half up per rate period, BigInt inside.
import { addDays, daysBetween, isLocalDate, type LocalDate } from './calendar';

/** Riksbanken's reference rate, each entry valid from `from` until the next entry. */
export type ReferenceRateTable = ReadonlyArray<{ from: LocalDate; rateBasisPoints: number }>;

/**
 * Only the values the domain brief states as known. Later half-years must be added as dated
 * configuration; until then they are computed with the latest rate and flagged `estimated`.
 */
export const DEFAULT_REFERENCE_RATES: ReferenceRateTable = Object.freeze([
  Object.freeze({ from: '2023-01-01', rateBasisPoints: 250 }),
  Object.freeze({ from: '2023-07-01', rateBasisPoints: 350 }),
  Object.freeze({ from: '2024-01-01', rateBasisPoints: 400 }),
]);

/** Räntelagen 9 §: 8 percentage points above the reference rate. */
export const STATUTORY_MARGIN_BASIS_POINTS = 800;

export class InterestRateUnknownError extends Error {
  readonly code = 'INTEREST.RATE_UNKNOWN' as const;
  constructor(readonly date: LocalDate) {
    super(`No reference rate is configured for ${date}.`);
    this.name = 'InterestRateUnknownError';
  }
}

export interface InterestPeriod {
  from: LocalDate;
  to: LocalDate; // inclusive
  days: number;
  /** Reference rate + margin. */
  rateBasisPoints: number;
  interestOre: number;
  /** The half-year lies after the last configured rate: the latest rate was used as a stand-in. */
  estimated: boolean;
}

export interface LatePaymentInterest {
  interestOre: number;
  periods: InterestPeriod[];
  estimated: boolean;
}

/** Interest on `capitalOre` for every day from `from` to `to`, both inclusive (none if `to` < `from`). */
export function computeLatePaymentInterest(args: {
  capitalOre: number;
  from: LocalDate;
  to: LocalDate;
  rates: ReferenceRateTable;
  marginBasisPoints?: number;
}): LatePaymentInterest {
  const { capitalOre, from, to, rates, marginBasisPoints = STATUTORY_MARGIN_BASIS_POINTS } = args;
  if (!Number.isSafeInteger(capitalOre) || capitalOre < 0) {
    throw new RangeError(`capitalOre must be a non-negative integer, got ${capitalOre}`);
  }
  if (!Number.isSafeInteger(marginBasisPoints)) throw new RangeError('marginBasisPoints must be an integer');
  if (!isLocalDate(from) || !isLocalDate(to)) throw new RangeError(`Not calendar dates: ${from}, ${to}`);
  if (to < from) return { interestOre: 0, periods: [], estimated: false };

  const table = sortedRates(rates);
  if (table.length === 0 || from < table[0].from) throw new InterestRateUnknownError(from);
  const knownUntil = endOfHalfYear(table[table.length - 1].from);

  const periods: InterestPeriod[] = [];
  let start = from;
  while (start <= to) {
    const i = lastIndexOnOrBefore(table, start);
    const estimated = start > knownUntil;
    // The period ends before the next configured change, or (past the table) at the half-year end.
    const boundary = estimated ? endOfHalfYear(start) : i + 1 < table.length ? addDays(table[i + 1].from, -1) : knownUntil;
    const end = boundary < to ? boundary : to;
    const rateBasisPoints = table[i].rateBasisPoints + marginBasisPoints;
    if (rateBasisPoints < 0) throw new RangeError(`Negative interest rate from ${start}`);
    const days = daysBetween(start, end) + 1;
    periods.push({ from: start, to: end, days, rateBasisPoints, interestOre: periodInterest(capitalOre, rateBasisPoints, days), estimated });
    start = addDays(end, 1);
  }
  const total = periods.reduce((sum, p) => sum + BigInt(p.interestOre), 0n);
  return { interestOre: toSafeNumber(total), periods, estimated: periods.some((p) => p.estimated) };
}

/** capital × rate × days / (10 000 bp × 365), rounded half up, exact in BigInt. */
function periodInterest(capitalOre: number, rateBasisPoints: number, days: number): number {
  const numerator = BigInt(capitalOre) * BigInt(rateBasisPoints) * BigInt(days);
  const denominator = 10_000n * 365n;
  return toSafeNumber((numerator * 2n + denominator) / (2n * denominator)); // non-negative: floor(x + ½)
}

function toSafeNumber(n: bigint): number {
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError('Amount exceeds the safe integer range');
  return Number(n);
}

function sortedRates(rates: ReferenceRateTable): ReferenceRateTable {
  const table = [...rates].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  table.forEach((r, i) => {
    if (!isLocalDate(r.from)) throw new RangeError(`Reference rate date is not a date: ${r.from}`);
    if (!Number.isSafeInteger(r.rateBasisPoints)) throw new RangeError(`Reference rate from ${r.from} is not an integer`);
    if (i > 0 && table[i - 1].from === r.from) throw new RangeError(`Two reference rates from ${r.from}`);
  });
  return table;
}

function lastIndexOnOrBefore(table: ReferenceRateTable, date: LocalDate): number {
  let i = table.length - 1;
  while (table[i].from > date) i--;
  return i;
}

function endOfHalfYear(date: LocalDate): LocalDate {
  return `${date.slice(0, 4)}-${Number(date.slice(5, 7)) <= 6 ? '06-30' : '12-31'}`;
}
