import { Inject, Injectable } from '@nestjs/common';
import { type MatchCandidate, type MatchLookup } from '@pm/domain';
import { type SqlClient } from '@pm/event-store';
import { SQL_CLIENT } from '../infrastructure/database/tokens';

interface CandidateRow {
  invoice_number: string;
  customer_name: string;
  remaining_ore: string | number;
  ocr: string | null;
}

const toCandidate = (row: CandidateRow): MatchCandidate => ({
  invoiceNumber: row.invoice_number,
  customerName: row.customer_name,
  remainingClaimOre: Number(row.remaining_ore),
});

/**
 * The invoices a batch of incoming payments may belong to, fetched with three set-based queries for
 * the whole batch (not one per payment), then served synchronously to the domain's matching policy.
 * Credited invoices never receive payments.
 */
@Injectable()
export class InvoiceMatchLookup {
  constructor(@Inject(SQL_CLIENT) private readonly sql: SqlClient) {}

  async forBatch(companyId: string, wanted: { ocrs: string[]; invoiceNumbers: string[]; amountsOre: number[] }): Promise<MatchLookup> {
    const select = `SELECT invoice_number, customer_name, remaining_ore, ocr FROM rm_invoices WHERE company_id = $1 AND base_status <> 'credited'`;
    const [byOcr, byNumber, byAmount] = await Promise.all([
      wanted.ocrs.length ? this.sql.query<CandidateRow>(`${select} AND ocr = ANY($2)`, [companyId, wanted.ocrs]) : { rows: [] as CandidateRow[] },
      wanted.invoiceNumbers.length
        ? this.sql.query<CandidateRow>(`${select} AND invoice_number = ANY($2)`, [companyId, wanted.invoiceNumbers])
        : { rows: [] as CandidateRow[] },
      wanted.amountsOre.length
        ? this.sql.query<CandidateRow>(`${select} AND remaining_ore = ANY($2::bigint[])`, [companyId, wanted.amountsOre.map(String)])
        : { rows: [] as CandidateRow[] },
    ]);
    const ocrMap = new Map(byOcr.rows.map((row) => [row.ocr!, toCandidate(row)]));
    const numberMap = new Map(byNumber.rows.map((row) => [row.invoice_number, toCandidate(row)]));
    const amountMap = new Map<number, MatchCandidate[]>();
    for (const row of byAmount.rows) {
      const candidate = toCandidate(row);
      amountMap.set(candidate.remainingClaimOre, [...(amountMap.get(candidate.remainingClaimOre) ?? []), candidate]);
    }
    return {
      byOcr: (ocr) => ocrMap.get(ocr),
      byInvoiceNumber: (invoiceNumber) => numberMap.get(invoiceNumber),
      byRemainingAmount: (amountOre) => amountMap.get(amountOre) ?? [],
    };
  }
}
