/**
 * An incoming bank payment, one stream per bank reference (`bank-payment-<company>-<reference>`): the
 * stream name is the de-duplication — a file imported twice, or an overlapping one, finds the payment
 * already received and books nothing twice. The payment is then matched to an invoice (automatically or
 * by a person from the queue) and booked.
 */
import { type CommandContext, type Decider, type DomainEvent, assertNever } from '../shared/decider';
import { refuse } from '../shared/errors';
import { type JournalEntry, balancedEntry } from './booking';
import { type IncomingPaymentFacts, type MatchMethod, type QueueReason } from './matching';

export type BankPaymentEvent =
  | DomainEvent<'BankPaymentReceived', { payment: IncomingPaymentFacts; importId: string; receivedAt: string }>
  | DomainEvent<'BankPaymentMatched', { invoiceNumber: string; amountOre: number; method: MatchMethod; partial: boolean }>
  | DomainEvent<'BankPaymentQueued', { reason: QueueReason; suggestion?: string }>
  | DomainEvent<'BankPaymentBooked', { entry: JournalEntry }>;

type Cmd<Type extends string, Data> = CommandContext & { type: Type; data: Data };

export type BankPaymentCommand =
  | Cmd<'ReceiveBankPayment', { payment: IncomingPaymentFacts; importId: string }>
  | Cmd<'MatchBankPayment', { invoiceNumber: string; method: MatchMethod; partial: boolean }>
  | Cmd<'QueueBankPayment', { reason: QueueReason; suggestion?: string }>
  | Cmd<'BookBankPayment', { entry: JournalEntry }>;

export type BankPaymentState =
  | { status: 'none' }
  | {
      status: 'received' | 'queued' | 'matched';
      payment: IncomingPaymentFacts;
      importId: string;
      queueReason: QueueReason | null;
      invoiceNumber: string | null;
      booked: boolean;
    };

function requireReceived(state: BankPaymentState) {
  if (state.status === 'none') throw refuse.notFound('PAYMENT.NOT_FOUND', 'There is no such incoming payment.');
  return state;
}

export const bankPaymentDecider: Decider<BankPaymentState, BankPaymentCommand, BankPaymentEvent> = {
  initialState: () => ({ status: 'none' }),

  evolve(state, event) {
    switch (event.type) {
      case 'BankPaymentReceived':
        return { status: 'received', payment: event.data.payment, importId: event.data.importId, queueReason: null, invoiceNumber: null, booked: false };
      case 'BankPaymentMatched':
        return state.status === 'none' ? state : { ...state, status: 'matched', invoiceNumber: event.data.invoiceNumber, queueReason: null };
      case 'BankPaymentQueued':
        return state.status === 'none' ? state : { ...state, status: 'queued', queueReason: event.data.reason };
      case 'BankPaymentBooked':
        return state.status === 'none' ? state : { ...state, booked: true };
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
        if (current.status === 'matched') throw refuse.conflict('PAYMENT.ALREADY_MATCHED', `The payment is already matched to invoice ${current.invoiceNumber}.`);
        return [
          {
            type: 'BankPaymentMatched',
            data: { invoiceNumber: command.data.invoiceNumber, amountOre: current.payment.amountOre, method: command.data.method, partial: command.data.partial },
          },
        ];
      }
      case 'QueueBankPayment': {
        const current = requireReceived(state);
        if (current.status === 'matched') throw refuse.conflict('PAYMENT.ALREADY_MATCHED', 'A matched payment cannot go back to the queue.');
        if (current.status === 'queued' && current.queueReason === command.data.reason) return [];
        return [{ type: 'BankPaymentQueued', data: { reason: command.data.reason, ...(command.data.suggestion ? { suggestion: command.data.suggestion } : {}) } }];
      }
      case 'BookBankPayment': {
        const current = requireReceived(state);
        if (current.status !== 'matched') throw refuse.conflict('PAYMENT.NOT_MATCHED', 'Only a matched payment is booked.');
        if (current.booked) return [];
        return [{ type: 'BankPaymentBooked', data: { entry: balancedEntry(command.data.entry) } }];
      }
      default:
        return assertNever(command);
    }
  },
};
