// The claim a case is expected to carry on a given day: capital + dröjsmålsränta + statutory fees.
// For SHOWING the figure (confirmation step, case view); the partner's own figures are the truth.
import { addDays, isLocalDate, lastDayToPayOnTime, type LocalDate } from './calendar';
import { applicableFees, DEFAULT_FEE_SCHEDULE, type CollectionStage, type Fee, type FeeSchedule } from './fees';
import { computeLatePaymentInterest, DEFAULT_REFERENCE_RATES, type ReferenceRateTable } from './interest';

export interface ExpectedClaim {
  capitalOre: number;
  interestOre: number;
  fees: Fee[];
  feesOre: number;
  totalOre: number;
  /** Part of the interest used a stand-in rate for a half-year not yet configured. */
  interestEstimated: boolean;
}

/**
 * Nothing but the capital is claimable until the invoice is overdue, i.e. until `asOf` is after
 * the last day to pay on time (due date moved to the next bank day). Once overdue, interest runs
 * from the day after `dueDate` to `asOf`, both inclusive, and the fees of `stage` apply.
 */
export function expectedClaim(args: {
  capitalOre: number;
  dueDate: LocalDate;
  asOf: LocalDate;
  debtorIsCompany: boolean;
  reminderFeeAgreed: boolean;
  stage: CollectionStage;
  rates?: ReferenceRateTable;
  fees?: FeeSchedule;
}): ExpectedClaim {
  const { capitalOre, dueDate, asOf, debtorIsCompany, reminderFeeAgreed, stage } = args;
  const { rates = DEFAULT_REFERENCE_RATES, fees: schedule = DEFAULT_FEE_SCHEDULE } = args;
  if (!Number.isSafeInteger(capitalOre) || capitalOre < 0) {
    throw new RangeError(`capitalOre must be a non-negative integer, got ${capitalOre}`);
  }
  if (!isLocalDate(asOf)) throw new RangeError(`asOf is not a calendar date: ${asOf}`);
  if (asOf <= lastDayToPayOnTime(dueDate)) {
    return { capitalOre, interestOre: 0, fees: [], feesOre: 0, totalOre: capitalOre, interestEstimated: false };
  }
  const interest = computeLatePaymentInterest({ capitalOre, from: addDays(dueDate, 1), to: asOf, rates });
  const fees = applicableFees({ debtorIsCompany, reminderFeeAgreed, stage, on: asOf, schedule });
  const feesOre = fees.reduce((sum, f) => sum + f.amountOre, 0);
  const totalOre = capitalOre + interest.interestOre + feesOre;
  if (!Number.isSafeInteger(totalOre)) throw new RangeError('Claim exceeds the safe integer range');
  return { capitalOre, interestOre: interest.interestOre, fees, feesOre, totalOre, interestEstimated: interest.estimated };
}
