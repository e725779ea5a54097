/**
 * Runs the projections as checkpointed consumers of the event store. One catch-up subscription reads the
 * log once for all of them (each event is read and decoded once, not once per read model) and hands
 * each batch to every projection that has not seen it yet; a projection's part of the batch and its
 * checkpoint are written in one transaction, and only after the commit are live clients told. A
 * projection that fails holds the batch back (it is retried); those that committed it skip it then.
 */
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import {
  type EventStore,
  type GlobalPosition,
  type StoredEvent,
  comparePositions,
  type SqlClient,
  type SqlExecutor,
  START,
  type Subscription,
} from '@pm/event-store';
import { EVENT_STORE, SQL_CLIENT } from '../database/tokens';
import { type LiveChange, PROJECTIONS, type Projection } from './projection';
import { ProjectionWaiter } from './projection-waiter';
import { LiveUpdates } from './live-updates';

export const CHECKPOINT_SCHEMA = `
  CREATE TABLE IF NOT EXISTS rm_checkpoints (
    projection text PRIMARY KEY,
    position_commit bigint NOT NULL,
    position_prepare bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
  )`;

/** A projection's checkpoint; `forUpdate` locks its row until the transaction ends (see ProjectionRunner.feed). */
export async function readCheckpoint(sql: SqlExecutor, name: string, forUpdate = false): Promise<GlobalPosition> {
  const { rows } = await sql.query<{ c: string; p: string }>(
    `SELECT position_commit::text AS c, position_prepare::text AS p FROM rm_checkpoints WHERE projection = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [name],
  );
  return rows[0] ? { commit: BigInt(rows[0].c), prepare: BigInt(rows[0].p) } : START;
}

export async function writeCheckpoint(sql: SqlExecutor, name: string, position: GlobalPosition): Promise<void> {
  await sql.query(
    `INSERT INTO rm_checkpoints (projection, position_commit, position_prepare, updated_at) VALUES ($1, $2, $3, now())
     ON CONFLICT (projection) DO UPDATE SET position_commit = EXCLUDED.position_commit,
       position_prepare = EXCLUDED.position_prepare, updated_at = now()`,
    [name, position.commit.toString(), position.prepare.toString()],
  );
}

export async function ensureProjectionSchemas(sql: SqlClient, projections: readonly Projection[]): Promise<void> {
  await sql.query(CHECKPOINT_SCHEMA);
  for (const projection of projections) {
    for (const ddl of projection.schema) await sql.query(ddl);
    // Every projection has its row from the start, so a transaction can always lock it.
    await sql.query('INSERT INTO rm_checkpoints (projection, position_commit, position_prepare) VALUES ($1, -1, -1) ON CONFLICT (projection) DO NOTHING', [projection.name]);
  }
}

@Injectable()
export class ProjectionRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ProjectionRunner.name);
  private subscription?: Subscription;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
    @Inject(PROJECTIONS) private readonly projections: Projection[],
    private readonly waiter: ProjectionWaiter,
    private readonly live: LiveUpdates,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await ensureProjectionSchemas(this.sql, this.projections);
    const positions = new Map<string, GlobalPosition>();
    for (const projection of this.projections) {
      const after = await readCheckpoint(this.sql, projection.name);
      positions.set(projection.name, after);
      this.waiter.register(projection.name, after);
    }
    // From the projection furthest behind; the others skip what they have.
    const behind = [...positions.values()].reduce<GlobalPosition | undefined>((a, b) => (a && comparePositions(a, b) <= 0 ? a : b), undefined);
    this.subscription = this.store.subscribe({
      after: behind ?? START,
      batchSize: 1000,
      handler: async (events) => {
        // Live clients hear of a batch once every read model has it: a case view pushed to the browser
        // then never runs ahead of its audit trail.
        // What committed is told even when a later projection fails (it retries the batch, the others skip it).
        const changes: LiveChange[] = [];
        try {
          for (const projection of this.projections) changes.push(...(await this.feed(projection, events, positions)));
        } finally {
          this.live.publish(changes);
        }
      },
      onError: (error) => this.logger.error('A projection failed; retrying its batch', error as Error),
    });
  }

  /**
   * One projection's part of a batch. The checkpoint is read again inside the transaction and its row
   * locked, because something else may have moved it: a rebuild that switched the read model over
   * (ProjectionRebuild), or another API instance. Locking the row first also orders this transaction
   * before or after such a switch, never through it.
   */
  private async feed(projection: Projection, events: StoredEvent[], positions: Map<string, GlobalPosition>): Promise<LiveChange[]> {
    const known = positions.get(projection.name)!;
    if (comparePositions(events[events.length - 1].globalPosition, known) <= 0) return [];
    const { at, changes } = await this.sql.transaction(async (tx) => {
      const checkpoint = await readCheckpoint(tx, projection.name, true);
      const fresh = comparePositions(events[0].globalPosition, checkpoint) > 0 ? events : events.filter((e) => comparePositions(e.globalPosition, checkpoint) > 0);
      if (fresh.length === 0) return { at: checkpoint, changes: [] as LiveChange[] };
      const last = fresh[fresh.length - 1].globalPosition;
      const changed = await projection.apply(tx, fresh);
      await writeCheckpoint(tx, projection.name, last);
      return { at: last, changes: changed };
    });
    positions.set(projection.name, at);
    this.waiter.advance(projection.name, at);
    return changes;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = undefined;
  }
}
