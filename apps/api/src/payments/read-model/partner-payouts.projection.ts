import { Injectable } from '@nestjs/common';
import { type PartnerPayoutEvent } from '@pm/domain';
import { type SqlExecutor, type StoredEvent } from '@pm/event-store';
import { type LiveChange, type Projection, companyIdOf } from '../../infrastructure/projections/projection';

export const PARTNER_PAYOUT_STREAM_PREFIX = 'partner-payout-';

/** The collection partner's payouts: what is announced, and which bank payment brought each one. */
@Injectable()
export class PartnerPayoutsProjection implements Projection {
  readonly name = 'partner-payouts';
  readonly tables = ['rm_partner_payouts'];
  readonly schema = [
    `CREATE TABLE IF NOT EXISTS rm_partner_payouts (
      company_id text NOT NULL,
      payout_id text NOT NULL,
      reference text NOT NULL,
      amount_ore bigint NOT NULL,
      payout_date text NOT NULL,
      items jsonb NOT NULL,
      payment_id text,
      bank_reference text,
      received_on text,
      announced_at text NOT NULL,
      PRIMARY KEY (company_id, payout_id)
    )`,
    'CREATE INDEX IF NOT EXISTS rm_partner_payouts_reference ON rm_partner_payouts (company_id, reference)',
  ];

  async apply(tx: SqlExecutor, events: readonly StoredEvent[]): Promise<LiveChange[]> {
    for (const stored of events) {
      if (!stored.streamId.startsWith(PARTNER_PAYOUT_STREAM_PREFIX)) continue;
      const companyId = companyIdOf(stored);
      if (!companyId) continue;
      const event = stored as unknown as PartnerPayoutEvent;
      switch (event.type) {
        case 'PartnerPayoutAnnounced': {
          const p = event.data.payout;
          await tx.query(
            `INSERT INTO rm_partner_payouts (company_id, payout_id, reference, amount_ore, payout_date, items, announced_at)
             VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (company_id, payout_id) DO NOTHING`,
            [companyId, p.payoutId, p.reference, p.amountOre, p.payoutDate, JSON.stringify(p.items), stored.metadata.occurredAt],
          );
          break;
        }
        case 'PartnerPayoutReceived':
          await tx.query(`UPDATE rm_partner_payouts SET payment_id = $3, bank_reference = $4, received_on = $5 WHERE company_id = $1 AND payout_id = $2`, [
            companyId,
            stored.metadata.payoutId,
            event.data.paymentId,
            event.data.bankReference,
            event.data.receivedOn,
          ]);
          break;
      }
    }
    return [];
  }
}
