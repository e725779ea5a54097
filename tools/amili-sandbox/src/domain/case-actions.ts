/**
 * What can happen to a case after registration: payments (to the partner or to the creditor), the
 * creditor's crediting, cancellation and respite, and the debtor's dispute or bankruptcy. Each checks
 * that the case allows it (else `CaseConflict`) before it changes anything.
 */
import { dayToIso, DAY_MS, epochDay } from '../dates';
import { newId } from '../identity';
import { formatSek } from '../money';
import { type Tx } from '../state/store';
import { type CaseRecord, type PaymentRecord } from '../state/types';
import { balances, isClosed, settleInterest } from './ledger';
import { log, setStatus } from './lifecycle';

/** The case's state does not allow the action (closed, already disputed, …). */
export class CaseConflict extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CaseConflict';
  }
}

export interface Outcome {
  /** Remarks that do not stop the action (`status: "warning"`). */
  messages: string[];
}

/** Brings the interest up to now: kept even when the action is then refused, which the case's readers do not see. */
function settleInterestOf(tx: Tx, record: CaseRecord): void {
  settleInterest(record, tx.now);
  tx.changedUnversioned(record);
}

function assertOpen(record: CaseRecord): void {
  if (isClosed(record)) throw new CaseConflict(`Case ${record.id} is closed (${record.status}).`);
}

/** The debtor pays the partner: costs first, then interest, then capital (avräkningsordning). */
export function payByDebtor(tx: Tx, record: CaseRecord, amountOre: number): PaymentRecord {
  assertOpen(record);
  settleInterestOf(tx, record);
  const owed = balances(record, tx.now);
  if (amountOre > owed.totalRemainingOre) {
    throw new CaseConflict(`The payment ${formatSek(amountOre)} exceeds what remains (${formatSek(owed.totalRemainingOre)}).`);
  }
  let rest = amountOre;
  const costsOre = Math.min(rest, owed.costsRemainingOre);
  rest -= costsOre;
  const interestOre = Math.min(rest, owed.interestRemainingOre);
  rest -= interestOre;
  const capitalOre = rest;
  record.costsPaidOre += costsOre;
  record.interest.paidOre += interestOre;
  record.capitalRemainingOre -= capitalOre;
  const payment: PaymentRecord = { id: newId('p'), amountOre, at: tx.now, origin: 'debtor', reference: null, allocation: { costsOre, interestOre, capitalOre } };
  record.payments.push(payment);
  log(record, tx.now, `Inbetalning från gäldenären ${formatSek(amountOre)}`);
  if (amountOre === owed.totalRemainingOre) close(record, tx.now, 'paid', 'paid_in_full', 'Ärendet slutbetalt');
  tx.touchCase(record);
  return payment;
}

/**
 * The debtor paid the creditor directly: it reduces the capital only (the fees and the interest are
 * the partner's and the creditor did not collect them); covering the capital closes the case as paid.
 */
export function payToCreditor(tx: Tx, record: CaseRecord, amountOre: number, paymentDay: number, reference: string | null): Outcome {
  assertOpen(record);
  settleInterestOf(tx, record);
  const messages: string[] = [];
  const capitalOre = Math.min(amountOre, record.capitalRemainingOre);
  if (amountOre > capitalOre) {
    messages.push(`The payment exceeds the remaining capital by ${formatSek(amountOre - capitalOre)}; the excess is not allocated.`);
  }
  record.capitalRemainingOre -= capitalOre;
  record.payments.push({ id: newId('p'), amountOre, at: paymentDay * DAY_MS, origin: 'creditor', reference, allocation: { costsOre: 0, interestOre: 0, capitalOre } });
  log(record, tx.now, `Betalning direkt till borgenären ${formatSek(amountOre)} (${dayToIso(paymentDay)}) rapporterad`);
  if (record.capitalRemainingOre === 0) {
    writeOffFeesAndInterest(record, tx.now);
    close(record, tx.now, 'paid', 'paid_to_creditor', 'Ärendet slutbetalt (betalt till borgenären)');
  }
  tx.touchCase(record);
  return { messages };
}

/** The creditor credits the claim: all of it, whatever `amountOre` says (a differing amount is remarked on). */
export function credit(tx: Tx, record: CaseRecord, amountOre: number | null): Outcome {
  assertOpen(record);
  settleInterestOf(tx, record);
  const remaining = record.capitalRemainingOre;
  const messages =
    amountOre !== null && amountOre !== remaining
      ? [`The credited amount ${formatSek(amountOre)} differs from the remaining capital ${formatSek(remaining)}; the whole claim is credited.`]
      : [];
  record.capitalRemainingOre = 0;
  writeOffFeesAndInterest(record, tx.now);
  close(record, tx.now, 'credited', 'credited', `Fordran krediterad (${formatSek(remaining)})`);
  tx.touchCase(record);
  return { messages };
}

export function cancel(tx: Tx, record: CaseRecord, reason: string | null): Outcome {
  assertOpen(record);
  close(record, tx.now, 'cancelled', 'cancelled_by_creditor', reason ? `Ärendet återkallat av borgenären: ${reason}` : 'Ärendet återkallat av borgenären');
  tx.touchCase(record);
  return { messages: [] };
}

/** Anstånd until a date: the lifecycle pauses and resumes by itself at 00:00 GMT that day. */
export function grantRespite(tx: Tx, record: CaseRecord, untilDay: number): Outcome {
  assertOpen(record);
  if (record.status === 'disputed') throw new CaseConflict(`Case ${record.id} is disputed: collection is already stopped.`);
  if (untilDay <= epochDay(tx.now)) throw new CaseConflict(`The respite must end after today (${dayToIso(epochDay(tx.now))}).`);
  const messages = record.status === 'respite' ? [`The respite until ${dayToIso(record.respiteUntilDay ?? untilDay)} is replaced.`] : [];
  record.respiteUntilDay = untilDay;
  setStatus(record, 'respite', tx.now);
  log(record, tx.now, `Anstånd till ${dayToIso(untilDay)}`);
  tx.touchCase(record);
  return { messages };
}

/** The debtor objects: collection stops (a running respite ends, the dispute takes over). */
export function dispute(tx: Tx, record: CaseRecord): void {
  assertOpen(record);
  if (record.status === 'disputed') throw new CaseConflict(`Case ${record.id} is already disputed.`);
  record.respiteUntilDay = null;
  setStatus(record, 'disputed', tx.now);
  log(record, tx.now, 'Gäldenären har bestritt kravet; indrivningen är stoppad');
  tx.touchCase(record);
}

export function resolveDispute(tx: Tx, record: CaseRecord): void {
  if (record.status !== 'disputed') throw new CaseConflict(`Case ${record.id} is not disputed (${record.status}).`);
  setStatus(record, 'active', tx.now);
  log(record, tx.now, 'Tvisten är löst; indrivningen fortsätter');
  tx.touchCase(record);
}

export function bankrupt(tx: Tx, record: CaseRecord): void {
  assertOpen(record);
  close(record, tx.now, 'written_off', 'bankruptcy', 'Gäldenären är försatt i konkurs; ärendet avskrivet');
  tx.touchCase(record);
}

export function reject(tx: Tx, record: CaseRecord, reason: string): void {
  assertOpen(record);
  record.rejectReason = reason;
  close(record, tx.now, 'rejected', 'rejected', `Ärendet avvisat: ${reason}`);
  tx.touchCase(record);
}

function close(record: CaseRecord, at: number, status: 'paid' | 'cancelled' | 'credited' | 'written_off' | 'rejected', reason: string, text: string): void {
  setStatus(record, status, at);
  record.closedReason = reason;
  record.respiteUntilDay = null;
  log(record, at, text);
}

/** When the capital is settled other than by the debtor paying the partner, the partner drops the rest. */
function writeOffFeesAndInterest(record: CaseRecord, at: number): void {
  const owed = balances(record, at);
  record.costsWrittenOffOre += owed.costsRemainingOre;
  record.interest.writtenOffOre += owed.interestRemainingOre;
}
