import { Injectable } from '@nestjs/common';
import { type BankPaymentEvent } from '@pm/domain';
import { type SqlExecutor, type StoredEvent } from '@pm/event-store';
import { type LiveChange, type Projection, companyIdOf } from '../../infrastructure/projections/projection';

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

  async apply(tx: SqlExecutor, events: readonly StoredEvent[]): Promise<LiveChange[]> {
    for (const stored of events) {
      if (stored.type !== 'BankPaymentBooked') continue;
      const event = stored as unknown as Extract<BankPaymentEvent, { type: 'BankPaymentBooked' }>;
      const companyId = companyIdOf(stored);
      if (!companyId) continue;
      await tx.query(
        `INSERT INTO rm_journal (entry_id, company_id, position_commit, position_prepare, entry_date, text, lines, booked_at)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT (entry_id) DO NOTHING`,
        [
          stored.metadata.eventId,
          companyId,
          stored.globalPosition.commit.toString(),
          stored.globalPosition.prepare.toString(),
          event.data.entry.date,
          event.data.entry.text,
          JSON.stringify(event.data.entry.lines),
          stored.metadata.occurredAt,
        ],
      );
    }
    return [];
  }
}
