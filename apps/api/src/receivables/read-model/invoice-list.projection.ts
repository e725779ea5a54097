import { Injectable } from '@nestjs/common';
import { type ReceivableEvent, type ReceivableState, invoiceBaseStatus, lastDayToPayOnTime, receivableDecider, remainingClaimOre } from '@pm/domain';
import { type SqlExecutor, type StoredEvent } from '@pm/event-store';
import { type ApplyContext, type LiveChange, type Projection, companyIdOf, write } from '../../infrastructure/projections/projection';
import { foldStreams } from '../../infrastructure/projections/fold-streams';

export const RECEIVABLE_STREAM_PREFIX = 'receivable-';

/** The invoice list: one row per invoice with the columns the list filters and sorts on, and the folded state. */
@Injectable()
export class InvoiceListProjection implements Projection {
  readonly name = 'invoice-list';
  readonly tables = ['rm_invoices'];
  readonly schema = [
    `CREATE TABLE IF NOT EXISTS rm_invoices (
      company_id text NOT NULL,
      invoice_number text NOT NULL,
      stream_id text NOT NULL UNIQUE,
      version integer NOT NULL,
      customer_name text NOT NULL,
      invoice_date text NOT NULL,
      due_date text NOT NULL,
      last_day_to_pay text NOT NULL,
      currency text NOT NULL,
      total_ore bigint NOT NULL,
      remaining_ore bigint NOT NULL,
      base_status text NOT NULL,
      case_id text,
      case_status text,
      sent_at text,
      search text NOT NULL,
      updated_at text NOT NULL,
      state jsonb NOT NULL,
      PRIMARY KEY (company_id, invoice_number)
    )`,
    'CREATE INDEX IF NOT EXISTS rm_invoices_due ON rm_invoices (company_id, last_day_to_pay)',
    'CREATE INDEX IF NOT EXISTS rm_invoices_status ON rm_invoices (company_id, base_status)',
    // Payment matching looks invoices up by OCR reference and by the amount still owed.
    'ALTER TABLE rm_invoices ADD COLUMN IF NOT EXISTS ocr text',
    'CREATE INDEX IF NOT EXISTS rm_invoices_ocr ON rm_invoices (company_id, ocr)',
    'CREATE INDEX IF NOT EXISTS rm_invoices_remaining ON rm_invoices (company_id, remaining_ore)',
  ];

  async apply(tx: SqlExecutor, events: readonly StoredEvent[], context?: ApplyContext): Promise<LiveChange[]> {
    const relevant = events.filter((e) => e.streamId.startsWith(RECEIVABLE_STREAM_PREFIX));
    const folded = await foldStreams<ReceivableState, ReceivableEvent>(
      tx,
      receivableDecider,
      'SELECT stream_id, state FROM rm_invoices WHERE stream_id = ANY($1)',
      relevant,
      context,
    );
    const changes: LiveChange[] = [];
    const rows: Record<string, unknown>[] = [];
    for (const [streamId, { state, last }] of folded) {
      const companyId = companyIdOf(last);
      const invoice = state.invoice;
      if (!companyId || !invoice) continue;
      const current = state.currentCase;
      rows.push({
        company_id: companyId,
        invoice_number: invoice.invoiceNumber,
        stream_id: streamId,
        version: last.streamVersion,
        customer_name: invoice.customer.name,
        invoice_date: invoice.invoiceDate,
        due_date: invoice.dueDate,
        last_day_to_pay: lastDayToPayOnTime(invoice.dueDate),
        currency: invoice.currency,
        total_ore: invoice.totalOre,
        remaining_ore: remainingClaimOre(state),
        base_status: invoiceBaseStatus(state),
        case_id: current?.caseId ?? null,
        case_status: current?.status ?? null,
        sent_at: current?.requestedAt ?? null,
        search: `${invoice.invoiceNumber} ${invoice.customer.name} ${invoice.ocr ?? ''}`.toLowerCase(),
        updated_at: last.metadata.occurredAt,
        state,
        ocr: invoice.ocr ?? null,
      });
      changes.push({ companyId, kind: 'invoice', key: invoice.invoiceNumber });
    }
    // One statement per batch, however many invoices it touches (an import of a bank file touches thousands).
    if (rows.length > 0)
      await write(
        tx,
        context,
        `INSERT INTO rm_invoices (company_id, invoice_number, stream_id, version, customer_name, invoice_date, due_date,
           last_day_to_pay, currency, total_ore, remaining_ore, base_status, case_id, case_status, sent_at, search, updated_at, state, ocr)
         SELECT r.company_id, r.invoice_number, r.stream_id, r.version, r.customer_name, r.invoice_date, r.due_date, r.last_day_to_pay,
           r.currency, r.total_ore, r.remaining_ore, r.base_status, r.case_id, r.case_status, r.sent_at, r.search, r.updated_at, r.state, r.ocr
         FROM jsonb_to_recordset($1::jsonb) AS r(company_id text, invoice_number text, stream_id text, version integer, customer_name text,
           invoice_date text, due_date text, last_day_to_pay text, currency text, total_ore bigint, remaining_ore bigint, base_status text,
           case_id text, case_status text, sent_at text, search text, updated_at text, state jsonb, ocr text)
         ON CONFLICT (company_id, invoice_number) DO UPDATE SET version = EXCLUDED.version,
           customer_name = EXCLUDED.customer_name, invoice_date = EXCLUDED.invoice_date, due_date = EXCLUDED.due_date,
           last_day_to_pay = EXCLUDED.last_day_to_pay, currency = EXCLUDED.currency, total_ore = EXCLUDED.total_ore,
           remaining_ore = EXCLUDED.remaining_ore, base_status = EXCLUDED.base_status, case_id = EXCLUDED.case_id,
           case_status = EXCLUDED.case_status, sent_at = EXCLUDED.sent_at, search = EXCLUDED.search,
           updated_at = EXCLUDED.updated_at, state = EXCLUDED.state, ocr = EXCLUDED.ocr`,
        [JSON.stringify(rows)],
      );
    return changes;
  }
}
