/**
 * A pause (anstånd) has an end date: once it has passed, the system resumes the case where it was.
 * Runs every minute; the decider ignores a resume that comes too early, so a late or repeated run is
 * harmless. (With several API instances, issue 7 gives this job a lease.)
 */
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { isDomainError, stockholmDate } from '@pm/domain';
import { type SqlClient } from '@pm/event-store';
import { Clock } from '../../infrastructure/event-sourcing/clock';
import { SQL_CLIENT } from '../../infrastructure/database/tokens';
import { systemContext } from '../../shared/http/command-context';
import { ReceivableCommands } from '../receivable-commands';

const INTERVAL_MS = 60_000;

@Injectable()
export class ResumeExpiredPausesJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ResumeExpiredPausesJob.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
    private readonly clock: Clock,
    private readonly receivables: ReceivableCommands,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.runOnce().catch((error) => this.logger.error('Resuming paused cases failed', error)), INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Resumes every paused case whose end date has come; returns how many were resumed. */
  runOnce(): Promise<number> {
    this.running ??= this.resumeDue().finally(() => (this.running = undefined));
    return this.running;
  }

  private async resumeDue(): Promise<number> {
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
