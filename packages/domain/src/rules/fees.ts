// Statutory collection fees, lag (1981:739) om ersättning för inkassokostnader m.m., with the
// amounts of förordning (1981:1057):
//   - betalningspåminnelse (reminder): only if agreed no later than when the debt arose, one per claim (2 §);
//   - inkassokrav (debt-collection demand): one per debt (2 §);
//   - amorteringsplan (instalment plan) (3 §);
//   - förseningsersättning (4 a §, from 2013, directive 2011/7/EU): a business debtor pays a fixed
//     compensation automatically when late, and then no reminder or inkasso fee.
// Kept as dated configuration so a change of the amounts is a new entry, not a code change.
import { isLocalDate, type LocalDate } from './calendar';

export type FeeSchedule = ReadonlyArray<{
  from: LocalDate;
  reminderFeeOre: number;
  debtCollectionFeeOre: number;
  instalmentPlanFeeOre: number;
  businessLatePaymentCompensationOre: number;
}>;
export type FeeRates = FeeSchedule[number];

/** 60 kr, 180 kr, 170 kr and 450 kr, unchanged since 2013. */
export const DEFAULT_FEE_SCHEDULE: FeeSchedule = Object.freeze([
  Object.freeze({
    from: '2013-01-01',
    reminderFeeOre: 6_000,
    debtCollectionFeeOre: 18_000,
    instalmentPlanFeeOre: 17_000,
    businessLatePaymentCompensationOre: 45_000,
  }),
]);

export class FeeScheduleUnknownError extends Error {
  readonly code = 'FEES.SCHEDULE_UNKNOWN' as const;
  constructor(readonly date: LocalDate) {
    super(`No fee schedule is configured for ${date}.`);
    this.name = 'FeeScheduleUnknownError';
  }
}

/** The schedule entry with the latest `from` on or before `on`. */
export function feesInForce(schedule: FeeSchedule, on: LocalDate): FeeRates {
  if (!isLocalDate(on)) throw new RangeError(`Not a calendar date: ${on}`);
  let best: FeeRates | undefined;
  for (const entry of schedule) {
    if (entry.from <= on && (!best || entry.from > best.from)) best = entry;
  }
  if (!best) throw new FeeScheduleUnknownError(on);
  return best;
}

export type FeeKind = 'reminder_fee' | 'debt_collection_fee' | 'late_payment_compensation';
export interface Fee {
  kind: FeeKind;
  amountOre: number;
}
export type CollectionStage = 'reminder' | 'debt_collection';

/**
 * The statutory fees that may be claimed at `stage` on `on`.
 * `reminderSent` (default true) is false when the case started directly with an inkassokrav,
 * which the law allows: then there is no reminder to charge for.
 */
export function applicableFees(args: {
  debtorIsCompany: boolean;
  reminderFeeAgreed: boolean;
  stage: CollectionStage;
  on: LocalDate;
  schedule?: FeeSchedule;
  reminderSent?: boolean;
}): Fee[] {
  const { debtorIsCompany, reminderFeeAgreed, stage, on, schedule = DEFAULT_FEE_SCHEDULE, reminderSent = true } = args;
  const rates = feesInForce(schedule, on);
  // 4 a §: a business debtor owes förseningsersättning instead of reminder and inkasso fees.
  if (debtorIsCompany) return [{ kind: 'late_payment_compensation', amountOre: rates.businessLatePaymentCompensationOre }];
  const fees: Fee[] = [];
  if (reminderFeeAgreed && reminderSent) fees.push({ kind: 'reminder_fee', amountOre: rates.reminderFeeOre });
  if (stage === 'debt_collection') fees.push({ kind: 'debt_collection_fee', amountOre: rates.debtCollectionFeeOre });
  return fees;
}
