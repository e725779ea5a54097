/**
 * Polls the partner for its payouts (the capital and interest it collected, paid to the companies) with
 * the same lossless cursor as the cases, and hands them to the payments context, which matches the
 * bank transfer that brings each one. The cursor is stored after each page; announcing is idempotent. Once a
 * minute it also offers the waiting transfers to every payout not yet received (PartnerPayouts.sweep).
 */
import { Inject, Injectable } from '@nestjs/common';
import { AmiliAdapter, type PartnerPayout } from '@pm/amili-adapter';
import { type PartnerPayoutFacts } from '@pm/domain';
import { type SqlClient } from '@pm/event-store';
import { CompanyDirectory } from '../../companies';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { SQL_CLIENT } from '../../infrastructure/database/tokens';
import { PARTNER_ACTOR } from '../../infrastructure/partner/amili.provider';
import { PeriodicJob } from '../../infrastructure/periodic-job';
import { PartnerPayouts } from '../../payments';
import { readSyncCursor, writeSyncCursor } from './sync-cursor';

const CURSOR_KEY = 'partner-payout-cursor';
const PAGE_SIZE = 100;
/** How often waiting transfers are offered again to every payout not yet received (see PartnerPayouts.sweep). */
const SWEEP_EVERY_MS = 60_000;

const toFacts = (payout: PartnerPayout): PartnerPayoutFacts => ({
  payoutId: payout.partnerPayoutId,
  payoutDate: payout.payoutDate,
  amountOre: payout.amountOre,
  reference: payout.reference,
  items: payout.items.map((item) => ({ ...item })),
});

@Injectable()
export class PayoutPoller extends PeriodicJob {
  constructor(
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly partner: AmiliAdapter,
    private readonly companies: CompanyDirectory,
    private readonly payouts: PartnerPayouts,
  ) {
    super();
  }

  protected interval(): number {
    return this.config.partner!.pollIntervalMs;
  }

  private lastSweep = -Infinity;

  protected async work(): Promise<number> {
    const seen = await this.poll();
    if (performance.now() - this.lastSweep >= SWEEP_EVERY_MS) {
      await this.payouts.sweep({ actor: PARTNER_ACTOR, correlationId: 'partner-payouts:sweep', causationId: 'partner:payout-poll' });
      this.lastSweep = performance.now();
    }
    return seen;
  }

  private async poll(): Promise<number> {
    let cursor = await readSyncCursor(this.sql, CURSOR_KEY);
    let seen = 0;
    for (;;) {
      const page = await this.partner.listPayoutsUpdatedSince(cursor, PAGE_SIZE);
      const byCompany = new Map<string, PartnerPayoutFacts[]>();
      for (const payout of page.payouts) {
        const companyId = await this.companies.byPartnerCreditor(payout.creditorId);
        // A creditor we never linked is not one of our companies (the partner serves other platforms too).
        if (!companyId) {
          this.logger.warn(`Payout ${payout.partnerPayoutId} is for creditor ${payout.creditorId}, which is none of our companies; skipped.`);
          continue;
        }
        byCompany.set(companyId, [...(byCompany.get(companyId) ?? []), toFacts(payout)]);
      }
      for (const [companyId, payouts] of byCompany) {
        const context = { actor: PARTNER_ACTOR, correlationId: `partner-payouts:${payouts[0].payoutId}`, causationId: 'partner:payout-poll' };
        await this.payouts.announce(companyId, payouts, context);
      }
      seen += page.payouts.length;
      await writeSyncCursor(this.sql, CURSOR_KEY, page.next);
      cursor = page.next;
      if (!page.hasMore) return seen;
    }
  }
}
