import { type SqlExecutor } from '@pm/event-store';
import { INITIAL_POLLING_CURSOR, type PollingCursor } from '@pm/amili-adapter';

/** The sync's own bookkeeping table: poll cursors by name (created by the partner-sync module). */
export const SYNC_STATE_TABLE = 'sync_state';

/** Where a poll of the partner stopped; a restart continues there. */
export async function readSyncCursor(sql: SqlExecutor, key: string): Promise<PollingCursor> {
  const { rows } = await sql.query<{ value: PollingCursor | string }>(`SELECT value FROM ${SYNC_STATE_TABLE} WHERE key = $1`, [key]);
  const value = rows[0]?.value;
  if (!value) return INITIAL_POLLING_CURSOR;
  return typeof value === 'string' ? (JSON.parse(value) as PollingCursor) : value;
}

export async function writeSyncCursor(sql: SqlExecutor, key: string, cursor: PollingCursor): Promise<void> {
  await sql.query(
    `INSERT INTO ${SYNC_STATE_TABLE} (key, value, updated_at) VALUES ($1, $2, now())
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
    [key, JSON.stringify(cursor)],
  );
}
