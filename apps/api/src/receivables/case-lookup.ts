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

  /**
   * A page of the cases that are still open, in case id order after `afterCaseId`: a caller goes through all
   * of them page by page without holding them all. Keyed by the primary key, so the write path pays no index of
   * its own for it; cases opened during a walk past its position are seen in the same walk.
   */
  async openCases(afterCaseId: string | null, limit: number): Promise<CaseRef[]> {
    const { rows } = await this.sql.query<CaseRefRow>(
      `SELECT case_id, company_id, invoice_number, partner_case_id FROM rm_cases
       WHERE case_id > $1 AND status = ANY($2) ORDER BY case_id LIMIT $3`,
      [afterCaseId ?? '', ACTIVE_CASE_STATUSES, limit],
    );
    return rows.map(toRef);
  }
}
