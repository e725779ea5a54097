import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { type ReceivableState } from '@pm/domain';
import { type SqlClient } from '@pm/event-store';
import { Clock } from '../../infrastructure/event-sourcing/clock';
import { PartnerPortal } from '../../infrastructure/partner/amili.provider';
import { SQL_CLIENT } from '../../infrastructure/database/tokens';
import { type InvoiceView, invoiceView } from './invoice-view';

export interface InvoiceRow {
  state: ReceivableState | string;
  version: number;
  updated_at: string;
}

/** Reads invoices from the invoice-list read model, always scoped to one company. */
@Injectable()
export class InvoiceReader {
  constructor(
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
    private readonly clock: Clock,
    private readonly portal: PartnerPortal,
  ) {}

  toView(row: InvoiceRow, now = this.clock.now().toISOString()): InvoiceView {
    const state = typeof row.state === 'string' ? (JSON.parse(row.state) as ReceivableState) : row.state;
    return invoiceView(state, Number(row.version), row.updated_at, now, (id) => this.portal.forCase(id));
  }

  async find(companyId: string, invoiceNumber: string): Promise<InvoiceView | null> {
    const { rows } = await this.sql.query<InvoiceRow>(
      'SELECT state, version, updated_at FROM rm_invoices WHERE company_id = $1 AND invoice_number = $2',
      [companyId, invoiceNumber],
    );
    return rows[0] ? this.toView(rows[0]) : null;
  }

  /** Several invoices' views with one query (live clients get a batch's invoices at once), by `company|number`. */
  async views(wanted: readonly { companyId: string; invoiceNumber: string }[]): Promise<Map<string, InvoiceView>> {
    const views = new Map<string, InvoiceView>();
    if (wanted.length === 0) return views;
    const { rows } = await this.sql.query<InvoiceRow & { company_id: string; invoice_number: string }>(
      `SELECT i.company_id, i.invoice_number, i.state, i.version, i.updated_at
         FROM unnest($1::text[], $2::text[]) AS w(company_id, invoice_number)
         JOIN rm_invoices i ON i.company_id = w.company_id AND i.invoice_number = w.invoice_number`,
      [wanted.map((w) => w.companyId), wanted.map((w) => w.invoiceNumber)],
      { prepare: true },
    );
    const now = this.clock.now().toISOString();
    for (const row of rows) views.set(`${row.company_id}|${row.invoice_number}`, this.toView(row, now));
    return views;
  }

  async get(companyId: string, invoiceNumber: string): Promise<InvoiceView> {
    const view = await this.find(companyId, invoiceNumber);
    if (!view) throw new NotFoundException({ code: 'INVOICE.NOT_FOUND', message: `There is no invoice number ${invoiceNumber}.` });
    return view;
  }
}
