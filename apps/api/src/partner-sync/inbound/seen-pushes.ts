/**
 * The partner's push notifications seen so far, by idempotency key and by signature, so that a redelivery or
 * a replay does nothing. Kept only as long as they can matter, so the table does not grow without end:
 * - a signature only while a notification carrying it could still pass the timestamp check: it was within
 *   the window of its receipt, so it is stale one more window later (kept for three, for clock skew
 *   between instances);
 * - an idempotency key as long as the partner may still redeliver under it (re-signed, so past the window):
 *   seven days. A notification that comes even later is applied again, which converges to the same case.
 */
import { type SqlClient } from '@pm/event-store';

export const PUSH_KEYS_TABLE = 'sync_push_keys';
export const PUSH_KEYS_SCHEMA = `CREATE TABLE IF NOT EXISTS ${PUSH_KEYS_TABLE} (key text PRIMARY KEY, received_at timestamptz NOT NULL DEFAULT now())`;

/** Keys and signatures share the table, each under its own prefix, so that no key can pass for a signature. */
const KEY_PREFIX = 'key:';
const SIGNATURE_PREFIX = 'signature:';
const KEY_RETENTION_MS = 7 * 24 * 3600_000;
/** At most one pruning per instance in this time: a DELETE per notification would cost more than the rows. */
const PRUNE_EVERY_MS = 60_000;

export class SeenPushes {
  private lastPrunedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly sql: SqlClient,
    private readonly windowSeconds: number,
  ) {}

  /** Records the notification; true when neither its key nor its signature was seen before. */
  async firstTime(idempotencyKey: string, signature: string, now: Date): Promise<boolean> {
    await this.pruneNowAndThen(now);
    const { rows } = await this.sql.query<{ key: string }>(
      `INSERT INTO ${PUSH_KEYS_TABLE} (key, received_at) VALUES ($1, $3), ($2, $3) ON CONFLICT (key) DO NOTHING RETURNING key`,
      [KEY_PREFIX + idempotencyKey, SIGNATURE_PREFIX + signature, now.toISOString()],
    );
    return rows.length === 2;
  }

  private async pruneNowAndThen(now: Date): Promise<void> {
    if (now.getTime() - this.lastPrunedAt < PRUNE_EVERY_MS) return;
    this.lastPrunedAt = now.getTime();
    const keysBefore = new Date(now.getTime() - KEY_RETENTION_MS).toISOString();
    const signaturesBefore = new Date(now.getTime() - 3 * this.windowSeconds * 1000).toISOString();
    await this.sql.query(`DELETE FROM ${PUSH_KEYS_TABLE} WHERE received_at < $1 OR (received_at < $2 AND starts_with(key, $3))`, [keysBefore, signaturesBefore, SIGNATURE_PREFIX]);
  }
}
