/**
 * Takes one incoming bank payment from "received" to its end: matched to an invoice (the payment is
 * registered on the receivable, which closes a case that it pays in full), then booked; or queued for a
 * person. Every step is idempotent and resumable: a re-imported file, or one imported again after a
 * crash halfway, continues each payment where it stopped and books nothing twice.
 */
import { Injectable } from '@nestjs/common';
import {
  type BankPaymentCommand,
  type BankPaymentState,
  type IncomingPaymentFacts,
  type MatchDecision,
  type MatchLookup,
  type QueueReason,
  bankPaymentDecider,
  customerPaymentEntry,
  isDomainError,
  matchIncomingPayment,
  refuse,
  streams,
} from '@pm/domain';
import { DecisionRunner } from '../infrastructure/event-sourcing/decision-runner';
import { ReceivableCommands } from '../receivables';
import { stableId } from '../shared/auth/tokens';
import { type CommandContext } from '../shared/http/command-context';

export type PaymentOutcome = 'matched' | 'partlyMatched' | 'unmatched' | 'duplicate';

export const bankPaymentIdFor = (companyId: string, bankReference: string) => stableId('bank-payment', companyId, bankReference);

const REFUSAL_REASONS: Record<string, QueueReason> = {
  'PAYMENT.EXCEEDS_REMAINING': 'overpayment',
  'INVOICE.CREDITED': 'nothing_to_claim',
  'INVOICE.NOT_FOUND': 'no_match',
};

@Injectable()
export class BankPaymentProcessor {
  constructor(
    private readonly runner: DecisionRunner,
    private readonly receivables: ReceivableCommands,
  ) {}

  async process(companyId: string, importId: string, payment: IncomingPaymentFacts, lookup: MatchLookup, context: CommandContext): Promise<PaymentOutcome> {
    const paymentId = bankPaymentIdFor(companyId, payment.bankReference);
    const streamId = streams.bankPayment(companyId, payment.bankReference);
    const metadata = { companyId, paymentId, bankReference: payment.bankReference };
    const step = (make: (now: string, state: BankPaymentState) => Parameters<typeof bankPaymentDecider.decide>[0]) =>
      this.runner.run(bankPaymentDecider, streamId, make, context, { metadata });

    const received = await step((now) => ({ type: 'ReceiveBankPayment', now, actor: context.actor, data: { payment, importId } }));
    const state = received.state;
    if (state.status === 'none') throw new Error('unreachable: a received payment has state');
    const alreadyDone = received.events.length === 0 && (state.status === 'queued' || (state.status === 'matched' && state.booked));
    if (alreadyDone) return 'duplicate';

    let decision: MatchDecision =
      state.status === 'matched'
        ? { kind: 'matched', invoiceNumber: state.invoiceNumber!, method: 'ocr', amountOre: payment.amountOre, partial: false }
        : matchIncomingPayment(payment, lookup);
    if (decision.kind === 'matched' && state.status !== 'matched') decision = await this.registerOnInvoice(companyId, paymentId, payment, decision, context);
    if (decision.kind === 'queued') {
      await step((now) => ({ type: 'QueueBankPayment', now, actor: context.actor, data: { reason: decision.reason, ...(decision.suggestion ? { suggestion: decision.suggestion } : {}) } }));
      return 'unmatched';
    }
    const matched = decision;
    if (state.status !== 'matched')
      await step((now) => ({ type: 'MatchBankPayment', now, actor: context.actor, data: { invoiceNumber: matched.invoiceNumber, method: matched.method, partial: matched.partial } }));
    await step((now) => ({
      type: 'BookBankPayment',
      now,
      actor: context.actor,
      data: { entry: customerPaymentEntry({ date: payment.bookingDate, invoiceNumber: matched.invoiceNumber, capitalOre: payment.amountOre, payer: payment.payerName }) },
    }));
    return matched.partial ? 'partlyMatched' : 'matched';
  }

  /**
   * A person places a queued payment on an invoice. Unlike automatic matching, the invoice's refusal
   * (more than is owed, credited …) is answered to the person as it is, and the payment stays queued.
   */
  async matchByHand(companyId: string, payment: IncomingPaymentFacts, invoiceNumber: string, context: CommandContext): Promise<'matched' | 'partlyMatched'> {
    const paymentId = bankPaymentIdFor(companyId, payment.bankReference);
    const streamId = streams.bankPayment(companyId, payment.bankReference);
    const metadata = { companyId, paymentId, bankReference: payment.bankReference };
    const { state } = await this.runner.load(bankPaymentDecider, streamId);
    if (state.status === 'matched') throw refuse.conflict('PAYMENT.ALREADY_MATCHED', `The payment is already matched to invoice ${state.invoiceNumber}.`);
    const result = await this.receivables
      .run(
        companyId,
        invoiceNumber,
        (base) => ({ type: 'RegisterPayment', ...base, data: { paymentId, amountOre: payment.amountOre, paidOn: payment.bookingDate, reference: payment.bankReference, source: 'bank' } }),
        context,
        undefined,
        { bankReference: payment.bankReference },
      )
      .catch((error: unknown) => {
        if (isDomainError(error) && error.code === 'PAYMENT.DUPLICATE') return null;
        throw error;
      });
    const registered = result?.events.find((e) => e.type === 'PaymentRegistered');
    const partial = registered?.type === 'PaymentRegistered' && registered.data.remainingClaimOre > 0;
    await this.runner.run(bankPaymentDecider, streamId, (now): BankPaymentCommand => ({ type: 'MatchBankPayment', now, actor: context.actor, data: { invoiceNumber, method: 'manual', partial } }), context, { metadata });
    await this.runner.run(
      bankPaymentDecider,
      streamId,
      (now): BankPaymentCommand => ({ type: 'BookBankPayment', now, actor: context.actor, data: { entry: customerPaymentEntry({ date: payment.bookingDate, invoiceNumber, capitalOre: payment.amountOre, payer: payment.payerName }) } }),
      context,
      { metadata },
    );
    return partial ? 'partlyMatched' : 'matched';
  }

  /** Registers the payment on the invoice; a refusal (paid meanwhile, credited …) sends it to the queue instead. */
  private async registerOnInvoice(
    companyId: string,
    paymentId: string,
    payment: IncomingPaymentFacts,
    decision: Extract<MatchDecision, { kind: 'matched' }>,
    context: CommandContext,
  ): Promise<MatchDecision> {
    try {
      const result = await this.receivables.run(
        companyId,
        decision.invoiceNumber,
        (base) => ({ type: 'RegisterPayment', ...base, data: { paymentId, amountOre: payment.amountOre, paidOn: payment.bookingDate, reference: payment.bankReference, source: 'bank' } }),
        context,
        undefined,
        { bankReference: payment.bankReference },
      );
      const remaining = result.events.find((e) => e.type === 'PaymentRegistered');
      const partial = remaining?.type === 'PaymentRegistered' ? remaining.data.remainingClaimOre > 0 : decision.partial;
      return { ...decision, partial };
    } catch (error) {
      if (!isDomainError(error)) throw error;
      // Registered already by an earlier, interrupted import of the same payment: it stands.
      if (error.code === 'PAYMENT.DUPLICATE') return decision;
      return { kind: 'queued', reason: REFUSAL_REASONS[error.code] ?? 'no_match', suggestion: decision.invoiceNumber };
    }
  }
}
