/**
 * The receivable: one invoice and its reminder cases, in one stream.
 *
 * Why one stream: both cross-aggregate invariants — at most one open case per invoice, and no credit
 * while a case is open — are about one invoice. Keeping the invoice's facts and its cases' events in the
 * same stream makes every command a single-stream append with an expected version, so the invariants
 * hold under concurrent requests on every event store, EventStoreDB included, without multi-stream
 * transactions. Each case keeps its own id; its audit trail is the stream's events carrying that id.
 */
import { type Actor, type CommandContext, type Decider, type DomainEvent, assertNever } from '../shared/decider';
import { refuse } from '../shared/errors';
import { isOverdue, lastDayToPayOnTime, stockholmDate } from '../rules/calendar';
import { parseIdentityNumber } from '../rules/identity-numbers';
import {
  type InvoiceDetails,
  type TaxReductionType,
  changedFields,
  customerShareOre,
  deepEqual,
  validateInvoice,
} from './invoice';
import {
  ACTIVE_CASE_STATUSES,
  type ActiveCaseStatus,
  type CaseStatus,
  PAUSABLE,
  TERMINAL_CASE_STATUSES,
  type ReminderCase,
  STAGE_TRANSITIONS,
  type StageStatus,
  isTerminal,
} from './reminder-case';

export type PaymentSource = 'manual' | 'bank' | 'partner';

// ---------------------------------------------------------------------------------------------- events

type CaseEvent<Type extends string, Data = object> = DomainEvent<Type, Data & { caseId: string }>;

export type ReceivableEvent =
  | DomainEvent<'InvoiceReceived', { invoice: InvoiceDetails; receivedAt: string }>
  | DomainEvent<'InvoiceUpdated', { invoice: InvoiceDetails; changedFields: string[] }>
  | DomainEvent<'InvoiceCredited', { creditedAt: string; reason?: string; caseId?: string }>
  | DomainEvent<
      'PaymentRegistered',
      {
        paymentId: string;
        amountOre: number;
        paidOn: string;
        reference?: string;
        source: PaymentSource;
        remainingClaimOre: number;
        caseId?: string;
      }
    >
  | DomainEvent<'TaxReductionClaimReady', { type: TaxReductionType; amountOre: number; readyOn: string }>
  | CaseEvent<
      'ReminderCaseRequested',
      {
        claimOre: number;
        requestedAt: string;
        requestedBy: Actor;
        invoiceNumber: string;
        dueDate: string;
        lastDayToPay: string;
        customerShareOre: number;
        paidOre: number;
      }
    >
  | CaseEvent<'ReminderCaseRegistered', { partnerCaseId: string; partnerOcr?: string }>
  /** The partner's answer to the registration, come after the case ended here (closed meanwhile): its reference is kept, the status stays. */
  | CaseEvent<'ReminderCaseRegisteredAfterEnd', { partnerCaseId: string; partnerOcr?: string }>
  | CaseEvent<'ReminderCaseReminderSent', { sentOn: string; feeOre: number }>
  | CaseEvent<'ReminderCaseDebtCollectionStarted', { sentOn: string; feeOre: number }>
  | CaseEvent<'ReminderCaseDecisionRequired', { on: string }>
  | CaseEvent<'ReminderCaseSentToEnforcement', { on: string }>
  | CaseEvent<'ReminderCaseUnderSurveillance', { on: string }>
  | CaseEvent<'ReminderCaseDisputed', { on: string; reason?: string }>
  | CaseEvent<'ReminderCaseDisputeResolved', { on: string; resumedStage: StageStatus; outcome?: string }>
  | CaseEvent<'ReminderCasePaused', { until: string; reason?: string }>
  | CaseEvent<'ReminderCaseResumed', { resumedStage: StageStatus; automatic: boolean }>
  | CaseEvent<'ReminderCasePartlyPaid', { paymentId: string; amountOre: number; remainingClaimOre: number }>
  | CaseEvent<'ReminderCasePaid', { paymentId: string; paidOre: number; endedAt: string }>
  | CaseEvent<'ReminderCaseClosed', { reason: string; closedBy: Actor; endedAt: string }>
  | CaseEvent<'ReminderCaseRejected', { reason: string; endedAt: string }>
  | CaseEvent<'ReminderCaseCredited', { endedAt: string; reason?: string }>
  | CaseEvent<'ReminderCaseWrittenOff', { reason: string; endedAt: string }>
  | CaseEvent<'ReminderCaseNeedsAttention', { rawState: string; rawStatus?: string; seenAt: string }>
  /** Reconciliation with the partner found (and healed) these divergences. */
  | CaseEvent<'ReminderCaseReconciled', { findings: string[]; on: string }>;

export type ReceivableEventType = ReceivableEvent['type'];

// -------------------------------------------------------------------------------------------- commands

type Cmd<Type extends string, Data = object> = CommandContext & { type: Type; data: Data };
/** Partner-reported steps name the case they are about. */
type PartnerCmd<Type extends string, Data = object> = Cmd<Type, Data & { caseId: string }>;

export type ReceivableCommand =
  | Cmd<'UpsertInvoice', { invoice: InvoiceDetails }>
  | Cmd<'CreditInvoice', { reason?: string }>
  | Cmd<'RegisterPayment', { paymentId: string; amountOre: number; paidOn: string; reference?: string; source: PaymentSource }>
  | Cmd<
      'SendToReminderHandling',
      {
        caseId: string;
        /** Whether the company has activated the service for the terms in force (read from its stream). */
        companyActive: boolean;
        /** The claim the user saw and confirmed; refused if it no longer matches. */
        confirmedClaimOre?: number;
      }
    >
  | Cmd<'CloseReminderCase', { reason: string }>
  | Cmd<'PauseReminderCase', { until: string; reason?: string }>
  | Cmd<'ResumeReminderCase', object>
  | PartnerCmd<'RecordPartnerRegistration', { partnerCaseId: string; partnerOcr?: string }>
  | PartnerCmd<'RecordPartnerStage', { stage: Exclude<StageStatus, 'requested' | 'registered'>; on: string; feeOre?: number }>
  | PartnerCmd<'RecordDispute', { on: string; reason?: string }>
  | PartnerCmd<'RecordDisputeResolved', { on: string; outcome?: string }>
  | PartnerCmd<'RecordPartnerRejection', { reason: string }>
  | PartnerCmd<'RecordPartnerCrediting', { reason?: string }>
  | PartnerCmd<'RecordWriteOff', { reason: string }>
  | PartnerCmd<'RecordUnknownPartnerStatus', { rawState: string; rawStatus?: string }>
  | PartnerCmd<'RecordReconciliation', { findings: string[] }>;

export type ReceivableCommandType = ReceivableCommand['type'];

// ----------------------------------------------------------------------------------------------- state

export interface ReceivableState {
  invoice: InvoiceDetails | null;
  paidOre: number;
  paymentIds: string[];
  paymentReferences: string[];
  credited: { at: string; reason?: string } | null;
  taxReductionClaimReady: boolean;
  /** The current case if open, else the most recent one (or null). */
  currentCase: ReminderCase | null;
  caseIds: string[];
}

export function remainingClaimOre(state: ReceivableState): number {
  return state.invoice ? Math.max(0, customerShareOre(state.invoice) - state.paidOre) : 0;
}

export function openCase(state: ReceivableState): ReminderCase | null {
  return state.currentCase && !isTerminal(state.currentCase.status) ? state.currentCase : null;
}

function evolveCase(state: ReceivableState, caseId: string, change: (c: ReminderCase) => Partial<ReminderCase>): ReceivableState {
  if (!state.currentCase || state.currentCase.caseId !== caseId) return state;
  return { ...state, currentCase: { ...state.currentCase, ...change(state.currentCase) } };
}

const toStage = (stage: StageStatus) => ({ status: stage as CaseStatus, stage, needsAttention: null });

function evolve(state: ReceivableState, event: ReceivableEvent): ReceivableState {
  switch (event.type) {
    case 'InvoiceReceived':
    case 'InvoiceUpdated':
      return { ...state, invoice: event.data.invoice };
    case 'InvoiceCredited':
      return { ...state, credited: { at: event.data.creditedAt, reason: event.data.reason } };
    case 'PaymentRegistered':
      return {
        ...state,
        paidOre: state.paidOre + event.data.amountOre,
        paymentIds: [...state.paymentIds, event.data.paymentId],
        paymentReferences: event.data.reference ? [...state.paymentReferences, event.data.reference] : state.paymentReferences,
      };
    case 'TaxReductionClaimReady':
      return { ...state, taxReductionClaimReady: true };
    case 'ReminderCaseRequested':
      return {
        ...state,
        caseIds: [...state.caseIds, event.data.caseId],
        currentCase: {
          caseId: event.data.caseId,
          status: 'requested',
          stage: 'requested',
          initialClaimOre: event.data.claimOre,
          requestedAt: event.data.requestedAt,
          requestedBy: event.data.requestedBy.id,
          partnerCaseId: null,
          partnerOcr: null,
          reminderSentOn: null,
          debtCollectionOn: null,
          pausedUntil: null,
          feesOre: 0,
          endedAt: null,
          endReason: null,
          needsAttention: null,
        },
      };
    case 'ReminderCaseRegistered':
      return evolveCase(state, event.data.caseId, () => ({
        ...toStage('registered'),
        partnerCaseId: event.data.partnerCaseId,
        partnerOcr: event.data.partnerOcr ?? null,
      }));
    case 'ReminderCaseRegisteredAfterEnd':
      return evolveCase(state, event.data.caseId, () => ({ partnerCaseId: event.data.partnerCaseId, partnerOcr: event.data.partnerOcr ?? null }));
    case 'ReminderCaseReminderSent':
      return evolveCase(state, event.data.caseId, (c) => ({
        ...toStage('reminder_sent'),
        reminderSentOn: event.data.sentOn,
        feesOre: c.feesOre + event.data.feeOre,
      }));
    case 'ReminderCaseDebtCollectionStarted':
      return evolveCase(state, event.data.caseId, (c) => ({
        ...toStage('debt_collection'),
        debtCollectionOn: event.data.sentOn,
        feesOre: c.feesOre + event.data.feeOre,
      }));
    case 'ReminderCaseDecisionRequired':
      return evolveCase(state, event.data.caseId, () => toStage('decision_required'));
    case 'ReminderCaseSentToEnforcement':
      return evolveCase(state, event.data.caseId, () => toStage('enforcement'));
    case 'ReminderCaseUnderSurveillance':
      return evolveCase(state, event.data.caseId, () => toStage('surveillance'));
    case 'ReminderCaseDisputed':
      // A dispute supersedes a pause: the case returns to its stage when the dispute is resolved.
      return evolveCase(state, event.data.caseId, () => ({ status: 'disputed', pausedUntil: null, needsAttention: null }));
    case 'ReminderCaseDisputeResolved':
      return evolveCase(state, event.data.caseId, () => toStage(event.data.resumedStage));
    case 'ReminderCasePaused':
      return evolveCase(state, event.data.caseId, () => ({ status: 'paused', pausedUntil: event.data.until }));
    case 'ReminderCaseResumed':
      return evolveCase(state, event.data.caseId, () => ({ ...toStage(event.data.resumedStage), pausedUntil: null }));
    case 'ReminderCasePartlyPaid':
    case 'ReminderCaseReconciled':
      return state;
    case 'ReminderCasePaid':
      return evolveCase(state, event.data.caseId, () => ({ status: 'paid', endedAt: event.data.endedAt, needsAttention: null }));
    case 'ReminderCaseClosed':
      return evolveCase(state, event.data.caseId, () => ({
        status: 'closed',
        endedAt: event.data.endedAt,
        endReason: event.data.reason,
        needsAttention: null,
      }));
    case 'ReminderCaseRejected':
      return evolveCase(state, event.data.caseId, () => ({
        status: 'rejected',
        endedAt: event.data.endedAt,
        endReason: event.data.reason,
        needsAttention: null,
      }));
    case 'ReminderCaseCredited':
      return evolveCase(state, event.data.caseId, () => ({
        status: 'credited',
        endedAt: event.data.endedAt,
        endReason: event.data.reason ?? null,
        needsAttention: null,
      }));
    case 'ReminderCaseWrittenOff':
      return evolveCase(state, event.data.caseId, () => ({
        status: 'written_off',
        endedAt: event.data.endedAt,
        endReason: event.data.reason,
        needsAttention: null,
      }));
    case 'ReminderCaseNeedsAttention':
      return evolveCase(state, event.data.caseId, () => ({
        needsAttention: { rawState: event.data.rawState, rawStatus: event.data.rawStatus, seenAt: event.data.seenAt },
      }));
    default:
      return assertNever(event);
  }
}

// ---------------------------------------------------------------------------------------------- decide

function requireInvoice(state: ReceivableState): InvoiceDetails {
  if (!state.invoice) throw refuse.notFound('INVOICE.NOT_FOUND', 'There is no invoice with this number.');
  return state.invoice;
}

function requireOpenCase(state: ReceivableState): ReminderCase {
  requireInvoice(state);
  const current = openCase(state);
  if (!current) throw refuse.conflict('CASE.NOT_OPEN', 'The invoice has no open reminder case.');
  return current;
}

/** Partner steps must name the current, open case. */
function requirePartnerCase(state: ReceivableState, caseId: string): ReminderCase {
  const current = state.currentCase;
  if (!current || current.caseId !== caseId) throw refuse.notFound('CASE.NOT_FOUND', 'There is no such reminder case.');
  if (isTerminal(current.status))
    throw refuse.conflict('CASE.ALREADY_ENDED', `The case has already ended (${current.status}).`, { status: current.status });
  return current;
}

function invalidTransition(from: CaseStatus, to: string) {
  return refuse.conflict('CASE.INVALID_TRANSITION', `A case that is ${from} cannot move to ${to}.`, { from, to });
}

/** Why the invoice cannot be sent now, or null. Shared by `decide` and `allowedActions`. */
function sendRefusal(state: ReceivableState, now: string) {
  const invoice = state.invoice;
  if (!invoice) return refuse.notFound('INVOICE.NOT_FOUND', 'There is no invoice with this number.');
  if (state.credited) return refuse.conflict('INVOICE.CREDITED', 'The invoice has been credited and cannot be sent.');
  if (openCase(state))
    return refuse.conflict('CASE.ALREADY_OPEN', 'The invoice is already in reminder handling.', {
      caseId: state.currentCase?.caseId,
    });
  if (invoice.currency !== 'SEK')
    return refuse.rule('INVOICE.CURRENCY_NOT_SEK', `Only invoices in SEK can be sent; this one is in ${invoice.currency}.`, {
      currency: invoice.currency,
    });
  if (!isOverdue(invoice.dueDate, now)) {
    const lastDay = lastDayToPayOnTime(invoice.dueDate);
    return refuse.rule(
      'INVOICE.NOT_OVERDUE',
      lastDay === invoice.dueDate
        ? `The invoice is not overdue yet: it can be paid on time until ${lastDay}.`
        : `The invoice is not overdue yet: the due date ${invoice.dueDate} is not a bank day, so it can be paid on time until ${lastDay}.`,
      { dueDate: invoice.dueDate, lastDayToPay: lastDay },
    );
  }
  if (remainingClaimOre(state) <= 0) return refuse.rule('INVOICE.NOTHING_TO_CLAIM', 'The customer has already paid their share.');
  const customer = invoice.customer;
  const address = customer.address;
  if (!address?.line1?.trim() || !address.postalCode?.trim() || !address.city?.trim())
    return refuse.rule('CUSTOMER.ADDRESS_INCOMPLETE', "The customer's postal address is incomplete; the partner needs it for letters.");
  if ((address.country ?? '').toUpperCase() !== 'SE')
    return refuse.rule(
      'CUSTOMER.NOT_IN_SWEDEN',
      'The customer has an address outside Sweden; reminder handling covers customers in Sweden only.',
      { country: address.country },
    );
  // Checked after the country: a customer abroad has no Swedish identity number to check.
  const identity = parseIdentityNumber(customer.identityNumber, { isCompany: customer.isCompany, today: stockholmDate(now) });
  if (!identity.ok)
    return refuse.rule('CUSTOMER.INVALID_IDENTITY_NUMBER', `The customer's identity number is not valid: ${identity.reason}`);
  return null;
}

function applyPayment(
  state: ReceivableState,
  command: Extract<ReceivableCommand, { type: 'RegisterPayment' }>,
): ReceivableEvent[] {
  const invoice = requireInvoice(state);
  const { paymentId, amountOre, paidOn, reference, source } = command.data;
  if (!Number.isSafeInteger(amountOre) || amountOre <= 0)
    throw refuse.invalid('PAYMENT.INVALID_AMOUNT', 'A payment must be a positive whole number of öre.');
  if (state.paymentIds.includes(paymentId) || (reference && state.paymentReferences.includes(reference)))
    throw refuse.conflict('PAYMENT.DUPLICATE', 'This payment has already been registered.');
  if (state.credited) throw refuse.conflict('INVOICE.CREDITED', 'The invoice has been credited; payments cannot be registered on it.');
  const remainingBefore = remainingClaimOre(state);
  if (amountOre > remainingBefore)
    throw refuse.rule(
      'PAYMENT.EXCEEDS_REMAINING',
      `The payment (${amountOre} öre) is larger than what remains to be paid (${remainingBefore} öre).`,
      { remainingClaimOre: remainingBefore },
    );
  const remaining = remainingBefore - amountOre;
  const current = openCase(state);
  const events: ReceivableEvent[] = [
    {
      type: 'PaymentRegistered',
      data: {
        paymentId,
        amountOre,
        paidOn,
        ...(reference ? { reference } : {}),
        source,
        remainingClaimOre: remaining,
        ...(current ? { caseId: current.caseId } : {}),
      },
    },
  ];
  if (current) {
    events.push(
      remaining === 0
        ? { type: 'ReminderCasePaid', data: { caseId: current.caseId, paymentId, paidOre: state.paidOre + amountOre, endedAt: command.now } }
        : { type: 'ReminderCasePartlyPaid', data: { caseId: current.caseId, paymentId, amountOre, remainingClaimOre: remaining } },
    );
  }
  // Skatteverket may be asked for the reduction only once the customer has paid their share.
  if (remaining === 0 && invoice.taxReduction && !state.taxReductionClaimReady)
    events.push({
      type: 'TaxReductionClaimReady',
      data: { type: invoice.taxReduction.type, amountOre: invoice.taxReduction.amountOre, readyOn: paidOn },
    });
  return events;
}

function decide(command: ReceivableCommand, state: ReceivableState): ReceivableEvent[] {
  switch (command.type) {
    case 'UpsertInvoice': {
      const invoice = validateInvoice(command.data.invoice);
      if (!state.invoice) return [{ type: 'InvoiceReceived', data: { invoice, receivedAt: command.now } }];
      if (deepEqual(state.invoice, invoice)) return [];
      if (state.credited) throw refuse.conflict('INVOICE.CREDITED', 'The invoice has been credited and can no longer change.');
      if (openCase(state))
        throw refuse.conflict('INVOICE.LOCKED_BY_CASE', 'The invoice is in reminder handling; close the case before changing it.');
      if (customerShareOre(invoice) < state.paidOre)
        throw refuse.rule('INVOICE.TOTAL_BELOW_PAID', 'The new total is less than what the customer has already paid.');
      return [{ type: 'InvoiceUpdated', data: { invoice, changedFields: changedFields(state.invoice, invoice) } }];
    }

    case 'CreditInvoice': {
      requireInvoice(state);
      if (state.credited) throw refuse.conflict('INVOICE.ALREADY_CREDITED', 'The invoice is already credited.');
      // B9: crediting an invoice in an open case is refused until the case is closed.
      const current = openCase(state);
      if (current)
        throw refuse.conflict('INVOICE.CASE_OPEN', 'The invoice is in reminder handling; close the case before crediting it.', {
          caseId: current.caseId,
        });
      return [{ type: 'InvoiceCredited', data: { creditedAt: command.now, ...(command.data.reason ? { reason: command.data.reason } : {}) } }];
    }

    case 'RegisterPayment':
      return applyPayment(state, command);

    case 'SendToReminderHandling': {
      const invoice = requireInvoice(state);
      if (!command.data.companyActive)
        throw refuse.rule('COMPANY.NOT_ACTIVATED', 'Reminder handling must be activated, with the terms accepted, before invoices can be sent.');
      const refusal = sendRefusal(state, command.now);
      if (refusal) throw refusal;
      const claimOre = remainingClaimOre(state);
      if (command.data.confirmedClaimOre !== undefined && command.data.confirmedClaimOre !== claimOre)
        throw refuse.conflict('CASE.CLAIM_CHANGED', `The amount to claim has changed to ${claimOre} öre since it was confirmed.`, {
          claimOre,
        });
      return [
        {
          type: 'ReminderCaseRequested',
          data: {
            caseId: command.data.caseId,
            claimOre,
            requestedAt: command.now,
            requestedBy: command.actor,
            invoiceNumber: invoice.invoiceNumber,
            dueDate: invoice.dueDate,
            lastDayToPay: lastDayToPayOnTime(invoice.dueDate),
            customerShareOre: customerShareOre(invoice),
            paidOre: state.paidOre,
          },
        },
      ];
    }

    case 'CloseReminderCase': {
      const current = requireOpenCase(state);
      const reason = command.data.reason?.trim();
      if (!reason) throw refuse.invalid('CASE.REASON_REQUIRED', 'Say why the case is closed.');
      return [{ type: 'ReminderCaseClosed', data: { caseId: current.caseId, reason, closedBy: command.actor, endedAt: command.now } }];
    }

    case 'PauseReminderCase': {
      const current = requireOpenCase(state);
      if (current.status !== current.stage || !PAUSABLE.includes(current.stage)) throw invalidTransition(current.status, 'paused');
      if (command.data.until <= stockholmDate(command.now))
        throw refuse.rule('CASE.PAUSE_END_IN_PAST', 'A pause must end on a future date.');
      return [
        {
          type: 'ReminderCasePaused',
          data: { caseId: current.caseId, until: command.data.until, ...(command.data.reason ? { reason: command.data.reason } : {}) },
        },
      ];
    }

    case 'ResumeReminderCase': {
      const current = requireOpenCase(state);
      if (current.status !== 'paused') throw invalidTransition(current.status, current.stage);
      // The system resumes by itself only once the pause has run out; a user may resume early.
      const automatic = command.actor.kind === 'system';
      if (automatic && current.pausedUntil && stockholmDate(command.now) < current.pausedUntil) return [];
      return [{ type: 'ReminderCaseResumed', data: { caseId: current.caseId, resumedStage: current.stage, automatic } }];
    }

    case 'RecordPartnerRegistration': {
      const { caseId, partnerCaseId, partnerOcr } = command.data;
      const data = { caseId, partnerCaseId, ...(partnerOcr ? { partnerOcr } : {}) };
      const ended = state.currentCase?.caseId === caseId && isTerminal(state.currentCase.status) ? state.currentCase : null;
      if (ended) {
        // Registered at the partner while it ended here (closed before the answer came): the audit trail keeps which
        // case the partner opened, so the cancellation that follows can name it. Another reference is not taken.
        if (ended.partnerCaseId === partnerCaseId) return [];
        if (ended.partnerCaseId) throw refuse.conflict('CASE.ALREADY_REGISTERED', `The case is already registered at the partner as ${ended.partnerCaseId}.`);
        return [{ type: 'ReminderCaseRegisteredAfterEnd', data }];
      }
      const current = requirePartnerCase(state, caseId);
      if (current.partnerCaseId === partnerCaseId) return []; // a repeated report
      if (current.status !== 'requested') throw invalidTransition(current.status, 'registered');
      return [{ type: 'ReminderCaseRegistered', data }];
    }

    case 'RecordPartnerStage': {
      const current = requirePartnerCase(state, command.data.caseId);
      const { stage, on } = command.data;
      if (current.stage === stage) return []; // a repeated report
      // Collection stops while the debtor's objection is open: no letters, no fees.
      if (current.status === 'disputed') throw refuse.conflict('CASE.DISPUTED', 'The case is disputed; collection is stopped.');
      if (!STAGE_TRANSITIONS[current.stage].includes(stage)) throw invalidTransition(current.stage, stage);
      const caseId = current.caseId;
      const feeOre = command.data.feeOre ?? 0;
      switch (stage) {
        case 'reminder_sent':
          return [{ type: 'ReminderCaseReminderSent', data: { caseId, sentOn: on, feeOre } }];
        case 'debt_collection':
          return [{ type: 'ReminderCaseDebtCollectionStarted', data: { caseId, sentOn: on, feeOre } }];
        case 'decision_required':
          return [{ type: 'ReminderCaseDecisionRequired', data: { caseId, on } }];
        case 'enforcement':
          return [{ type: 'ReminderCaseSentToEnforcement', data: { caseId, on } }];
        case 'surveillance':
          return [{ type: 'ReminderCaseUnderSurveillance', data: { caseId, on } }];
        default:
          return assertNever(stage);
      }
    }

    case 'RecordDispute': {
      const current = requirePartnerCase(state, command.data.caseId);
      if (current.status === 'disputed') return [];
      if (current.status === 'requested') throw invalidTransition(current.status, 'disputed');
      return [
        {
          type: 'ReminderCaseDisputed',
          data: { caseId: current.caseId, on: command.data.on, ...(command.data.reason ? { reason: command.data.reason } : {}) },
        },
      ];
    }

    case 'RecordDisputeResolved': {
      const current = requirePartnerCase(state, command.data.caseId);
      if (current.status !== 'disputed') throw invalidTransition(current.status, current.stage);
      return [
        {
          type: 'ReminderCaseDisputeResolved',
          data: {
            caseId: current.caseId,
            on: command.data.on,
            resumedStage: current.stage,
            ...(command.data.outcome ? { outcome: command.data.outcome } : {}),
          },
        },
      ];
    }

    case 'RecordPartnerRejection': {
      const current = requirePartnerCase(state, command.data.caseId);
      if (current.stage !== 'requested' && current.stage !== 'registered') throw invalidTransition(current.status, 'rejected');
      return [{ type: 'ReminderCaseRejected', data: { caseId: current.caseId, reason: command.data.reason, endedAt: command.now } }];
    }

    case 'RecordPartnerCrediting': {
      // Crediting at the partner ends the case and credits the invoice in the same append.
      const current = requirePartnerCase(state, command.data.caseId);
      const reason = command.data.reason ? { reason: command.data.reason } : {};
      return [
        { type: 'ReminderCaseCredited', data: { caseId: current.caseId, endedAt: command.now, ...reason } },
        ...(state.credited ? [] : [{ type: 'InvoiceCredited' as const, data: { creditedAt: command.now, caseId: current.caseId, ...reason } }]),
      ];
    }

    case 'RecordWriteOff': {
      const current = requirePartnerCase(state, command.data.caseId);
      if (current.status === 'requested') throw invalidTransition(current.status, 'written_off');
      return [{ type: 'ReminderCaseWrittenOff', data: { caseId: current.caseId, reason: command.data.reason, endedAt: command.now } }];
    }

    case 'RecordUnknownPartnerStatus': {
      const current = requirePartnerCase(state, command.data.caseId);
      const seen = current.needsAttention;
      if (seen && seen.rawState === command.data.rawState && seen.rawStatus === command.data.rawStatus) return [];
      return [
        {
          type: 'ReminderCaseNeedsAttention',
          data: {
            caseId: current.caseId,
            rawState: command.data.rawState,
            ...(command.data.rawStatus !== undefined ? { rawStatus: command.data.rawStatus } : {}),
            seenAt: command.now,
          },
        },
      ];
    }

    case 'RecordReconciliation': {
      // Findings concern the case whether or not it is still open: the trail records them either way.
      const current = state.currentCase;
      if (!current || !state.caseIds.includes(command.data.caseId))
        throw refuse.notFound('CASE.NOT_FOUND', 'There is no such reminder case.');
      const findings = command.data.findings.filter((finding) => finding.trim());
      if (findings.length === 0) return [];
      return [{ type: 'ReminderCaseReconciled', data: { caseId: command.data.caseId, findings, on: command.now } }];
    }

    default:
      return assertNever(command);
  }
}

export const receivableDecider: Decider<ReceivableState, ReceivableCommand, ReceivableEvent> = {
  initialState: () => ({
    invoice: null,
    paidOre: 0,
    paymentIds: [],
    paymentReferences: [],
    credited: null,
    taxReductionClaimReady: false,
    currentCase: null,
    caseIds: [],
  }),
  evolve,
  decide,
};

// ------------------------------------------------------------------------------- what the reader sees

/** The user-facing actions; the UI offers exactly these. */
export const RECEIVABLE_ACTIONS = [
  'send_to_reminder_handling',
  'close_case',
  'pause_case',
  'resume_case',
  'credit_invoice',
  'register_payment',
  'open_in_portal',
] as const;
export type ReceivableAction = (typeof RECEIVABLE_ACTIONS)[number];

/**
 * The actions allowed now. Activation is not part of it: sending from a company that has not activated
 * yet opens the activation guide first, then continues.
 */
export function allowedActions(state: ReceivableState, now: string): ReceivableAction[] {
  if (!state.invoice) return [];
  const actions: ReceivableAction[] = [];
  const current = openCase(state);
  if (!sendRefusal(state, now)) actions.push('send_to_reminder_handling');
  if (current) {
    actions.push('close_case');
    if (current.status === current.stage && PAUSABLE.includes(current.stage)) actions.push('pause_case');
    if (current.status === 'paused') actions.push('resume_case');
  }
  if (!state.credited && !current) actions.push('credit_invoice');
  if (!state.credited && remainingClaimOre(state) > 0) actions.push('register_payment');
  if (state.currentCase?.partnerCaseId) actions.push('open_in_portal');
  return actions;
}

/** Invoice status without the clock: 'open' still has to become not_due or overdue by date. */
export type InvoiceBaseStatus = CaseStatus | 'open' | 'needs_attention';
export type InvoiceStatus = Exclude<InvoiceBaseStatus, 'open'> | 'not_due' | 'overdue';
/** Every status an invoice can show, in the order a list of filters would offer them. */
export const INVOICE_STATUSES: readonly InvoiceStatus[] = [
  'not_due',
  'overdue',
  ...ACTIVE_CASE_STATUSES,
  ...TERMINAL_CASE_STATUSES,
  'needs_attention',
];

export function invoiceBaseStatus(state: ReceivableState): InvoiceBaseStatus {
  if (state.credited) return 'credited';
  const current = state.currentCase;
  if (current && !isTerminal(current.status)) return current.needsAttention ? 'needs_attention' : current.status;
  if (state.invoice && state.paidOre > 0 && remainingClaimOre(state) === 0) return 'paid';
  if (current) return current.status;
  return 'open';
}

export function invoiceStatus(state: ReceivableState, now: string): InvoiceStatus {
  const base = invoiceBaseStatus(state);
  if (base !== 'open') return base;
  return state.invoice && isOverdue(state.invoice.dueDate, now) ? 'overdue' : 'not_due';
}

export function caseEventsOf<E extends ReceivableEvent>(events: readonly E[], caseId: string): E[] {
  return events.filter((event) => (event.data as { caseId?: string }).caseId === caseId);
}

export type { ActiveCaseStatus, CaseStatus, StageStatus };
