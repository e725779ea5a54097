import { Injectable } from '@nestjs/common';
import { type BankPaymentEvent } from '@pm/domain';
import { type SqlExecutor, type StoredEvent } from '@pm/event-store';
import { type ApplyContext, type LiveChange, type Projection, companyIdOf, write } from '../../infrastructure/projections/projection';

/** The general journal: every booked entry, in the order it was booked, for the SIE export. */
@Injectable()
export class JournalProjection implements Projection {
  readonly name = 'journal';
  readonly tables = ['rm_journal'];
  readonly schema = [
    `CREATE TABLE IF NOT EXISTS rm_journal (
      entry_id text PRIMARY KEY,
      company_id text NOT NULL,
      position_commit bigint NOT NULL,
      position_prepare bigint NOT NULL,
      entry_date text NOT NULL,
      text text NOT NULL,
      lines jsonb NOT NULL,
      booked_at text NOT NULL
    )`,
    'CREATE INDEX IF NOT EXISTS rm_journal_company_date ON rm_journal (company_id, entry_date, position_commit, position_prepare)',
  ];

  async apply(tx: SqlExecutor, events: readonly StoredEvent[], context?: ApplyContext): Promise<LiveChange[]> {
    const rows = [];
    for (const stored of events) {
      if (stored.type !== 'BankPaymentBooked') continue;
      const event = stored as unknown as Extract<BankPaymentEvent, { type: 'BankPaymentBooked' }>;
      const companyId = companyIdOf(stored);
      if (!companyId) continue;
      rows.push({
        entry_id: stored.metadata.eventId,
        company_id: companyId,
        position_commit: stored.globalPosition.commit.toString(),
        position_prepare: stored.globalPosition.prepare.toString(),
        entry_date: event.data.entry.date,
        text: event.data.entry.text,
        lines: event.data.entry.lines,
        booked_at: stored.metadata.occurredAt,
      });
    }
    // One statement per batch: an import of a large bank file books tens of thousands of entries.
    if (rows.length > 0)
      await write(
        tx,
        context,
        `INSERT INTO rm_journal (entry_id, company_id, position_commit, position_prepare, entry_date, text, lines, booked_at)
         SELECT r.entry_id, r.company_id, r.position_commit, r.position_prepare, r.entry_date, r.text, r.lines, r.booked_at
           FROM jsonb_to_recordset($1::jsonb) AS r(entry_id text, company_id text, position_commit bigint, position_prepare bigint,
             entry_date text, text text, lines jsonb, booked_at text)
         ON CONFLICT (entry_id) DO NOTHING`,
        [JSON.stringify(rows)],
      );
    return [];
  }
}
