/**
 * Payouts (utbetalningar): the partner keeps the fees and pays the capital and interest it collected
 * from debtors to the creditor by bank transfer. Each debtor payment is paid out once, by the first
 * run after it was made: the automatic one at the next midnight (UTC, the sandbox calendar), or an
 * earlier one on demand. A run makes one payout per creditor that has something to pay.
 */
import { DAY_MS, epochDay } from '../dates';
import { newId, payoutReferenceFor } from '../identity';
import { type Tx } from '../state/store';
import { type CaseRecord, type PaymentRecord, type PayoutRecord, type SandboxState } from '../state/types';

interface Pending {
  record: CaseRecord;
  payment: PaymentRecord;
}

/** Debtor payments no run has taken yet. */
function pending(state: Readonly<SandboxState>): Pending[] {
  return Object.values(state.cases).flatMap((record) => record.payments.filter(awaitsPayout).map((payment) => ({ record, payment })));
}

function awaitsPayout(payment: PaymentRecord): boolean {
  return payment.origin === 'debtor' && payment.payout === undefined;
}

/** The day of the automatic run that pays `payment` out: the one after it was made. */
function runDayOf(payment: PaymentRecord): number {
  return epochDay(payment.at) + 1;
}

/**
 * The automatic runs: every midnight passed is a run for the payments of the day before it. Dated at
 * that midnight even when applied later (a clock advance, a restart), as the lifecycle dates its steps.
 * `candidates` must hold every case with a payment whose run is due (the lifecycle's due index finds them).
 */
export function payOutDue(tx: Tx, candidates: readonly CaseRecord[]): PayoutRecord[] {
  const today = epochDay(tx.now);
  const byDay = new Map<number, Pending[]>();
  for (const record of candidates) {
    for (const payment of record.payments) {
      if (!awaitsPayout(payment)) continue;
      const day = runDayOf(payment);
      if (day <= today) byDay.set(day, [...(byDay.get(day) ?? []), { record, payment }]);
    }
  }
  return [...byDay.entries()].sort(([a], [b]) => a - b).flatMap(([day, entries]) => payOut(tx, entries, day));
}

/** When the next automatic run has something of this case's to pay out: the midnight after its oldest payment not yet taken. */
export function payoutRunDueAt(record: CaseRecord): number {
  let next = Infinity;
  for (const payment of record.payments) if (awaitsPayout(payment)) next = Math.min(next, runDayOf(payment) * DAY_MS);
  return next;
}

/** A run on demand: everything not yet paid out, dated today. */
export function runPayouts(tx: Tx): PayoutRecord[] {
  return payOut(tx, pending(tx.state), epochDay(tx.now));
}

function payOut(tx: Tx, entries: Pending[], payoutDay: number): PayoutRecord[] {
  const byCreditor = new Map<string, Pending[]>();
  for (const entry of entries) byCreditor.set(entry.record.creditor, [...(byCreditor.get(entry.record.creditor) ?? []), entry]);
  const payouts: PayoutRecord[] = [];
  for (const [creditor, own] of [...byCreditor.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    own.sort((a, b) => a.payment.at - b.payment.at || (a.payment.id < b.payment.id ? -1 : 1));
    const owed: Pending[] = [];
    for (const entry of own) {
      const { capitalOre, interestOre } = entry.payment.allocation;
      if (capitalOre + interestOre > 0) owed.push(entry);
      else {
        entry.payment.payout = null; // fees only: nothing for the creditor, and no item of 0 kr
        tx.changedUnversioned(entry.record);
      }
    }
    if (owed.length === 0) continue;
    tx.state.payoutSequence += 1;
    const payout: PayoutRecord = {
      id: newId('po'),
      created: tx.now,
      updated: tx.now,
      version: 1,
      creditor,
      payoutDay,
      reference: payoutReferenceFor(tx.state.payoutSequence),
      items: owed.map(({ record, payment }) => ({
        case: record.id,
        invoiceNumber: record.invoiceNumber,
        payment: payment.id,
        capitalOre: payment.allocation.capitalOre,
        interestOre: payment.allocation.interestOre,
      })),
    };
    // Which payout took a payment is not part of the case as the API shows it: its version stays.
    for (const { record, payment } of owed) {
      payment.payout = payout.id;
      tx.changedUnversioned(record);
    }
    tx.put('payouts', payout.id, payout);
    payouts.push(payout);
  }
  return payouts;
}

export function payoutAmountOre(payout: PayoutRecord): number {
  return payout.items.reduce((sum, item) => sum + item.capitalOre + item.interestOre, 0);
}
