/**
 * A payout of the collection partner (one stream per payout): the capital and interest it collected
 * from debtors, paid into the company's bank account. The debtors' payments already reduced the claims
 * when the partner reported them; the payout only has to arrive, once, and be booked.
 */
import { type CommandContext, type Decider, type DomainEvent, assertNever } from '../shared/decider';
import { refuse } from '../shared/errors';

export interface PayoutItem {
  partnerCaseId: string;
  invoiceNumber: string;
  partnerPaymentId: string;
  capitalOre: number;
  interestOre: number;
}

export interface PartnerPayoutFacts {
  payoutId: string;
  payoutDate: string;
  amountOre: number;
  reference: string;
  items: PayoutItem[];
}

export type PartnerPayoutEvent =
  | DomainEvent<'PartnerPayoutAnnounced', { payout: PartnerPayoutFacts }>
  | DomainEvent<'PartnerPayoutReceived', { paymentId: string; bankReference: string; receivedOn: string }>;

type Cmd<Type extends string, Data> = CommandContext & { type: Type; data: Data };

export type PartnerPayoutCommand =
  | Cmd<'AnnouncePartnerPayout', { payout: PartnerPayoutFacts }>
  | Cmd<'ReceivePartnerPayout', { paymentId: string; bankReference: string; amountOre: number; receivedOn: string }>;

export type PartnerPayoutState =
  | { status: 'none' }
  | { status: 'announced' | 'received'; payout: PartnerPayoutFacts; paymentId: string | null };

export const partnerPayoutDecider: Decider<PartnerPayoutState, PartnerPayoutCommand, PartnerPayoutEvent> = {
  initialState: () => ({ status: 'none' }),

  evolve(state, event) {
    switch (event.type) {
      case 'PartnerPayoutAnnounced':
        return { status: 'announced', payout: event.data.payout, paymentId: null };
      case 'PartnerPayoutReceived':
        return state.status === 'none' ? state : { ...state, status: 'received', paymentId: event.data.paymentId };
      default:
        return assertNever(event);
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'AnnouncePartnerPayout': {
        // Polled again and again: only the first sight counts. A payout does not change once paid out.
        if (state.status !== 'none') return [];
        const { payout } = command.data;
        const items = payout.items.reduce((sum, item) => sum + item.capitalOre + item.interestOre, 0);
        if (!Number.isSafeInteger(payout.amountOre) || payout.amountOre <= 0 || items !== payout.amountOre)
          throw refuse.invalid('PAYOUT.INCONSISTENT', `The payout's items (${items} öre) do not add up to its amount (${payout.amountOre} öre).`);
        return [{ type: 'PartnerPayoutAnnounced', data: { payout } }];
      }
      case 'ReceivePartnerPayout': {
        if (state.status === 'none') throw refuse.notFound('PAYOUT.NOT_FOUND', 'The partner has announced no such payout.');
        if (state.paymentId === command.data.paymentId) return [];
        if (state.paymentId !== null)
          throw refuse.conflict('PAYOUT.ALREADY_RECEIVED', 'This payout has already arrived with another bank payment.', { paymentId: state.paymentId });
        if (command.data.amountOre !== state.payout.amountOre)
          throw refuse.rule('PAYOUT.AMOUNT_DIFFERS', `The payout is ${state.payout.amountOre} öre; the bank payment is ${command.data.amountOre} öre.`);
        const { paymentId, bankReference, receivedOn } = command.data;
        return [{ type: 'PartnerPayoutReceived', data: { paymentId, bankReference, receivedOn } }];
      }
      default:
        return assertNever(command);
    }
  },
};
