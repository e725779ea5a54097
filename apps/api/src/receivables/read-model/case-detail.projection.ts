import { Injectable } from '@nestjs/common';
import { type ReceivableEvent, type ReceivableState, receivableDecider, remainingClaimOre } from '@pm/domain';
import { type SqlExecutor, type StoredEvent } from '@pm/event-store';
import { type ApplyContext, type LiveChange, type Projection, companyIdOf, write } from '../../infrastructure/projections/projection';
import { foldStreams } from '../../infrastructure/projections/fold-streams';
import { RECEIVABLE_STREAM_PREFIX } from './invoice-list.projection';

/** One row per reminder case, with the case as the domain sees it and the invoice it belongs to. */
@Injectable()
export class CaseDetailProjection implements Projection {
  readonly name = 'case-detail';
  readonly tables = ['rm_cases', 'rm_case_streams'];
  readonly schema = [
    // The folded receivable per stream, private to this projection.
    `CREATE TABLE IF NOT EXISTS rm_case_streams (stream_id text PRIMARY KEY, state jsonb NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS rm_cases (
      case_id text PRIMARY KEY,
      company_id text NOT NULL,
      invoice_number text NOT NULL,
      stream_id text NOT NULL,
      status text NOT NULL,
      remaining_ore bigint NOT NULL,
      updated_at text NOT NULL,
      reminder_case jsonb NOT NULL,
      receivable jsonb NOT NULL
    )`,
    'CREATE INDEX IF NOT EXISTS rm_cases_company ON rm_cases (company_id, invoice_number)',
    'ALTER TABLE rm_cases ADD COLUMN IF NOT EXISTS partner_case_id text',
    'CREATE INDEX IF NOT EXISTS rm_cases_partner ON rm_cases (partner_case_id)',
  ];

  async apply(tx: SqlExecutor, events: readonly StoredEvent[], context?: ApplyContext): Promise<LiveChange[]> {
    const relevant = events.filter((e) => e.streamId.startsWith(RECEIVABLE_STREAM_PREFIX));
    const folded = await foldStreams<ReceivableState, ReceivableEvent>(
      tx,
      receivableDecider,
      'SELECT stream_id, state FROM rm_case_streams WHERE stream_id = ANY($1)',
      relevant,
      context,
    );
    const changes: LiveChange[] = [];
    const streamRows: Array<{ stream_id: string; state: ReceivableState }> = [];
    const caseRows: Record<string, unknown>[] = [];
    for (const [streamId, { state, last }] of folded) {
      streamRows.push({ stream_id: streamId, state });
      const companyId = companyIdOf(last);
      const current = state.currentCase;
      if (!companyId || !current || !state.invoice) continue;
      caseRows.push({
        case_id: current.caseId,
        company_id: companyId,
        invoice_number: state.invoice.invoiceNumber,
        stream_id: streamId,
        status: current.status,
        remaining_ore: remainingClaimOre(state),
        updated_at: last.metadata.occurredAt,
        reminder_case: current,
        receivable: state,
        partner_case_id: current.partnerCaseId,
      });
      changes.push({ companyId, kind: 'case', key: current.caseId });
    }
    // Set-based: one statement per table and batch (a bank file import touches thousands of invoices).
    if (streamRows.length > 0)
      await write(
        tx,
        context,
        `INSERT INTO rm_case_streams (stream_id, state) SELECT r.stream_id, r.state FROM jsonb_to_recordset($1::jsonb) AS r(stream_id text, state jsonb)
         ON CONFLICT (stream_id) DO UPDATE SET state = EXCLUDED.state`,
        [JSON.stringify(streamRows)],
      );
    if (caseRows.length > 0)
      await write(
        tx,
        context,
        `INSERT INTO rm_cases (case_id, company_id, invoice_number, stream_id, status, remaining_ore, updated_at, reminder_case, receivable, partner_case_id)
         SELECT r.case_id, r.company_id, r.invoice_number, r.stream_id, r.status, r.remaining_ore, r.updated_at, r.reminder_case, r.receivable, r.partner_case_id
         FROM jsonb_to_recordset($1::jsonb) AS r(case_id text, company_id text, invoice_number text, stream_id text, status text, remaining_ore bigint,
           updated_at text, reminder_case jsonb, receivable jsonb, partner_case_id text)
         ON CONFLICT (case_id) DO UPDATE SET status = EXCLUDED.status, remaining_ore = EXCLUDED.remaining_ore,
           updated_at = EXCLUDED.updated_at, reminder_case = EXCLUDED.reminder_case, receivable = EXCLUDED.receivable,
           partner_case_id = EXCLUDED.partner_case_id`,
        [JSON.stringify(caseRows)],
      );
    return changes;
  }
}
