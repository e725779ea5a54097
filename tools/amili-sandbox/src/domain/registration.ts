/**
 * Case registration: each debt becomes one case. Idempotent on creditor + invoice number while that
 * invoice has an open case. A debt the creditor already settled (a case closed as paid or credited)
 * is refused and recorded: `status: "error"`, no cases, nothing created.
 */
import { dayToIso, epochDay } from '../dates';
import { newId, ocrFor } from '../identity';
import { formatSek } from '../money';
import { casesOfInvoice } from '../state/cases-by-invoice';
import { type Tx } from '../state/store';
import { type CaseRecord, type Debtor, type FirstAction, type RegistrationRecord } from '../state/types';
import { isClosed } from './ledger';
import { addCost, log, scheduleFirstStep } from './lifecycle';
import { feesOn } from './rules';

export interface DebtInput {
  invoiceNumber: string;
  debtDescription: string | null;
  invoiceDay: number;
  capitalOre: number;
  dueDays: number;
  reminderFeeChargedOre: number;
}

export interface RegistrationInput {
  creditor: string;
  firstAction: FirstAction;
  customer: Debtor;
  debts: DebtInput[];
}

export interface RegistrationResult {
  registration: RegistrationRecord;
  /** How many new cases were opened (0: everything was already registered, or refused). */
  created: number;
}

/** Statuses that mean the debt itself is gone: registering it again is refused. */
const SETTLED = new Set(['paid', 'credited']);

export function register(tx: Tx, input: RegistrationInput): RegistrationResult {
  const creditor = tx.state.creditors[input.creditor];
  if (!creditor) throw new Error(`Unknown creditor ${input.creditor}`); // checked by the caller
  const registration: RegistrationRecord = { id: newId('r'), created: tx.now, updated: tx.now, version: 1, creditor: creditor.id, status: 'completed', messages: [], cases: [] };

  const refusals: string[] = [];
  const plan = input.debts.map((debt) => {
    const earlier = casesOfInvoice(tx, creditor.id, debt.invoiceNumber).sort((a, b) => b.created - a.created);
    const open = earlier.find((c) => !isClosed(c));
    if (open) return { debt, existing: open };
    const settled = earlier.find((c) => SETTLED.has(c.status));
    if (settled) refusals.push(`Invoice ${debt.invoiceNumber} is already closed as ${settled.status} (case ${settled.id}); it cannot be registered again.`);
    return { debt, existing: undefined };
  });

  if (refusals.length > 0) {
    registration.status = 'error';
    registration.messages = refusals;
    tx.put('registrations', registration.id, registration);
    return { registration, created: 0 };
  }

  let created = 0;
  for (const { debt, existing } of plan) {
    if (existing) {
      registration.messages.push(`Invoice ${debt.invoiceNumber} already has an open case (${existing.id}); no new case was created.`);
      registration.cases.push({ id: existing.id, invoiceNumber: existing.invoiceNumber, ocr: existing.ocr });
      continue;
    }
    const record = openCase(tx, registration, input, debt, creditor.reminderFeeAgreed);
    registration.messages.push(...remarks(record, debt, creditor.reminderFeeAgreed, tx.now));
    registration.cases.push({ id: record.id, invoiceNumber: record.invoiceNumber, ocr: record.ocr });
    created += 1;
  }
  if (registration.messages.length > 0) registration.status = 'warning';
  tx.put('registrations', registration.id, registration);
  return { registration, created };
}

function openCase(tx: Tx, registration: RegistrationRecord, input: RegistrationInput, debt: DebtInput, reminderFeeAgreed: boolean): CaseRecord {
  tx.state.ocrSequence += 1;
  const dueDay = debt.invoiceDay + debt.dueDays;
  const record: CaseRecord = {
    id: newId('c'),
    created: tx.now,
    updated: tx.now,
    version: 0,
    creditor: input.creditor,
    registration: registration.id,
    invoiceNumber: debt.invoiceNumber,
    debtDescription: debt.debtDescription,
    invoiceDay: debt.invoiceDay,
    dueDay,
    ocr: ocrFor(tx.state.ocrSequence),
    debtor: { ...input.customer, address: { ...input.customer.address } },
    firstAction: input.firstAction,
    reminderFeeAgreed,
    state: 'initializing',
    status: 'active',
    stateHistory: [{ state: 'initializing', at: tx.now }],
    statusHistory: [{ status: 'active', at: tx.now }],
    closedReason: null,
    rejectReason: null,
    respiteUntilDay: null,
    next: null,
    capitalOriginalOre: debt.capitalOre,
    capitalRemainingOre: debt.capitalOre,
    // Dröjsmålsränta runs from the day after the due date, also for the days before registration.
    interest: { numerator: '0', throughDay: dueDay, paidOre: 0, writtenOffOre: 0 },
    costs: [],
    costsPaidOre: 0,
    costsWrittenOffOre: 0,
    payments: [],
    log: [],
  };
  log(record, tx.now, `Ärendet registrerat (faktura ${debt.invoiceNumber}, ${formatSek(debt.capitalOre)}, förfallen ${dayToIso(dueDay)})`);
  // A reminder fee the creditor already charged is claimed (capped by the law) when it was agreed;
  // the partner's own reminder then adds none (one per claim).
  if (!input.customer.isCompany && reminderFeeAgreed && debt.reminderFeeChargedOre > 0) {
    addCost(record, 'reminder_fee', Math.min(debt.reminderFeeChargedOre, feesOn(epochDay(tx.now)).reminderFeeOre), tx.now);
  }
  scheduleFirstStep(record, tx.now);
  tx.put('cases', record.id, record);
  tx.createdCases.push(record.id);
  tx.touchCase(record);
  return record;
}

/** Remarks on a new case that do not stop it (`status: "warning"`). */
function remarks(record: CaseRecord, debt: DebtInput, reminderFeeAgreed: boolean, now: number): string[] {
  const messages: string[] = [];
  const maxReminderFee = feesOn(epochDay(now)).reminderFeeOre;
  if (debt.reminderFeeChargedOre > 0) {
    if (record.debtor.isCompany) {
      messages.push(`Invoice ${debt.invoiceNumber}: a business debtor pays late payment compensation instead; the reminder fee charged is not claimed.`);
    } else if (!reminderFeeAgreed) {
      messages.push(`Invoice ${debt.invoiceNumber}: the creditor has no reminder fee agreement; the reminder fee charged is not claimed.`);
    } else if (debt.reminderFeeChargedOre > maxReminderFee) {
      messages.push(`Invoice ${debt.invoiceNumber}: the reminder fee charged exceeds ${formatSek(maxReminderFee)}; only that is claimed.`);
    }
  }
  if (epochDay(now) <= record.dueDay) {
    messages.push(`Invoice ${debt.invoiceNumber} is not overdue yet (due ${dayToIso(record.dueDay)}).`);
  }
  return messages;
}
