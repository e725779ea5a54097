/**
 * Polls the partner for cases updated since the last checkpoint (interval AMILI_POLL_INTERVAL_MS).
 * The cursor is stored after each page, so a restart continues where it stopped; re-reading a page
 * is harmless because applying a view is idempotent.
 */
import { Inject, Injectable } from '@nestjs/common';
import { PeriodicJob } from '../../infrastructure/periodic-job';
import { AmiliAdapter } from '@pm/amili-adapter';
import { type SqlClient } from '@pm/event-store';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { SQL_CLIENT } from '../../infrastructure/database/tokens';
import { PartnerCaseSync } from './partner-case-sync';
import { readSyncCursor, writeSyncCursor } from './sync-cursor';

const CURSOR_KEY = 'partner-poll-cursor';
const PAGE_SIZE = 100;

@Injectable()
export class PartnerPoller extends PeriodicJob {
  constructor(
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly partner: AmiliAdapter,
    private readonly sync: PartnerCaseSync,
  ) {
    super();
  }

  protected interval(): number {
    return this.config.partner!.pollIntervalMs;
  }

  protected async work(): Promise<number> {
    let cursor = await readSyncCursor(this.sql, CURSOR_KEY);
    let seen = 0;
    for (;;) {
      const { cases, next, hasMore } = await this.partner.listCasesUpdatedSince(cursor, PAGE_SIZE);
      for (const view of cases) await this.sync.apply(view, 'poll');
      seen += cases.length;
      await writeSyncCursor(this.sql, CURSOR_KEY, next);
      cursor = next;
      if (!hasMore) return seen;
    }
  }
}
