import { Inject, Injectable } from '@nestjs/common';
import { type MatchCandidate } from '@pm/domain';
import { type SqlClient } from '@pm/event-store';
import { SQL_CLIENT } from '../infrastructure/database/tokens';

export interface InvoiceCandidate extends MatchCandidate {
  ocr: string | null;
}

interface CandidateRow {
  invoice_number: string;
  customer_name: string;
  remaining_ore: string | number;
  ocr: string | null;
}

/**
 * The invoices a batch of incoming payments may belong to, fetched with three set-based queries for the
 * whole batch (not one per payment): by OCR, by invoice number, by the amount still owed. Credited
 * invoices never receive payments. Read from the invoice list; the invoice's own stream decides.
 */
@Injectable()
export class InvoiceMatchLookup {
  constructor(@Inject(SQL_CLIENT) private readonly sql: SqlClient) {}

  async candidates(companyId: string, wanted: { ocrs: string[]; invoiceNumbers: string[]; amountsOre: number[] }): Promise<InvoiceCandidate[]> {
    const select = `SELECT invoice_number, customer_name, remaining_ore, ocr FROM rm_invoices WHERE company_id = $1 AND base_status <> 'credited'`;
    const none = { rows: [] as CandidateRow[] };
    const [byOcr, byNumber, byAmount] = await Promise.all([
      wanted.ocrs.length ? this.sql.query<CandidateRow>(`${select} AND ocr = ANY($2::text[])`, [companyId, [...new Set(wanted.ocrs)]]) : none,
      wanted.invoiceNumbers.length ? this.sql.query<CandidateRow>(`${select} AND invoice_number = ANY($2::text[])`, [companyId, [...new Set(wanted.invoiceNumbers)]]) : none,
      wanted.amountsOre.length
        ? this.sql.query<CandidateRow>(`${select} AND remaining_ore = ANY($2::bigint[])`, [companyId, [...new Set(wanted.amountsOre)].map(String)])
        : none,
    ]);
    const found = new Map<string, InvoiceCandidate>();
    for (const row of [...byOcr.rows, ...byNumber.rows, ...byAmount.rows])
      found.set(row.invoice_number, { invoiceNumber: row.invoice_number, customerName: row.customer_name, remainingClaimOre: Number(row.remaining_ore), ocr: row.ocr });
    return [...found.values()];
  }
}
