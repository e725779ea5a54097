/**
 * A pause (anstånd) has an end date: once it has passed, the system resumes the case where it was.
 * Runs every minute; the decider ignores a resume that comes too early, so a late or repeated run is
 * harmless. (With several API instances, issue 7 gives this job a lease.)
 */
import { Inject, Injectable } from '@nestjs/common';
import { PeriodicJob } from '../../infrastructure/periodic-job';
import { isDomainError, stockholmDate } from '@pm/domain';
import { type SqlClient } from '@pm/event-store';
import { Clock } from '../../infrastructure/event-sourcing/clock';
import { SQL_CLIENT } from '../../infrastructure/database/tokens';
import { systemContext } from '../../shared/http/command-context';
import { ReceivableCommands } from '../receivable-commands';

@Injectable()
export class ResumeExpiredPausesJob extends PeriodicJob {
  constructor(
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
    private readonly clock: Clock,
    private readonly receivables: ReceivableCommands,
  ) {
    super();
  }

  protected interval(): number {
    return 60_000;
  }

  protected async work(): Promise<number> {
    const today = stockholmDate(this.clock.now());
    const { rows } = await this.sql.query<{ company_id: string; invoice_number: string }>(
      `SELECT company_id, invoice_number FROM rm_cases WHERE status = 'paused' AND reminder_case->>'pausedUntil' <= $1`,
      [today],
    );
    let resumed = 0;
    for (const row of rows) {
      try {
        const result = await this.receivables.run(
          row.company_id,
          row.invoice_number,
          (base) => ({ type: 'ResumeReminderCase', ...base, data: {} }),
          systemContext('pause-expiry'),
        );
        resumed += result.events.length > 0 ? 1 : 0;
      } catch (error) {
        // The case moved on meanwhile (closed, disputed …): nothing to resume.
        if (!isDomainError(error)) throw error;
      }
    }
    return resumed;
  }
}
