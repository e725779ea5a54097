import { Injectable } from '@nestjs/common';
import { type ReceivableEvent, type ReceivableState, receivableDecider, remainingClaimOre } from '@pm/domain';
import { type SqlExecutor, type StoredEvent } from '@pm/event-store';
import { type LiveChange, type Projection, companyIdOf } from '../../infrastructure/projections/projection';
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

  async apply(tx: SqlExecutor, events: readonly StoredEvent[]): Promise<LiveChange[]> {
    const relevant = events.filter((e) => e.streamId.startsWith(RECEIVABLE_STREAM_PREFIX));
    const folded = await foldStreams<ReceivableState, ReceivableEvent>(
      tx,
      receivableDecider,
      'SELECT stream_id, state FROM rm_case_streams WHERE stream_id = ANY($1)',
      relevant,
    );
    const changes: LiveChange[] = [];
    for (const [streamId, { state, last }] of folded) {
      await tx.query(
        `INSERT INTO rm_case_streams (stream_id, state) VALUES ($1, $2)
         ON CONFLICT (stream_id) DO UPDATE SET state = EXCLUDED.state`,
        [streamId, JSON.stringify(state)],
      );
      const companyId = companyIdOf(last);
      const current = state.currentCase;
      if (!companyId || !current || !state.invoice) continue;
      await tx.query(
        `INSERT INTO rm_cases (case_id, company_id, invoice_number, stream_id, status, remaining_ore, updated_at, reminder_case, receivable, partner_case_id)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)
         ON CONFLICT (case_id) DO UPDATE SET status = EXCLUDED.status, remaining_ore = EXCLUDED.remaining_ore,
           updated_at = EXCLUDED.updated_at, reminder_case = EXCLUDED.reminder_case, receivable = EXCLUDED.receivable,
           partner_case_id = EXCLUDED.partner_case_id`,
        [
          current.caseId,
          companyId,
          state.invoice.invoiceNumber,
          streamId,
          current.status,
          remainingClaimOre(state),
          last.metadata.occurredAt,
          JSON.stringify(current),
          JSON.stringify(state),
          current.partnerCaseId,
        ],
      );
      changes.push({ companyId, kind: 'case', key: current.caseId });
    }
    return changes;
  }
}
