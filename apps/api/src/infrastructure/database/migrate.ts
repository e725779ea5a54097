import { type SqlClient } from '@pm/event-store';

// An arbitrary, fixed advisory lock key (the event store's own schema uses another).
const MIGRATION_LOCK_KEY = '7201526385';

/**
 * Runs schema statements (`CREATE TABLE IF NOT EXISTS …`), each in a transaction of its own under an advisory
 * lock, so several API instances starting at once against a fresh database do not race on the same CREATE
 * (PostgreSQL would refuse the second with a duplicate key in its catalogue). One statement per transaction
 * keeps each table lock short: a long migration holding locks on many read-model tables could deadlock with
 * the projections of an instance that is already running.
 */
export async function migrate(sql: SqlClient, statements: readonly string[]): Promise<void> {
  for (const statement of statements)
    await sql.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
      await tx.query(statement);
    });
}
