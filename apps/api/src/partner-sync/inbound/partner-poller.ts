/**
 * Polls the partner for cases updated since the last checkpoint (interval AMILI_POLL_INTERVAL_MS).
 * The cursor is stored after each page, so a restart continues where it stopped; re-reading a page
 * is harmless because applying a view is idempotent.
 */
import { Inject, Injectable } from '@nestjs/common';
import { PeriodicJob } from '../../infrastructure/periodic-job';
import { AmiliAdapter, INITIAL_POLLING_CURSOR, type PollingCursor } from '@pm/amili-adapter';
import { type SqlClient } from '@pm/event-store';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { SQL_CLIENT } from '../../infrastructure/database/tokens';
import { PartnerCaseSync } from './partner-case-sync';

export const SYNC_STATE_TABLE = 'sync_state';
const CURSOR_KEY = 'partner-poll-cursor';
const PAGE_SIZE = 100;

type Cursor = PollingCursor;

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
    let cursor = await this.readCursor();
    let seen = 0;
    for (;;) {
      const { cases, next, hasMore } = await this.partner.listCasesUpdatedSince(cursor, PAGE_SIZE);
      for (const view of cases) await this.sync.apply(view, 'poll');
      seen += cases.length;
      await this.sql.query(
        `INSERT INTO ${SYNC_STATE_TABLE} (key, value, updated_at) VALUES ($1, $2, now())
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
        [CURSOR_KEY, JSON.stringify(next)],
      );
      cursor = next;
      if (!hasMore) return seen;
    }
  }

  private async readCursor(): Promise<Cursor> {
    const { rows } = await this.sql.query<{ value: Cursor | string }>(`SELECT value FROM ${SYNC_STATE_TABLE} WHERE key = $1`, [CURSOR_KEY]);
    const value = rows[0]?.value;
    if (!value) return INITIAL_POLLING_CURSOR;
    return typeof value === 'string' ? (JSON.parse(value) as Cursor) : value;
  }
}
