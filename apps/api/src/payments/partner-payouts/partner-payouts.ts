/**
 * The collection partner's payouts as the payments context keeps them: announced by the partner sync,
 * matched when its bank transfer arrives (see PayoutLookup). A payout announced after its bank transfer arrived
 * (the bank was quicker than our poll) takes the waiting payment out of the queue: each time it is seen while
 * not yet received, not only the first time, so a crash between announcing and matching is made good by the
 * next poll (which sees the same page again: the cursor is stored after the page is handled).
 */
import { Inject, Injectable } from '@nestjs/common';
import { type IncomingPaymentFacts, type PartnerPayoutCommand, type PartnerPayoutFacts, type PayoutCandidate, lookupKeys, partnerPayoutDecider, streams } from '@pm/domain';
import { type SqlClient } from '@pm/event-store';
import { SQL_CLIENT } from '../../infrastructure/database/tokens';
import { DecisionRunner } from '../../infrastructure/event-sourcing/decision-runner';
import { type CommandContext } from '../../shared/http/command-context';
import { BankPaymentProcessor } from '../matching/bank-payment-processor';
import { PayoutLookup } from './payout-lookup';

@Injectable()
export class PartnerPayouts {
  constructor(
    private readonly runner: DecisionRunner,
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
    private readonly processor: BankPaymentProcessor,
    private readonly lookup: PayoutLookup,
  ) {}

  /** Records payouts the partner announced (again and again: only the first sight counts); returns the new ones. */
  async announce(companyId: string, payouts: readonly PartnerPayoutFacts[], context: CommandContext): Promise<PartnerPayoutFacts[]> {
    const fresh: PartnerPayoutFacts[] = [];
    const unreceived: PayoutCandidate[] = [];
    for (const payout of payouts) {
      const result = await this.runner.run(
        partnerPayoutDecider,
        streams.partnerPayout(companyId, payout.payoutId),
        (now): PartnerPayoutCommand => ({ type: 'AnnouncePartnerPayout', now, actor: context.actor, data: { payout } }),
        context,
        { metadata: { companyId, payoutId: payout.payoutId } },
      );
      if (result.events.length > 0) fresh.push(payout);
      if (result.state.status === 'announced')
        unreceived.push({ payoutId: payout.payoutId, reference: result.state.payout.reference, amountOre: result.state.payout.amountOre, settledBy: null });
    }
    if (unreceived.length > 0) await this.rematchWaiting(companyId, unreceived, context);
    return fresh;
  }

  /**
   * Offers every waiting transfer to the payouts not yet received, for all companies. It heals what a race leaves:
   * a bank file imported at the very moment its payout is announced, each side reading the other's read model
   * before it had the other's write. Idempotent (a payment queued again for the same reason records nothing).
   */
  async sweep(context: CommandContext): Promise<void> {
    for (const [companyId, payouts] of await this.lookup.unreceived()) await this.rematchWaiting(companyId, payouts, context);
  }

  /**
   * Offers the queued payments that carry one of these payouts' references to them again. The payouts go to
   * the matching as given (`announce` takes them from their streams): the payouts' read model may not show them
   * yet (it is only waited for a few seconds), and a payment that missed its payout now would wait for a person.
   */
  private async rematchWaiting(companyId: string, payouts: readonly PayoutCandidate[], context: CommandContext): Promise<void> {
    const references = new Set(payouts.map((p) => p.reference));
    const { rows } = await this.sql.query<{ payment: IncomingPaymentFacts | string }>(
      `SELECT payment FROM rm_bank_payments WHERE company_id = $1 AND status = 'queued' AND queue_reason IN ('no_match', 'payout_mismatch')`,
      [companyId],
    );
    const waiting = rows
      .map((row) => (typeof row.payment === 'string' ? (JSON.parse(row.payment) as IncomingPaymentFacts) : row.payment))
      .filter((payment) => lookupKeys(payment).payoutReferences.some((reference) => references.has(reference)));
    if (waiting.length > 0) await this.processor.rematchQueued(companyId, waiting, context, payouts);
  }
}
