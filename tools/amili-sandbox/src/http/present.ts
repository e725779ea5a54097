/** Internal records → the partner's wire representation (RFC 1123 dates, decimal SEK). */
import { dayToRfc1123, epochDay, toRfc1123, toSecond } from '../dates';
import { balances, isClosed } from '../domain/ledger';
import { payoutAmountOre } from '../domain/payouts';
import { oreToSek } from '../money';
import { quietChangesOf } from '../state/quiet-changes';
import { etagOf } from '../state/store';
import { type CaseRecord, type CreditorRecord, type PayoutRecord, type RegistrationRecord, type ResourceMeta } from '../state/types';

export type Resource = Record<string, unknown> & { _id: string; _updated: string };

function meta(record: ResourceMeta): { _id: string; _created: string; _updated: string; _etag: string } {
  return { _id: record.id, _created: toRfc1123(toSecond(record.created)), _updated: toRfc1123(toSecond(record.updated)), _etag: etagOf(record) };
}

export function presentCreditor(creditor: CreditorRecord): Resource {
  return {
    ...meta(creditor),
    organization_number: creditor.organizationNumber,
    name: creditor.name,
    address: creditor.address,
    reminder_fee_agreed: creditor.reminderFeeAgreed,
  };
}

/** The answer to `POST /case--registrations` (no `cases` when refused). */
export function presentRegistrationAnswer(registration: RegistrationRecord): Record<string, unknown> {
  const answer: Record<string, unknown> = { _id: registration.id, status: registration.status, messages: registration.messages };
  if (registration.status !== 'error') {
    answer.cases = registration.cases.map((c) => ({ _id: c.id, invoice_number: c.invoiceNumber, ocr: c.ocr }));
  }
  return answer;
}

export function presentRegistration(registration: RegistrationRecord): Resource {
  return { ...meta(registration), creditor: registration.creditor, ...presentRegistrationAnswer(registration) };
}

/** Cases as last presented: a list presents every case, and most have not changed since the last one. */
const presentedCases = new WeakMap<CaseRecord, { version: number; quietChanges: number; day: number; resource: Resource }>();

/**
 * The case as the API shows it. It depends on the day (the interest accrued by then), so it is kept per
 * version and day; callers must not change what they get.
 */
export function presentCase(record: CaseRecord, now: number): Resource {
  const day = epochDay(now);
  const quiet = quietChangesOf(record);
  const kept = presentedCases.get(record);
  if (kept && kept.version === record.version && kept.quietChanges === quiet && kept.day === day) return kept.resource;
  const resource = presentCaseAt(record, now);
  presentedCases.set(record, { version: record.version, quietChanges: quiet, day, resource });
  return resource;
}

function presentCaseAt(record: CaseRecord, now: number): Resource {
  const owed = balances(record, now);
  return {
    ...meta(record),
    creditor: record.creditor,
    invoice_number: record.invoiceNumber,
    ocr: record.ocr,
    debtor: { name: record.debtor.name, id_number: record.debtor.idNumber, is_company: record.debtor.isCompany },
    state: record.state,
    status: record.status,
    state_history: record.stateHistory.map((h) => ({ state: h.state, date: toRfc1123(h.at) })),
    status_history: record.statusHistory.map((h) => ({ status: h.status, date: toRfc1123(h.at) })),
    closed: isClosed(record),
    closed_reason: record.closedReason,
    respite_until: record.respiteUntilDay === null ? null : dayToRfc1123(record.respiteUntilDay),
    reject_reason: record.rejectReason,
    capital: { original: oreToSek(record.capitalOriginalOre), remaining: oreToSek(owed.capitalRemainingOre) },
    interest: { rate: owed.interestRateBasisPoints / 100, accrued: oreToSek(owed.interestAccruedOre), remaining: oreToSek(owed.interestRemainingOre) },
    costs: record.costs.map((cost) => ({ type: cost.type, amount: oreToSek(cost.amountOre), date: toRfc1123(cost.at) })),
    remaining_costs: oreToSek(owed.costsRemainingOre),
    total_remaining: oreToSek(owed.totalRemainingOre),
    payments: record.payments.map((p) => ({
      _id: p.id,
      amount: oreToSek(p.amountOre),
      date: toRfc1123(p.at),
      origin: p.origin,
      allocation: { costs: oreToSek(p.allocation.costsOre), interest: oreToSek(p.allocation.interestOre), capital: oreToSek(p.allocation.capitalOre) },
    })),
  };
}

export function presentPayout(payout: PayoutRecord): Resource {
  return {
    ...meta(payout),
    creditor: payout.creditor,
    payout_date: dayToRfc1123(payout.payoutDay),
    currency: 'SEK',
    amount: oreToSek(payoutAmountOre(payout)),
    reference: payout.reference,
    items: payout.items.map((item) => ({
      case: item.case,
      invoice_number: item.invoiceNumber,
      payment: item.payment,
      capital: oreToSek(item.capitalOre),
      interest: oreToSek(item.interestOre),
    })),
  };
}
