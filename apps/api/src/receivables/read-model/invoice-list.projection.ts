import { Injectable } from '@nestjs/common';
import { type ReceivableEvent, type ReceivableState, invoiceBaseStatus, lastDayToPayOnTime, receivableDecider, remainingClaimOre } from '@pm/domain';
import { type SqlExecutor, type StoredEvent } from '@pm/event-store';
import { type LiveChange, type Projection, companyIdOf } from '../../infrastructure/projections/projection';
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

  async apply(tx: SqlExecutor, events: readonly StoredEvent[]): Promise<LiveChange[]> {
    const relevant = events.filter((e) => e.streamId.startsWith(RECEIVABLE_STREAM_PREFIX));
    const folded = await foldStreams<ReceivableState, ReceivableEvent>(
      tx,
      receivableDecider,
      'SELECT stream_id, state FROM rm_invoices WHERE stream_id = ANY($1)',
      relevant,
    );
    const changes: LiveChange[] = [];
    for (const [streamId, { state, last }] of folded) {
      const companyId = companyIdOf(last);
      const invoice = state.invoice;
      if (!companyId || !invoice) continue;
      const current = state.currentCase;
      await tx.query(
        `INSERT INTO rm_invoices (company_id, invoice_number, stream_id, version, customer_name, invoice_date, due_date,
           last_day_to_pay, currency, total_ore, remaining_ore, base_status, case_id, case_status, sent_at, search, updated_at, state, ocr)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19)
         ON CONFLICT (company_id, invoice_number) DO UPDATE SET version = EXCLUDED.version,
           customer_name = EXCLUDED.customer_name, invoice_date = EXCLUDED.invoice_date, due_date = EXCLUDED.due_date,
           last_day_to_pay = EXCLUDED.last_day_to_pay, currency = EXCLUDED.currency, total_ore = EXCLUDED.total_ore,
           remaining_ore = EXCLUDED.remaining_ore, base_status = EXCLUDED.base_status, case_id = EXCLUDED.case_id,
           case_status = EXCLUDED.case_status, sent_at = EXCLUDED.sent_at, search = EXCLUDED.search,
           updated_at = EXCLUDED.updated_at, state = EXCLUDED.state, ocr = EXCLUDED.ocr`,
        [
          companyId,
          invoice.invoiceNumber,
          streamId,
          last.streamVersion,
          invoice.customer.name,
          invoice.invoiceDate,
          invoice.dueDate,
          lastDayToPayOnTime(invoice.dueDate),
          invoice.currency,
          invoice.totalOre,
          remainingClaimOre(state),
          invoiceBaseStatus(state),
          current?.caseId ?? null,
          current?.status ?? null,
          current?.requestedAt ?? null,
          `${invoice.invoiceNumber} ${invoice.customer.name} ${invoice.ocr ?? ''}`.toLowerCase(),
          last.metadata.occurredAt,
          JSON.stringify(state),
          invoice.ocr ?? null,
        ],
      );
      changes.push({ companyId, kind: 'invoice', key: invoice.invoiceNumber });
    }
    return changes;
  }
}
