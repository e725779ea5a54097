/**
 * Rebuilding read models without downtime. Each projection is replayed from the start of the log into
 * fresh tables in a schema of its own (`pm_rebuild_<name>`: the projection's own SQL runs unchanged with
 * that schema first on the search path), in large pages with one set-based write per page, while the live
 * tables go on serving and being updated. When the replay has caught up, one transaction locks the
 * projection's checkpoint row (the live runner takes that lock first in each of its transactions, so it
 * waits), applies the last events, drops the old tables, moves the new ones in, and sets the checkpoint:
 * a reader sees the old model or the new one, never a half-built one, and no event is applied twice.
 *
 * Progress is committed with every page (`rm_rebuilds`), so an interrupted rebuild resumes where it was;
 * a rebuild that is running (heartbeat within the last 30 s) refuses a second one.
 */
import { type EventStore, type GlobalPosition, type SqlClient, type SqlExecutor, type StoredEvent, START, readAllIn } from '@pm/event-store';
import { randomUUID } from 'node:crypto';
import { type Projection } from './projection';
import { ensureProjectionSchemas, readCheckpoint, writeCheckpoint } from './projection-runner';

export const REBUILDS_TABLE = 'rm_rebuilds';
const STALE_AFTER = "interval '30 seconds'";

export class RebuildRunningError extends Error {
  readonly code = 'REBUILD.RUNNING';
  constructor(readonly projections: string[]) {
    super(`A rebuild of ${projections.join(', ')} is running already; wait for it, or interrupt it.`);
    this.name = 'RebuildRunningError';
  }
}

export class UnknownProjectionError extends Error {
  readonly code = 'REBUILD.UNKNOWN_PROJECTION';
  constructor(
    readonly projection: string,
    readonly known: string[],
  ) {
    super(`${projection ? `There is no rebuildable projection "${projection}"` : 'Name at least one projection to rebuild'}; the read models are: ${known.join(', ')}.`);
    this.name = 'UnknownProjectionError';
  }
}

export interface RebuildProgress {
  projections: string[];
  phase: 'replaying' | 'switching' | 'done' | 'interrupted';
  /** Events replayed by this run (a resumed run counts from where it resumed). */
  events: number;
  /** Events replayed in all runs of this rebuild. */
  totalEvents: number;
  /** Events in the log when the run started; the target of the progress bar. */
  logEvents: number;
  eventsPerSecond: number;
  resumed: boolean;
}

export interface RebuildOptions {
  /** Start over even if an interrupted rebuild could be resumed. */
  restart?: boolean;
  /** Events per page. Default 5,000. */
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (progress: RebuildProgress) => void;
}

/** Projections that own read-model tables; the partner outbox owns none (replaying it would call the partner again). */
export const rebuildable = (projections: readonly Projection[]) => projections.filter((p) => p.tables.length > 0);

export const shadowSchemaOf = (projection: string) => `pm_rebuild_${projection.replace(/[^a-z0-9]+/gi, '_').toLowerCase()}`;

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

export async function ensureRebuildTable(sql: SqlClient | SqlExecutor): Promise<void> {
  await sql.query(`CREATE TABLE IF NOT EXISTS ${REBUILDS_TABLE} (
    projection text PRIMARY KEY,
    run_id text NOT NULL,
    status text NOT NULL,
    position_commit bigint NOT NULL,
    position_prepare bigint NOT NULL,
    events bigint NOT NULL DEFAULT 0,
    started_at timestamptz NOT NULL DEFAULT now(),
    heartbeat_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
  )`);
}

export class ProjectionRebuild {
  constructor(
    private readonly sql: SqlClient,
    private readonly store: EventStore,
    private readonly projections: readonly Projection[],
  ) {}

  /** The projections named (or all rebuildable ones for `'all'`). */
  select(names: readonly string[] | 'all'): Projection[] {
    const candidates = rebuildable(this.projections);
    if (names === 'all') return candidates;
    return names.map((name) => {
      const found = candidates.find((p) => p.name === name);
      if (!found) throw new UnknownProjectionError(name, candidates.map((p) => p.name));
      return found;
    });
  }

  async run(names: readonly string[] | 'all', options: RebuildOptions = {}): Promise<RebuildProgress> {
    const projections = this.select(names);
    if (projections.length === 0) throw new UnknownProjectionError('', rebuildable(this.projections).map((p) => p.name));
    const batchSize = options.batchSize ?? 5_000;
    await ensureProjectionSchemas(this.sql, this.projections);
    await ensureRebuildTable(this.sql);
    const live = (await this.sql.query<{ schema: string }>('SELECT current_schema() AS schema')).rows[0].schema;
    const runId = randomUUID();
    const { position, resumed, totalBefore } = await this.claim(projections, runId, live, options.restart === true);
    const logEvents = Number((await this.sql.query<{ n: string }>('SELECT count(*) AS n FROM es_events')).rows[0].n);
    const names_ = projections.map((p) => p.name);
    const started = Date.now();
    let events = 0;
    let after = position;
    const progress = (phase: RebuildProgress['phase']): RebuildProgress => ({
      projections: names_,
      phase,
      events,
      totalEvents: totalBefore + events,
      logEvents,
      eventsPerSecond: Math.round(events / Math.max(0.001, (Date.now() - started) / 1000)),
      resumed,
    });
    try {
      // Replay into the shadow tables, page by page; each page and the rebuild's position commit together.
      for (;;) {
        if (options.signal?.aborted) {
          await this.release(names_, runId, 'interrupted');
          const interrupted = progress('interrupted');
          options.onProgress?.(interrupted);
          return interrupted;
        }
        const page = await this.store.readAll({ after, limit: batchSize });
        if (page.length === 0) break;
        await this.sql.transaction(async (tx) => {
          await this.applyToShadows(tx, projections, page, live);
          await this.recordProgress(tx, names_, runId, page[page.length - 1].globalPosition, page.length);
        });
        after = page[page.length - 1].globalPosition;
        events += page.length;
        options.onProgress?.(progress('replaying'));
        if (page.length < batchSize) break;
        // Other work of this process (the API serving) gets its turn between pages.
        await new Promise((resolve) => setImmediate(resolve));
      }
      options.onProgress?.(progress('switching'));
      events += await this.switchOver(projections, runId, live, batchSize);
      const done = progress('done');
      options.onProgress?.(done);
      return done;
    } catch (error) {
      await this.release(names_, runId, 'interrupted').catch(() => undefined);
      throw error;
    }
  }

  /** The state of every rebuild this store has seen (running, interrupted or done). */
  async status(): Promise<Array<{ projection: string; status: string; events: number; startedAt: string; heartbeatAt: string; finishedAt: string | null; running: boolean }>> {
    await ensureRebuildTable(this.sql);
    const { rows } = await this.sql.query<{ projection: string; status: string; events: string; started_at: Date | string; heartbeat_at: Date | string; finished_at: Date | string | null; running: boolean }>(
      `SELECT projection, status, events, started_at, heartbeat_at, finished_at, (status = 'running' AND heartbeat_at > now() - ${STALE_AFTER}) AS running
       FROM ${REBUILDS_TABLE} ORDER BY projection`,
    );
    return rows.map((r) => ({
      projection: r.projection,
      status: r.status === 'running' && !r.running ? 'interrupted' : r.status,
      events: Number(r.events),
      startedAt: new Date(r.started_at).toISOString(),
      heartbeatAt: new Date(r.heartbeat_at).toISOString(),
      finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : null,
      running: r.running,
    }));
  }

  /**
   * Takes the rebuild of these projections for this run, or refuses when another run holds any of them.
   * Resumes an interrupted rebuild (all of them at one position) unless `restart`; otherwise starts over
   * with empty shadow tables.
   */
  private async claim(projections: Projection[], runId: string, live: string, restart: boolean): Promise<{ position: GlobalPosition; resumed: boolean; totalBefore: number }> {
    const names = projections.map((p) => p.name);
    return this.sql.transaction(async (tx) => {
      const { rows } = await tx.query<{ projection: string; status: string; c: string; p: string; events: string; running: boolean }>(
        `SELECT projection, status, position_commit::text AS c, position_prepare::text AS p, events,
           (status = 'running' AND heartbeat_at > now() - ${STALE_AFTER}) AS running
         FROM ${REBUILDS_TABLE} WHERE projection = ANY($1::text[]) FOR UPDATE`,
        [names],
      );
      const busy = rows.filter((r) => r.running).map((r) => r.projection);
      if (busy.length > 0) throw new RebuildRunningError(busy);
      const resumable = !restart && rows.length === names.length && rows.every((r) => r.status !== 'done') && new Set(rows.map((r) => `${r.c}/${r.p}`)).size === 1;
      if (resumable)
        for (const projection of projections) {
          const schema = (await tx.query<{ n: string }>('SELECT count(*) AS n FROM information_schema.schemata WHERE schema_name = $1', [shadowSchemaOf(projection.name)])).rows[0].n;
          if (Number(schema) === 0) return this.fresh(tx, projections, runId, live);
        }
      if (!resumable) return this.fresh(tx, projections, runId, live);
      await tx.query(`UPDATE ${REBUILDS_TABLE} SET run_id = $2, status = 'running', heartbeat_at = now() WHERE projection = ANY($1::text[])`, [names, runId]);
      return { position: { commit: BigInt(rows[0].c), prepare: BigInt(rows[0].p) }, resumed: true, totalBefore: Number(rows[0].events) };
    });
  }

  private async fresh(tx: SqlExecutor, projections: Projection[], runId: string, live: string): Promise<{ position: GlobalPosition; resumed: boolean; totalBefore: number }> {
    for (const projection of projections) {
      const shadow = shadowSchemaOf(projection.name);
      await tx.query(`DROP SCHEMA IF EXISTS ${ident(shadow)} CASCADE`);
      await tx.query(`CREATE SCHEMA ${ident(shadow)}`);
      await this.inSchema(tx, shadow, live, async () => {
        for (const ddl of projection.schema) await tx.query(ddl);
      });
      await tx.query(
        `INSERT INTO ${REBUILDS_TABLE} (projection, run_id, status, position_commit, position_prepare, events, started_at, heartbeat_at, finished_at)
         VALUES ($1, $2, 'running', -1, -1, 0, now(), now(), NULL)
         ON CONFLICT (projection) DO UPDATE SET run_id = EXCLUDED.run_id, status = 'running', position_commit = -1, position_prepare = -1, events = 0,
           started_at = now(), heartbeat_at = now(), finished_at = NULL`,
        [projection.name, runId],
      );
    }
    return { position: START, resumed: false, totalBefore: 0 };
  }

  /** Runs `work` with the shadow schema first on the search path, so the projection's own SQL lands there. */
  private async inSchema<T>(tx: SqlExecutor, shadow: string, live: string, work: () => Promise<T>): Promise<T> {
    await tx.query(`SET LOCAL search_path TO ${ident(shadow)}, ${ident(live)}`);
    try {
      return await work();
    } finally {
      await tx.query(`SET LOCAL search_path TO ${ident(live)}`);
    }
  }

  private async applyToShadows(tx: SqlExecutor, projections: Projection[], events: StoredEvent[], live: string): Promise<void> {
    for (const projection of projections) await this.inSchema(tx, shadowSchemaOf(projection.name), live, () => projection.apply(tx, events));
  }

  private async recordProgress(tx: SqlExecutor, names: string[], runId: string, position: GlobalPosition, count: number): Promise<void> {
    const { rowCount } = await tx.query(
      `UPDATE ${REBUILDS_TABLE} SET position_commit = $3, position_prepare = $4, events = events + $5, heartbeat_at = now()
       WHERE projection = ANY($1::text[]) AND run_id = $2`,
      [names, runId, position.commit.toString(), position.prepare.toString(), count],
    );
    // Someone took the rebuild over (this run had stalled past the heartbeat): stop, change nothing.
    if (rowCount !== names.length) throw new RebuildRunningError(names);
  }

  /**
   * The switch, in one transaction: lock the live checkpoints (the live runner waits), replay what was
   * written since the last page, swap the tables, set the checkpoints. Returns the events replayed here.
   */
  private async switchOver(projections: Projection[], runId: string, live: string, batchSize: number): Promise<number> {
    const names = projections.map((p) => p.name);
    return this.sql.transaction(async (tx) => {
      for (const name of names) await readCheckpoint(tx, name, true);
      const { rows } = await tx.query<{ c: string; p: string }>(
        `SELECT position_commit::text AS c, position_prepare::text AS p FROM ${REBUILDS_TABLE} WHERE projection = $1 AND run_id = $2`,
        [names[0], runId],
      );
      if (!rows[0]) throw new RebuildRunningError(names);
      let after: GlobalPosition = { commit: BigInt(rows[0].c), prepare: BigInt(rows[0].p) };
      let replayed = 0;
      // The last events, read in this transaction: on the embedded store it is the only connection there is.
      for (;;) {
        const page = await readAllIn(tx, { after, limit: batchSize });
        if (page.length === 0) break;
        await this.applyToShadows(tx, projections, page, live);
        after = page[page.length - 1].globalPosition;
        replayed += page.length;
      }
      for (const projection of projections) {
        const shadow = shadowSchemaOf(projection.name);
        for (const table of projection.tables) {
          await tx.query(`DROP TABLE IF EXISTS ${ident(live)}.${ident(table)} CASCADE`);
          await tx.query(`ALTER TABLE ${ident(shadow)}.${ident(table)} SET SCHEMA ${ident(live)}`);
        }
        await tx.query(`DROP SCHEMA ${ident(shadow)} CASCADE`);
        // The position the new tables are at (START when the log was empty).
        await writeCheckpoint(tx, projection.name, after);
      }
      await tx.query(
        `UPDATE ${REBUILDS_TABLE} SET status = 'done', events = events + $3, position_commit = $4, position_prepare = $5, finished_at = now(), heartbeat_at = now()
         WHERE projection = ANY($1::text[]) AND run_id = $2`,
        [names, runId, replayed, after.commit.toString(), after.prepare.toString()],
      );
      return replayed;
    });
  }

  private async release(names: string[], runId: string, status: 'interrupted'): Promise<void> {
    await this.sql.query(`UPDATE ${REBUILDS_TABLE} SET status = $3, heartbeat_at = now() WHERE projection = ANY($1::text[]) AND run_id = $2`, [names, runId, status]);
  }
}
