import { type SqlClient } from '@pm/event-store';

// An arbitrary, fixed advisory lock key (the event store's own schema uses another).
const MIGRATION_LOCK_KEY = '7201526385';

/**
 * Runs schema statements (`CREATE TABLE IF NOT EXISTS …`) in one transaction under an advisory lock, so
 * several API instances starting at once against a fresh database do not race on the same CREATE
 * (PostgreSQL would refuse the second with a duplicate key in its catalogue).
 */
export async function migrate(sql: SqlClient, statements: readonly string[]): Promise<void> {
  if (statements.length === 0) return;
  await sql.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
    for (const statement of statements) await tx.query(statement);
  });
}
