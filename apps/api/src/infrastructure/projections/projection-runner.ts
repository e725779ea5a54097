/**
 * Runs each projection as a checkpointed catch-up subscription on the event store. A batch and the
 * checkpoint are written in one transaction; only after the commit are live clients told.
 */
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import {
  type EventStore,
  type GlobalPosition,
  type SqlClient,
  type SqlExecutor,
  START,
  type Subscription,
} from '@pm/event-store';
import { EVENT_STORE, SQL_CLIENT } from '../database/tokens';
import { PROJECTIONS, type Projection } from './projection';
import { ProjectionWaiter } from './projection-waiter';
import { LiveUpdates } from './live-updates';

export const CHECKPOINT_SCHEMA = `
  CREATE TABLE IF NOT EXISTS rm_checkpoints (
    projection text PRIMARY KEY,
    position_commit bigint NOT NULL,
    position_prepare bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
  )`;

export async function readCheckpoint(sql: SqlExecutor, name: string): Promise<GlobalPosition> {
  const { rows } = await sql.query<{ c: string; p: string }>(
    'SELECT position_commit::text AS c, position_prepare::text AS p FROM rm_checkpoints WHERE projection = $1',
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
  for (const projection of projections) for (const ddl of projection.schema) await sql.query(ddl);
}

@Injectable()
export class ProjectionRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ProjectionRunner.name);
  private subscriptions: Subscription[] = [];

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
    @Inject(PROJECTIONS) private readonly projections: Projection[],
    private readonly waiter: ProjectionWaiter,
    private readonly live: LiveUpdates,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await ensureProjectionSchemas(this.sql, this.projections);
    for (const projection of this.projections) {
      const after = await readCheckpoint(this.sql, projection.name);
      this.waiter.register(projection.name, after);
      this.subscriptions.push(
        this.store.subscribe({
          after,
          batchSize: 1000,
          handler: async (events) => {
            const last = events[events.length - 1].globalPosition;
            const changes = await this.sql.transaction(async (tx) => {
              const changed = await projection.apply(tx, events);
              await writeCheckpoint(tx, projection.name, last);
              return changed;
            });
            this.waiter.advance(projection.name, last);
            this.live.publish(changes);
          },
          onError: (error) => this.logger.error(`Projection ${projection.name} failed; retrying`, error as Error),
        }),
      );
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.subscriptions.map((s) => s.stop()));
    this.subscriptions = [];
  }
}
