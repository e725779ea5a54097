import { Inject, Injectable } from '@nestjs/common';
import { ACTIVE_CASE_STATUSES } from '@pm/domain';
import { type SqlClient } from '@pm/event-store';
import { SQL_CLIENT } from '../infrastructure/database/tokens';

export interface CaseRef {
  caseId: string;
  companyId: string;
  invoiceNumber: string;
  partnerCaseId: string | null;
}

interface CaseRefRow {
  case_id: string;
  company_id: string;
  invoice_number: string;
  partner_case_id: string | null;
}

const toRef = (row: CaseRefRow): CaseRef => ({
  caseId: row.case_id,
  companyId: row.company_id,
  invoiceNumber: row.invoice_number,
  partnerCaseId: row.partner_case_id,
});

/** Finds reminder cases for other contexts (the partner sync) without exposing the read model's tables. */
@Injectable()
export class CaseLookup {
  constructor(@Inject(SQL_CLIENT) private readonly sql: SqlClient) {}

  async byPartnerCaseId(partnerCaseId: string): Promise<CaseRef | null> {
    const { rows } = await this.sql.query<CaseRefRow>(
      'SELECT case_id, company_id, invoice_number, partner_case_id FROM rm_cases WHERE partner_case_id = $1',
      [partnerCaseId],
    );
    return rows[0] ? toRef(rows[0]) : null;
  }

  /** Every case that is still open, oldest first. */
  async openCases(): Promise<CaseRef[]> {
    const { rows } = await this.sql.query<CaseRefRow>(
      `SELECT case_id, company_id, invoice_number, partner_case_id FROM rm_cases WHERE status = ANY($1) ORDER BY updated_at`,
      [ACTIVE_CASE_STATUSES],
    );
    return rows.map(toRef);
  }
}
