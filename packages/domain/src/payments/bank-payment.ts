/**
 * An incoming bank payment, one stream per bank reference (`bank-payment-<company>-<reference>`): the
 * stream name is the de-duplication — a file imported twice, or an overlapping one, finds the payment
 * already received and books nothing twice. The payment is then matched (automatically or by a person
 * from the queue) to invoices or to a payout of the collection partner; matching books it in the same
 * step, so a matched payment is never left unbooked.
 */
import { type CommandContext, type Decider, type DomainEvent, assertNever } from '../shared/decider';
import { refuse } from '../shared/errors';
import { type JournalEntry, customerPaymentEntry, partnerPayoutEntry } from './booking';
import { type Allocation, type IncomingPaymentFacts, type MatchMethod, type QueueReason } from './matching';

/** Where a matched payment goes: onto invoices (with an overpayment a person accepted), or a partner payout. */
export type MatchTarget =
  | { kind: 'invoices'; allocations: Allocation[]; overpaymentOre?: number }
  | { kind: 'payout'; payoutId: string; reference: string; items: ReadonlyArray<{ invoiceNumber: string; capitalOre: number; interestOre: number }> };

export type BankPaymentEvent =
  | DomainEvent<'BankPaymentReceived', { payment: IncomingPaymentFacts; importId: string; receivedAt: string }>
  | DomainEvent<'BankPaymentMatched', { method: MatchMethod; allocations: Allocation[]; overpaymentOre?: number; payoutId?: string }>
  | DomainEvent<'BankPaymentQueued', { reason: QueueReason; suggestion?: string }>
  | DomainEvent<'BankPaymentBooked', { entry: JournalEntry }>
  /** A person settled it outside reminder handling (a refund, money that was never an invoice payment). */
  | DomainEvent<'BankPaymentDismissed', { reason: string }>;

type Cmd<Type extends string, Data> = CommandContext & { type: Type; data: Data };

export type BankPaymentCommand =
  | Cmd<'ReceiveBankPayment', { payment: IncomingPaymentFacts; importId: string }>
  | Cmd<'MatchBankPayment', { method: MatchMethod; target: MatchTarget }>
  | Cmd<'QueueBankPayment', { reason: QueueReason; suggestion?: string }>
  | Cmd<'DismissBankPayment', { reason: string }>;

export type BankPaymentState =
  | { status: 'none' }
  | {
      status: 'received' | 'queued' | 'matched' | 'dismissed';
      payment: IncomingPaymentFacts;
      importId: string;
      queueReason: QueueReason | null;
      allocations: Allocation[];
      payoutId: string | null;
      booked: boolean;
    };

function requireReceived(state: BankPaymentState) {
  if (state.status === 'none') throw refuse.notFound('PAYMENT.NOT_FOUND', 'There is no such incoming payment.');
  return state;
}

function entryFor(payment: IncomingPaymentFacts, target: MatchTarget): JournalEntry {
  if (target.kind === 'payout') {
    const total = target.items.reduce((sum, item) => sum + item.capitalOre + item.interestOre, 0);
    if (total !== payment.amountOre)
      throw refuse.rule('PAYOUT.AMOUNT_DIFFERS', `The payout is ${total} öre; the bank payment is ${payment.amountOre} öre.`);
    return partnerPayoutEntry({ date: payment.bookingDate, reference: target.reference, items: target.items });
  }
  const overpayment = target.overpaymentOre ?? 0;
  if (target.allocations.length === 0) throw refuse.invalid('PAYMENT.NO_INVOICE', 'Name at least one invoice for the payment.');
  for (const a of target.allocations)
    if (!Number.isSafeInteger(a.amountOre) || a.amountOre <= 0)
      throw refuse.invalid('PAYMENT.INVALID_ALLOCATION', `The part placed on invoice ${a.invoiceNumber} must be a positive whole number of öre.`);
  if (new Set(target.allocations.map((a) => a.invoiceNumber)).size !== target.allocations.length)
    throw refuse.invalid('PAYMENT.INVALID_ALLOCATION', 'Each invoice may appear once.');
  if (!Number.isSafeInteger(overpayment) || overpayment < 0) throw refuse.invalid('PAYMENT.INVALID_ALLOCATION', 'The overpayment cannot be negative.');
  const placed = target.allocations.reduce((sum, a) => sum + a.amountOre, 0) + overpayment;
  if (placed !== payment.amountOre)
    throw refuse.rule('PAYMENT.ALLOCATION_MISMATCH', `The parts (${placed} öre) must add up to the payment (${payment.amountOre} öre).`, {
      amountOre: payment.amountOre,
      placedOre: placed,
    });
  return customerPaymentEntry({ date: payment.bookingDate, allocations: target.allocations, overpaymentOre: overpayment, payer: payment.payerName });
}

export const bankPaymentDecider: Decider<BankPaymentState, BankPaymentCommand, BankPaymentEvent> = {
  initialState: () => ({ status: 'none' }),

  evolve(state, event) {
    switch (event.type) {
      case 'BankPaymentReceived':
        return { status: 'received', payment: event.data.payment, importId: event.data.importId, queueReason: null, allocations: [], payoutId: null, booked: false };
      case 'BankPaymentMatched':
        return state.status === 'none'
          ? state
          : { ...state, status: 'matched', allocations: event.data.allocations, payoutId: event.data.payoutId ?? null, queueReason: null };
      case 'BankPaymentQueued':
        return state.status === 'none' ? state : { ...state, status: 'queued', queueReason: event.data.reason };
      case 'BankPaymentBooked':
        return state.status === 'none' ? state : { ...state, booked: true };
      case 'BankPaymentDismissed':
        return state.status === 'none' ? state : { ...state, status: 'dismissed', queueReason: null };
      default:
        return assertNever(event);
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'ReceiveBankPayment': {
        // The same bank transaction again (a re-imported or overlapping file): nothing new happens.
        if (state.status !== 'none') return [];
        const { payment } = command.data;
        if (!Number.isSafeInteger(payment.amountOre) || payment.amountOre <= 0)
          throw refuse.invalid('PAYMENT.INVALID_AMOUNT', 'An incoming payment must be a positive whole number of öre.');
        return [{ type: 'BankPaymentReceived', data: { payment, importId: command.data.importId, receivedAt: command.now } }];
      }
      case 'MatchBankPayment': {
        const current = requireReceived(state);
        if (current.status === 'matched') {
          const where = current.payoutId ? `the partner's payout ${current.payoutId}` : `invoice ${current.allocations.map((a) => a.invoiceNumber).join(', ')}`;
          throw refuse.conflict('PAYMENT.ALREADY_MATCHED', `The payment is already matched to ${where}.`);
        }
        if (current.status === 'dismissed') throw refuse.conflict('PAYMENT.DISMISSED', 'The payment was settled outside reminder handling.');
        if (current.payment.reversal) throw refuse.rule('PAYMENT.IS_REVERSAL', 'A reversal takes money back; it cannot be placed on an invoice.');
        const { target, method } = command.data;
        const entry = entryFor(current.payment, target);
        const matched: BankPaymentEvent =
          target.kind === 'payout'
            ? { type: 'BankPaymentMatched', data: { method, allocations: [], payoutId: target.payoutId } }
            : {
                type: 'BankPaymentMatched',
                data: { method, allocations: target.allocations, ...(target.overpaymentOre ? { overpaymentOre: target.overpaymentOre } : {}) },
              };
        return [matched, { type: 'BankPaymentBooked', data: { entry } }];
      }
      case 'QueueBankPayment': {
        const current = requireReceived(state);
        if (current.status === 'matched') throw refuse.conflict('PAYMENT.ALREADY_MATCHED', 'A matched payment cannot go back to the queue.');
        if (current.status === 'dismissed' || (current.status === 'queued' && current.queueReason === command.data.reason)) return [];
        return [{ type: 'BankPaymentQueued', data: { reason: command.data.reason, ...(command.data.suggestion ? { suggestion: command.data.suggestion } : {}) } }];
      }
      case 'DismissBankPayment': {
        const current = requireReceived(state);
        if (current.status === 'matched') throw refuse.conflict('PAYMENT.ALREADY_MATCHED', 'A matched and booked payment cannot be dismissed.');
        if (current.status === 'dismissed') return [];
        const reason = command.data.reason.trim();
        if (!reason) throw refuse.invalid('PAYMENT.REASON_REQUIRED', 'Say why the payment is settled outside reminder handling.');
        return [{ type: 'BankPaymentDismissed', data: { reason } }];
      }
      default:
        return assertNever(command);
    }
  },
};
