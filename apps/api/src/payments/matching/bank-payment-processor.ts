/**
 * Takes incoming bank payments from "received" to their end: placed on invoices (registered on each
 * invoice's stream, which closes a reminder case it pays in full and tells the partner), or on a payout
 * of the partner, and booked; or queued for a person. A chunk of payments is decided together and
 * written in one atomic append, so a crash leaves each payment either untouched or done; every step
 * is also idempotent (a payment id registered on an invoice twice is refused as a duplicate), so a
 * re-imported file continues where an earlier one stopped and books nothing twice.
 */
import { Injectable } from '@nestjs/common';
import {
  type Allocation,
  type BankPaymentCommand,
  type PartnerPayoutCommand,
  type ReceivableCommand,
  DomainError,
  type IncomingPaymentFacts,
  type MatchDecision,
  type MatchMethod,
  type PayoutCandidate,
  type QueueReason,
  bankPaymentDecider,
  lookupKeys,
  matchIncomingPayment,
  partnerPayoutDecider,
  receivableDecider,
  refuse,
  remainingClaimOre,
  streams,
} from '@pm/domain';
import { type GlobalPosition, WrongExpectedVersionError, comparePositions } from '@pm/event-store';
import { type DecisionBatch } from '../../infrastructure/event-sourcing/decision-batch';
import { DecisionRunner } from '../../infrastructure/event-sourcing/decision-runner';
import { InvoiceMatchLookup } from '../../receivables';
import { stableId } from '../../shared/auth/tokens';
import { type CommandContext } from '../../shared/http/command-context';
import { PayoutLookup } from '../partner-payouts/payout-lookup';
import { CandidateIndex } from './candidate-index';

export type PaymentOutcome = 'matched' | 'partlyMatched' | 'unmatched' | 'duplicate';

export const bankPaymentIdFor = (companyId: string, bankReference: string) => stableId('bank-payment', companyId, bankReference);

// Typed builders: a command literal keeps its literal types (a generic callback's return would widen them).
const bankCommand = (command: BankPaymentCommand) => command;
const receivableCommand = (command: ReceivableCommand) => command;
const payoutCommand = (command: PartnerPayoutCommand) => command;

/** Payments decided and written together; small enough for one quick transaction, large enough to be fast. */
export const CHUNK_SIZE = 500;
const MAX_ATTEMPTS = 5;

/** Why an invoice or payout refused the payment, as the queue says it to a person. */
const QUEUE_REASON_OF_REFUSAL: Record<string, QueueReason> = {
  'PAYMENT.EXCEEDS_REMAINING': 'overpayment',
  'INVOICE.CREDITED': 'nothing_to_claim',
  'INVOICE.NOT_FOUND': 'no_match',
  'PAYOUT.NOT_FOUND': 'no_match',
  'PAYOUT.AMOUNT_DIFFERS': 'payout_mismatch',
  'PAYOUT.ALREADY_RECEIVED': 'payout_mismatch',
};

/** What a person asks for: one invoice (with or without accepting an overpayment), or explicit parts. */
export type ManualPlacement = { invoiceNumber: string; acceptOverpayment?: boolean } | { allocations: Allocation[]; overpaymentOre?: number };

type Placed = { ok: true; partial: boolean } | { ok: false; refusal: DomainError; suggestion?: string };

@Injectable()
export class BankPaymentProcessor {
  constructor(
    private readonly runner: DecisionRunner,
    private readonly invoices: InvoiceMatchLookup,
    private readonly payouts: PayoutLookup,
  ) {}

  /**
   * Matches and books the payments of one file, chunk by chunk, and waits for the read models once at
   * the end (the caller reads its own writes). `progress` hears how many payments are done.
   */
  async importPayments(
    companyId: string,
    importId: string,
    payments: readonly IncomingPaymentFacts[],
    context: CommandContext,
    progress?: (done: number) => void | Promise<void>,
  ): Promise<Record<PaymentOutcome, number>> {
    const counts: Record<PaymentOutcome, number> = { matched: 0, partlyMatched: 0, unmatched: 0, duplicate: 0 };
    let last: GlobalPosition | undefined;
    for (let start = 0; start < payments.length; start += CHUNK_SIZE) {
      const chunk = payments.slice(start, start + CHUNK_SIZE);
      const { outcomes, position } = await this.withRetries(() => this.decideAutomatically(companyId, importId, chunk, context, 'import'));
      for (const outcome of outcomes) counts[outcome]++;
      if (position && (!last || comparePositions(position, last) > 0)) last = position;
      await progress?.(start + chunk.length);
      // Let other requests in between chunks: on PGlite every query resolves in the same turn of the event
      // loop, so without this an import of a large file would keep the whole API waiting until it ends.
      await new Promise((resolve) => setImmediate(resolve));
    }
    // A large import leaves the read models a while behind; give them time in proportion.
    if (last) await this.runner.waitForReadModels(last, 10_000 + payments.length);
    return counts;
  }

  /**
   * What importing the payments would do, writing nothing: the same lookups and matching policy as an
   * import, with the same de-duplication (for a preview of a file, and the benchmark of matching).
   */
  async preview(companyId: string, payments: readonly IncomingPaymentFacts[], context: CommandContext): Promise<Record<PaymentOutcome, number>> {
    const counts: Record<PaymentOutcome, number> = { matched: 0, partlyMatched: 0, unmatched: 0, duplicate: 0 };
    for (let start = 0; start < payments.length; start += CHUNK_SIZE) {
      const chunk = payments.slice(start, start + CHUNK_SIZE);
      const batch = this.runner.batch(context);
      const [lookup] = await Promise.all([this.lookup(companyId, chunk), batch.load(chunk.map((p) => streams.bankPayment(companyId, p.bankReference)))]);
      for (const payment of chunk) {
        const state = batch.state(bankPaymentDecider, streams.bankPayment(companyId, payment.bankReference));
        if (state.status === 'matched' || state.status === 'dismissed' || state.status === 'queued') {
          counts.duplicate++;
          continue;
        }
        const decision = matchIncomingPayment(payment, lookup);
        if (decision.kind === 'queued') counts.unmatched++;
        else if (decision.kind === 'payout') counts.matched++;
        else {
          const partial = decision.allocations.some((a) => a.amountOre < (lookup.byInvoiceNumber(a.invoiceNumber)?.remainingClaimOre ?? 0));
          counts[partial ? 'partlyMatched' : 'matched']++;
          lookup.settled(decision.allocations);
        }
      }
    }
    return counts;
  }

  /**
   * Matches queued payments again, e.g. once the partner announced the payout they belong to; `knownPayouts`
   * are candidates besides those the payouts' read model shows (which may lag behind the caller's own writes).
   */
  async rematchQueued(companyId: string, payments: readonly IncomingPaymentFacts[], context: CommandContext, knownPayouts: readonly PayoutCandidate[] = []): Promise<number> {
    let matched = 0;
    for (let start = 0; start < payments.length; start += CHUNK_SIZE) {
      const chunk = payments.slice(start, start + CHUNK_SIZE);
      const { outcomes, position } = await this.withRetries(() => this.decideAutomatically(companyId, 'rematch', chunk, context, 'rematch', knownPayouts));
      matched += outcomes.filter((o) => o === 'matched' || o === 'partlyMatched').length;
      if (position) await this.runner.waitForReadModels(position);
    }
    return matched;
  }

  /**
   * A person places a payment from the queue. Unlike automatic matching, a refusal (more than is owed,
   * credited …) is answered to the person as it is, and the payment stays in the queue.
   */
  async matchByHand(companyId: string, bankReference: string, placement: ManualPlacement, context: CommandContext): Promise<{ outcome: 'matched' | 'partlyMatched'; allocations: Allocation[]; overpaymentOre: number }> {
    const paymentStream = streams.bankPayment(companyId, bankReference);
    const { result, position } = await this.withRetries(async () => {
      const batch = this.runner.batch(context);
      await batch.load([paymentStream]);
      const state = batch.state(bankPaymentDecider, paymentStream);
      if (state.status === 'none') throw refuse.notFound('PAYMENT.NOT_FOUND', 'There is no such incoming payment.');
      if (state.status === 'matched') throw refuse.conflict('PAYMENT.ALREADY_MATCHED', 'The payment is already matched.');
      if (state.status === 'dismissed') throw refuse.conflict('PAYMENT.DISMISSED', 'The payment was settled outside reminder handling.');
      const { allocations, overpaymentOre } = await this.manualAllocations(batch, companyId, state.payment, placement);
      const placed = this.placeOnInvoices(batch, companyId, state.payment, 'manual', allocations, overpaymentOre);
      if (!placed.ok) throw placed.refusal;
      return { result: { outcome: placed.partial ? ('partlyMatched' as const) : ('matched' as const), allocations, overpaymentOre }, position: await batch.commit() };
    });
    if (position) await this.runner.waitForReadModels(position);
    return result;
  }

  /** A person settles a queued payment outside reminder handling (refunded, not an invoice payment). */
  async dismiss(companyId: string, bankReference: string, reason: string, context: CommandContext): Promise<void> {
    const paymentId = bankPaymentIdFor(companyId, bankReference);
    await this.runner.run(
      bankPaymentDecider,
      streams.bankPayment(companyId, bankReference),
      (now) => bankCommand({ type: 'DismissBankPayment', now, actor: context.actor, data: { reason } }),
      context,
      { metadata: { companyId, paymentId, bankReference } },
    );
  }

  private async withRetries<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        // Someone wrote to one of the streams meanwhile (a user paid an invoice by hand): decide again.
        if (!(error instanceof WrongExpectedVersionError) || attempt >= MAX_ATTEMPTS) {
          if (error instanceof WrongExpectedVersionError)
            throw new DomainError('REQUEST.CONCURRENT_CHANGE', 'conflict', 'The invoices changed while the payments were matched; try again.');
          throw error;
        }
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
      }
    }
  }

  private async decideAutomatically(companyId: string, importId: string, chunk: readonly IncomingPaymentFacts[], context: CommandContext, mode: 'import' | 'rematch', knownPayouts: readonly PayoutCandidate[] = []) {
    const batch = this.runner.batch(context);
    const lookup = await this.lookup(companyId, chunk, knownPayouts);
    await batch.load(chunk.map((p) => streams.bankPayment(companyId, p.bankReference)));
    const outcomes: PaymentOutcome[] = [];
    const todo: Array<{ index: number; payment: IncomingPaymentFacts }> = [];
    chunk.forEach((payment, index) => {
      const stream = streams.bankPayment(companyId, payment.bankReference);
      const state = batch.state(bankPaymentDecider, stream);
      // Done already (an earlier import of this transaction): nothing is booked twice.
      if (state.status === 'matched' || state.status === 'dismissed' || (state.status === 'queued' && mode === 'import')) return void (outcomes[index] = 'duplicate');
      if (state.status === 'none') {
        const received = batch.decide(bankPaymentDecider, stream, (now) => bankCommand({ type: 'ReceiveBankPayment', now, actor: context.actor, data: { payment, importId } }), this.meta(companyId, payment));
        if (!received.ok) throw received.refusal;
      }
      todo.push({ index, payment });
    });
    // Read every stream the first guesses touch in one go; later decisions see earlier ones through the index.
    await batch.load(todo.flatMap(({ payment }) => this.streamsOf(companyId, matchIncomingPayment(payment, lookup))));
    for (const { index, payment } of todo) {
      const decision = matchIncomingPayment(payment, lookup);
      await batch.load(this.streamsOf(companyId, decision));
      outcomes[index] = this.settle(batch, lookup, companyId, payment, decision);
    }
    return { outcomes, position: await batch.commit() };
  }

  private settle(batch: DecisionBatch, lookup: CandidateIndex, companyId: string, payment: IncomingPaymentFacts, decision: MatchDecision): PaymentOutcome {
    if (decision.kind === 'queued') return this.queue(batch, companyId, payment, decision.reason, decision.suggestion);
    if (decision.kind === 'payout') {
      const placed = this.placeOnPayout(batch, companyId, payment, decision.payoutId);
      if (!placed.ok) return this.queue(batch, companyId, payment, QUEUE_REASON_OF_REFUSAL[placed.refusal.code] ?? 'payout_mismatch', decision.payoutId);
      lookup.payoutReceived(decision.payoutId, payment.bankReference);
      return 'matched';
    }
    const placed = this.placeOnInvoices(batch, companyId, payment, decision.method, decision.allocations, 0);
    for (const { invoiceNumber } of decision.allocations) lookup.claimIs(invoiceNumber, remainingClaimOre(batch.state(receivableDecider, streams.receivable(companyId, invoiceNumber))));
    if (!placed.ok) return this.queue(batch, companyId, payment, QUEUE_REASON_OF_REFUSAL[placed.refusal.code] ?? 'no_match', placed.suggestion);
    return placed.partial ? 'partlyMatched' : 'matched';
  }

  /** Registers the parts on their invoices and books the payment, all or nothing. */
  private placeOnInvoices(batch: DecisionBatch, companyId: string, payment: IncomingPaymentFacts, method: MatchMethod, allocations: Allocation[], overpaymentOre: number): Placed {
    const paymentId = bankPaymentIdFor(companyId, payment.bankReference);
    let failure = undefined as Placed | undefined;
    let partial = false;
    batch.together(() => {
      for (const { invoiceNumber, amountOre } of allocations) {
        const stream = streams.receivable(companyId, invoiceNumber);
        const registered = batch.decide(
          receivableDecider,
          stream,
          (now) => receivableCommand({ type: 'RegisterPayment', now, actor: batch.actor, data: { paymentId, amountOre, paidOn: payment.bookingDate, reference: payment.bankReference, source: 'bank' } }),
          { companyId, invoiceNumber, paymentId, bankReference: payment.bankReference },
        );
        // Registered already by an earlier, interrupted import of this payment: it stands.
        if (!registered.ok && registered.refusal.code !== 'PAYMENT.DUPLICATE') {
          failure = { ok: false, refusal: registered.refusal, suggestion: invoiceNumber };
          return false;
        }
        if (remainingClaimOre(batch.state(receivableDecider, stream)) > 0) partial = true;
      }
      const matched = batch.decide(
        bankPaymentDecider,
        streams.bankPayment(companyId, payment.bankReference),
        (now) => bankCommand({ type: 'MatchBankPayment', now, actor: batch.actor, data: { method, target: { kind: 'invoices', allocations, ...(overpaymentOre > 0 ? { overpaymentOre } : {}) } } }),
        this.meta(companyId, payment),
      );
      if (!matched.ok) failure = { ok: false, refusal: matched.refusal };
      return matched.ok;
    });
    return failure ?? { ok: true, partial };
  }

  /** Receives the partner's payout with this payment and books capital and interest apart, all or nothing. */
  private placeOnPayout(batch: DecisionBatch, companyId: string, payment: IncomingPaymentFacts, payoutId: string): Placed {
    const payoutStream = streams.partnerPayout(companyId, payoutId);
    const payout = batch.state(partnerPayoutDecider, payoutStream);
    if (payout.status === 'none') return { ok: false, refusal: refuse.notFound('PAYOUT.NOT_FOUND', 'The partner has announced no such payout.') };
    const paymentId = bankPaymentIdFor(companyId, payment.bankReference);
    let failure = undefined as Placed | undefined;
    batch.together(() => {
      const received = batch.decide(
        partnerPayoutDecider,
        payoutStream,
        (now) => payoutCommand({ type: 'ReceivePartnerPayout', now, actor: batch.actor, data: { paymentId, bankReference: payment.bankReference, amountOre: payment.amountOre, receivedOn: payment.bookingDate } }),
        { companyId, payoutId, paymentId },
      );
      if (!received.ok) {
        failure = { ok: false, refusal: received.refusal };
        return false;
      }
      const target = { kind: 'payout' as const, payoutId, reference: payout.payout.reference, items: payout.payout.items };
      const matched = batch.decide(
        bankPaymentDecider,
        streams.bankPayment(companyId, payment.bankReference),
        (now) => bankCommand({ type: 'MatchBankPayment', now, actor: batch.actor, data: { method: 'partner_payout', target } }),
        this.meta(companyId, payment),
      );
      if (!matched.ok) failure = { ok: false, refusal: matched.refusal };
      return matched.ok;
    });
    return failure ?? { ok: true, partial: false };
  }

  private queue(batch: DecisionBatch, companyId: string, payment: IncomingPaymentFacts, reason: QueueReason, suggestion?: string): PaymentOutcome {
    const queued = batch.decide(
      bankPaymentDecider,
      streams.bankPayment(companyId, payment.bankReference),
      (now) => bankCommand({ type: 'QueueBankPayment', now, actor: batch.actor, data: { reason, ...(suggestion ? { suggestion } : {}) } }),
      this.meta(companyId, payment),
    );
    if (!queued.ok) throw queued.refusal;
    return 'unmatched';
  }

  private async manualAllocations(batch: DecisionBatch, companyId: string, payment: IncomingPaymentFacts, placement: ManualPlacement): Promise<{ allocations: Allocation[]; overpaymentOre: number }> {
    if (payment.reversal) throw refuse.rule('PAYMENT.IS_REVERSAL', 'A reversal takes money back; it cannot be placed on an invoice.');
    if ('allocations' in placement) {
      await batch.load(placement.allocations.map((a) => streams.receivable(companyId, a.invoiceNumber)));
      return { allocations: placement.allocations, overpaymentOre: placement.overpaymentOre ?? 0 };
    }
    const stream = streams.receivable(companyId, placement.invoiceNumber);
    await batch.load([stream]);
    const invoice = batch.state(receivableDecider, stream);
    if (!invoice.invoice) throw refuse.notFound('INVOICE.NOT_FOUND', 'There is no invoice with this number.');
    const remaining = remainingClaimOre(invoice);
    if (payment.amountOre <= remaining) return { allocations: [{ invoiceNumber: placement.invoiceNumber, amountOre: payment.amountOre }], overpaymentOre: 0 };
    if (remaining === 0) throw refuse.rule('INVOICE.NOTHING_TO_CLAIM', `Invoice ${placement.invoiceNumber} has nothing left to pay.`);
    if (!placement.acceptOverpayment)
      throw refuse.rule(
        'PAYMENT.EXCEEDS_REMAINING',
        `The payment (${kr(payment.amountOre)}) is more than invoice ${placement.invoiceNumber} has left to pay (${kr(remaining)}). ` +
          `Accept the overpayment to settle the invoice and keep the rest (${kr(payment.amountOre - remaining)}) as the customer's credit.`,
        { remainingClaimOre: remaining, overpaymentOre: payment.amountOre - remaining },
      );
    return { allocations: [{ invoiceNumber: placement.invoiceNumber, amountOre: remaining }], overpaymentOre: payment.amountOre - remaining };
  }

  /** The streams a decision writes to, so they are read before it is applied. */
  private streamsOf(companyId: string, decision: MatchDecision): string[] {
    if (decision.kind === 'invoices') return decision.allocations.map((a) => streams.receivable(companyId, a.invoiceNumber));
    if (decision.kind === 'payout') return [streams.partnerPayout(companyId, decision.payoutId)];
    return [];
  }

  private async lookup(companyId: string, payments: readonly IncomingPaymentFacts[], knownPayouts: readonly PayoutCandidate[] = []): Promise<CandidateIndex> {
    const keys = payments.map(lookupKeys);
    const [invoices, payouts] = await Promise.all([
      this.invoices.candidates(companyId, {
        ocrs: keys.flatMap((k) => k.ocrs),
        invoiceNumbers: keys.flatMap((k) => k.invoiceNumbers),
        amountsOre: payments.map((p) => p.amountOre),
      }),
      this.payouts.candidates(companyId, keys.flatMap((k) => k.payoutReferences)),
    ]);
    // What the read model shows wins (it knows which payment settled a payout); the known ones fill its gaps.
    const shown = new Set(payouts.map((p) => p.payoutId));
    return new CandidateIndex(invoices, [...payouts, ...knownPayouts.filter((p) => !shown.has(p.payoutId))]);
  }

  private meta(companyId: string, payment: IncomingPaymentFacts) {
    return { companyId, paymentId: bankPaymentIdFor(companyId, payment.bankReference), bankReference: payment.bankReference };
  }
}

/** 123456 öre → "1 234,56 kr", by string manipulation (money never goes through floating point). */
const kr = (ore: number) => {
  const digits = String(ore).padStart(3, '0');
  return `${digits.slice(0, -2).replace(/\B(?=(\d{3})+$)/g, ' ')},${digits.slice(-2)} kr`;
};
