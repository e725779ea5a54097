/**
 * Where each projection stands: its checkpoint, how many events of the log it has not taken in yet, and
 * how old the oldest of those is (the lag in seconds a reader of that read model can notice).
 */
import { countEvents, type LogAccess } from '../database/event-log';
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

/** The checkpoints are in SQL; the lag is counted in the log (in SQL when it is there, see countEvents). */
export async function projectionStatus(storage: LogAccess, projections: readonly Projection[]): Promise<ProjectionStatus[]> {
  const { sql } = storage;
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
    const lag = await countEvents(storage, { after: { commit, prepare } });
    const oldest = lag.oldestRecordedAt;
    result.push({
      projection: projection.name,
      checkpoint: commit < 0n ? null : `${commit}/${prepare}`,
      checkpointUpdatedAt: row && commit >= 0n ? new Date(row.updated_at).toISOString() : null,
      lagEvents: lag.events,
      lagSeconds: oldest ? Math.max(0, Math.round((Date.now() - new Date(oldest).getTime()) / 1000)) : 0,
      rebuildable: projection.tables.length > 0,
    });
  }
  return result;
}
