import { Inject, Injectable } from '@nestjs/common';
import { type PayoutCandidate } from '@pm/domain';
import { type SqlClient } from '@pm/event-store';
import { SQL_CLIENT } from '../../infrastructure/database/tokens';

interface PayoutRow {
  company_id: string;
  payout_id: string;
  reference: string;
  amount_ore: string | number;
  bank_reference: string | null;
}

const COLUMNS = 'company_id, payout_id, reference, amount_ore, bank_reference';
const candidateOf = (row: PayoutRow): PayoutCandidate => ({ payoutId: row.payout_id, reference: row.reference, amountOre: Number(row.amount_ore), settledBy: row.bank_reference });

/** The partner's payouts as matching candidates, from their read model. */
@Injectable()
export class PayoutLookup {
  constructor(@Inject(SQL_CLIENT) private readonly sql: SqlClient) {}

  /** The payouts a batch of incoming payments may bring, by reference, with one query. */
  async candidates(companyId: string, references: readonly string[]): Promise<PayoutCandidate[]> {
    if (references.length === 0) return [];
    const { rows } = await this.sql.query<PayoutRow>(`SELECT ${COLUMNS} FROM rm_partner_payouts WHERE company_id = $1 AND reference = ANY($2::text[])`, [
      companyId,
      [...new Set(references)],
    ]);
    return rows.map(candidateOf);
  }

  /** Every payout not yet received, by company. */
  async unreceived(): Promise<Map<string, PayoutCandidate[]>> {
    const { rows } = await this.sql.query<PayoutRow>(`SELECT ${COLUMNS} FROM rm_partner_payouts WHERE payment_id IS NULL ORDER BY company_id`);
    const byCompany = new Map<string, PayoutCandidate[]>();
    for (const row of rows) byCompany.set(row.company_id, [...(byCompany.get(row.company_id) ?? []), candidateOf(row)]);
    return byCompany;
  }
}
