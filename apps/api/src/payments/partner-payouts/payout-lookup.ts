import { Inject, Injectable } from '@nestjs/common';
import { type PayoutCandidate } from '@pm/domain';
import { type SqlClient } from '@pm/event-store';
import { SQL_CLIENT } from '../../infrastructure/database/tokens';

/** The partner's payouts a batch of incoming payments may bring, by reference, with one query. */
@Injectable()
export class PayoutLookup {
  constructor(@Inject(SQL_CLIENT) private readonly sql: SqlClient) {}

  async candidates(companyId: string, references: readonly string[]): Promise<PayoutCandidate[]> {
    if (references.length === 0) return [];
    const { rows } = await this.sql.query<{ payout_id: string; reference: string; amount_ore: string | number; bank_reference: string | null }>(
      'SELECT payout_id, reference, amount_ore, bank_reference FROM rm_partner_payouts WHERE company_id = $1 AND reference = ANY($2::text[])',
      [companyId, [...new Set(references)]],
    );
    return rows.map((row) => ({ payoutId: row.payout_id, reference: row.reference, amountOre: Number(row.amount_ore), settledBy: row.bank_reference }));
  }
}
