/**
 * Where each projection stands: its checkpoint, how many events of the log it has not taken in yet, and
 * how old the oldest of those is (the lag in seconds a reader of that read model can notice).
 */
import { type SqlClient } from '@pm/event-store';
import { type Projection } from './projection';
import { CHECKPOINT_SCHEMA } from './projection-runner';

export interface ProjectionStatus {
  projection: string;
  /** "commit/prepare" of the last event it has taken in; null when it has taken none. */
  checkpoint: string | null;
  checkpointUpdatedAt: string | null;
  lagEvents: number;
  lagSeconds: number;
  /** Whether it owns tables that a rebuild can replace. */
  rebuildable: boolean;
}

export async function projectionStatus(sql: SqlClient, projections: readonly Projection[]): Promise<ProjectionStatus[]> {
  await sql.query(CHECKPOINT_SCHEMA);
  const result: ProjectionStatus[] = [];
  for (const projection of projections) {
    const { rows } = await sql.query<{ c: string; p: string; updated_at: Date | string }>(
      'SELECT position_commit::text AS c, position_prepare::text AS p, updated_at FROM rm_checkpoints WHERE projection = $1',
      [projection.name],
    );
    const row = rows[0];
    const commit = row ? BigInt(row.c) : -1n;
    const prepare = row ? BigInt(row.p) : -1n;
    const lag = await sql.query<{ n: string; oldest: Date | string | null }>(
      `SELECT count(*) AS n, min(recorded_at) AS oldest FROM es_events WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)`,
      [commit < 0n ? '0' : commit.toString(), prepare.toString()],
    );
    const oldest = lag.rows[0].oldest;
    result.push({
      projection: projection.name,
      checkpoint: commit < 0n ? null : `${commit}/${prepare}`,
      checkpointUpdatedAt: row && commit >= 0n ? new Date(row.updated_at).toISOString() : null,
      lagEvents: Number(lag.rows[0].n),
      lagSeconds: oldest ? Math.max(0, Math.round((Date.now() - new Date(oldest).getTime()) / 1000)) : 0,
      rebuildable: projection.tables.length > 0,
    });
  }
  return result;
}
