/**
 * What a case's debtor owes right now. Interest is not stored per day: the exact numerator is settled
 * whenever the capital changes or the case closes, and the days since are added when the case is read.
 * (So interest accrual alone is not an update: `_updated`/`_etag` move only when something happens.)
 */
import { epochDay } from '../dates';
import { CLOSED_STATUSES, type CaseRecord } from '../state/types';
import { interestNumerator, interestOre, interestRateOn } from './rules';

export interface Balances {
  capitalRemainingOre: number;
  /** Dröjsmålsränta in basis points today (or on the day the case closed). */
  interestRateBasisPoints: number;
  interestAccruedOre: number;
  interestRemainingOre: number;
  costsTotalOre: number;
  costsRemainingOre: number;
  totalRemainingOre: number;
}

export function isClosed(record: CaseRecord): boolean {
  return CLOSED_STATUSES.has(record.status);
}

/** The exact accrued numerator through `day`; a closed case stopped accruing when it closed. */
function numeratorThrough(record: CaseRecord, day: number): bigint {
  const settled = BigInt(record.interest.numerator);
  if (isClosed(record) || day <= record.interest.throughDay) return settled;
  return settled + interestNumerator(record.capitalRemainingOre, record.interest.throughDay, day);
}

/** Books the interest accrued through the day of `at`: call before the capital changes or the case closes. */
export function settleInterest(record: CaseRecord, at: number): void {
  const day = epochDay(at);
  if (isClosed(record) || day <= record.interest.throughDay) return;
  record.interest.numerator = numeratorThrough(record, day).toString();
  record.interest.throughDay = day;
}

export function balances(record: CaseRecord, now: number): Balances {
  const day = isClosed(record) ? Math.min(epochDay(now), record.interest.throughDay) : epochDay(now);
  const interestAccruedOre = interestOre(numeratorThrough(record, day));
  const interestRemainingOre = Math.max(0, interestAccruedOre - record.interest.paidOre - record.interest.writtenOffOre);
  const costsTotalOre = record.costs.reduce((sum, cost) => sum + cost.amountOre, 0);
  const costsRemainingOre = costsTotalOre - record.costsPaidOre - record.costsWrittenOffOre;
  return {
    capitalRemainingOre: record.capitalRemainingOre,
    interestRateBasisPoints: interestRateOn(Math.max(day, record.dueDay + 1)),
    interestAccruedOre,
    interestRemainingOre,
    costsTotalOre,
    costsRemainingOre,
    totalRemainingOre: record.capitalRemainingOre + interestRemainingOre + costsRemainingOre,
  };
}
