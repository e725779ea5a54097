/**
 * Rebuilding read models without downtime. Each projection is replayed from the start of the log into
 * fresh tables in a schema of its own (`pm_rebuild_<name>`: the projection's own SQL runs unchanged with
 * that schema first on the search path), in large pages with one set-based write per page, while the live
 * tables go on serving and being updated. When the replay has caught up, one transaction locks the
 * projection's checkpoint row (the live runner takes that lock first in each of its transactions, so it
 * waits), applies the last events, drops the old tables, moves the new ones in, and sets the checkpoint:
 * a reader sees the old model or the new one, never a half-built one, and no event is applied twice.
 *
 * Progress is committed with every page, per projection (`rm_rebuilds`), so an interrupted rebuild resumes
 * where each projection was;
 * a rebuild that is running (heartbeat within the last 30 s) refuses a second one.
 */
import { type EventStore, type GlobalPosition, type SqlClient, type SqlExecutor, type StoredEvent, START, comparePositions, readAllIn } from '@pm/event-store';
import { randomUUID } from 'node:crypto';
import { countEvents, sqlEventLog } from '../database/event-log';
import { type Projection } from './projection';
import { ensureProjectionSchemas, readCheckpoints, writeCheckpoint } from './projection-runner';

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
  phase: 'replaying' | 'indexing' | 'switching' | 'done' | 'interrupted';
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

/**
 * Secondary indexes are built once over the finished shadow tables rather than kept up to date row by
 * row while they fill: a sorted index build is several times cheaper. Unique indexes stay (upserts need them).
 */
const isSecondaryIndex = (ddl: string) => /^\s*CREATE\s+INDEX\b/i.test(ddl);

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

interface Claimed {
  positions: Map<string, GlobalPosition>;
  resumed: boolean;
  totalBefore: number;
}

const earliest = (positions: GlobalPosition[]) => positions.reduce((a, b) => (comparePositions(a, b) <= 0 ? a : b));
const latest = (positions: GlobalPosition[]) => positions.reduce((a, b) => (comparePositions(a, b) >= 0 ? a : b));
/** The events of a page after a position (pages are in log order). */
const after = (page: StoredEvent[], position: GlobalPosition) => (comparePositions(page[0].globalPosition, position) > 0 ? page : page.filter((e) => comparePositions(e.globalPosition, position) > 0));

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
    const { positions, resumed, totalBefore } = await this.claim(projections, runId, live, options.restart === true);
    // The progress bar's target (counted in SQL when the log is there; read through once on KurrentDB, see countEvents).
    const logEvents = (await countEvents({ sql: this.sql, store: this.store })).events;
    const names_ = projections.map((p) => p.name);
    const started = Date.now();
    let events = 0;
    // Each projection has its own position (they commit apart); the log is read from the one furthest behind.
    const from = earliest([...positions.values()]);
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
      // The next page is read while this one is written (on the PostgreSQL server these overlap).
      let next: Promise<StoredEvent[]> | undefined = this.store.readAll({ after: from, limit: batchSize });
      while (next) {
        const page = await next;
        next = undefined;
        if (page.length === 0) break;
        if (options.signal?.aborted) {
          await this.release(names_, runId, 'interrupted');
          const interrupted = progress('interrupted');
          options.onProgress?.(interrupted);
          return interrupted;
        }
        const last = page[page.length - 1].globalPosition;
        if (page.length === batchSize) {
          next = this.store.readAll({ after: last, limit: batchSize });
          next.catch(() => undefined); // awaited on the next turn; a failure there is handled there
        }
        await this.applyPage(projections, positions, page, runId, live);
        events += page.length;
        options.onProgress?.(progress('replaying'));
        // Other work of this process (the API serving) gets its turn between pages.
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (options.signal?.aborted) {
        await this.release(names_, runId, 'interrupted');
        const interrupted = progress('interrupted');
        options.onProgress?.(interrupted);
        return interrupted;
      }
      options.onProgress?.(progress('indexing'));
      await this.buildSecondaryIndexes(projections, runId, live);
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
   * Resumes an interrupted rebuild of the same projections (each from its own position) unless `restart`; otherwise starts over
   * with empty shadow tables.
   */
  private async claim(projections: Projection[], runId: string, live: string, restart: boolean): Promise<Claimed> {
    const names = projections.map((p) => p.name);
    return this.sql.transaction(async (tx) => {
      const { rows } = await tx.query<{ projection: string; status: string; c: string; p: string; events: string; run: string; running: boolean }>(
        `SELECT projection, status, position_commit::text AS c, position_prepare::text AS p, events, run_id AS run,
           (status = 'running' AND heartbeat_at > now() - ${STALE_AFTER}) AS running
         FROM ${REBUILDS_TABLE} WHERE projection = ANY($1::text[]) FOR UPDATE`,
        [names],
      );
      const busy = rows.filter((r) => r.running).map((r) => r.projection);
      if (busy.length > 0) throw new RebuildRunningError(busy);
      // The same set of projections, none finished: each goes on from its own position.
      const resumable = !restart && rows.length === names.length && rows.every((r) => r.status !== 'done') && new Set(rows.map((r) => r.run)).size === 1;
      if (resumable)
        for (const projection of projections) {
          const schema = (await tx.query<{ n: string }>('SELECT count(*) AS n FROM information_schema.schemata WHERE schema_name = $1', [shadowSchemaOf(projection.name)])).rows[0].n;
          if (Number(schema) === 0) return this.fresh(tx, projections, runId, live);
        }
      if (!resumable) return this.fresh(tx, projections, runId, live);
      await tx.query(`UPDATE ${REBUILDS_TABLE} SET run_id = $2, status = 'running', heartbeat_at = now() WHERE projection = ANY($1::text[])`, [names, runId]);
      const positions = new Map(rows.map((r) => [r.projection, { commit: BigInt(r.c), prepare: BigInt(r.p) }]));
      return { positions, resumed: true, totalBefore: Math.min(...rows.map((r) => Number(r.events))) };
    });
  }

  private async fresh(tx: SqlExecutor, projections: Projection[], runId: string, live: string): Promise<Claimed> {
    for (const projection of projections) {
      const shadow = shadowSchemaOf(projection.name);
      await tx.query(`DROP SCHEMA IF EXISTS ${ident(shadow)} CASCADE`);
      await tx.query(`CREATE SCHEMA ${ident(shadow)}`);
      await this.inSchema(tx, shadow, live, async () => {
        for (const ddl of projection.schema.filter((d) => !isSecondaryIndex(d))) await tx.query(ddl);
      });
      await tx.query(
        `INSERT INTO ${REBUILDS_TABLE} (projection, run_id, status, position_commit, position_prepare, events, started_at, heartbeat_at, finished_at)
         VALUES ($1, $2, 'running', -1, -1, 0, now(), now(), NULL)
         ON CONFLICT (projection) DO UPDATE SET run_id = EXCLUDED.run_id, status = 'running', position_commit = -1, position_prepare = -1, events = 0,
           started_at = now(), heartbeat_at = now(), finished_at = NULL`,
        [projection.name, runId],
      );
    }
    return { positions: new Map(projections.map((p) => [p.name, START])), resumed: false, totalBefore: 0 };
  }

  /** The secondary indexes left out while the shadow tables filled (idempotent: a resumed run may have some). */
  private async buildSecondaryIndexes(projections: Projection[], runId: string, live: string): Promise<void> {
    for (const projection of projections) {
      const indexes = projection.schema.filter(isSecondaryIndex);
      if (indexes.length === 0) continue;
      await this.sql.transaction(async (tx) => {
        await this.inSchema(tx, shadowSchemaOf(projection.name), live, async () => {
          for (const ddl of indexes) await tx.query(ddl);
        });
        await tx.query(`UPDATE ${REBUILDS_TABLE} SET heartbeat_at = now() WHERE projection = $1 AND run_id = $2`, [projection.name, runId]);
      });
    }
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

  /**
   * One page into every projection's shadow tables: each projection in its own transaction with its own
   * position, all at once (on the PostgreSQL server they run on separate connections, so on separate cores;
   * PGlite runs them one after the other). Each takes only the events after its position.
   */
  private async applyPage(projections: Projection[], positions: Map<string, GlobalPosition>, page: StoredEvent[], runId: string, live: string): Promise<void> {
    const last = page[page.length - 1].globalPosition;
    const outcomes = await Promise.allSettled(
      projections.map(async (projection) => {
        const events = after(page, positions.get(projection.name)!);
        if (events.length === 0) return;
        // A crash may lose the last pages' commits: the rebuild then resumes from an earlier page, no harm.
        await this.sql.transaction(
          async (tx) => {
            await this.inSchema(tx, shadowSchemaOf(projection.name), live, () => projection.apply(tx, events));
            await this.recordProgress(tx, projection.name, runId, last, events.length);
          },
          { asyncCommit: true },
        );
        positions.set(projection.name, last);
      }),
    );
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private async recordProgress(tx: SqlExecutor, name: string, runId: string, position: GlobalPosition, count: number): Promise<void> {
    const { rowCount } = await tx.query(
      `UPDATE ${REBUILDS_TABLE} SET position_commit = $3, position_prepare = $4, events = events + $5, heartbeat_at = now()
       WHERE projection = $1 AND run_id = $2`,
      [name, runId, position.commit.toString(), position.prepare.toString(), count],
    );
    // Someone took the rebuild over (this run had stalled past the heartbeat): stop, change nothing.
    if (rowCount !== 1) throw new RebuildRunningError([name]);
  }

  /**
   * The switch, in one transaction: lock the live checkpoints (the live runner waits), replay what was
   * written since the last page, swap the tables, set the checkpoints. Returns the events replayed here.
   */
  private async switchOver(projections: Projection[], runId: string, live: string, batchSize: number): Promise<number> {
    const names = projections.map((p) => p.name);
    return this.sql.transaction(async (tx) => {
      await readCheckpoints(tx, names, true);
      const { rows } = await tx.query<{ projection: string; c: string; p: string }>(
        `SELECT projection, position_commit::text AS c, position_prepare::text AS p FROM ${REBUILDS_TABLE} WHERE projection = ANY($1::text[]) AND run_id = $2`,
        [names, runId],
      );
      if (rows.length !== names.length) throw new RebuildRunningError(names);
      const positions = new Map(rows.map((r) => [r.projection, { commit: BigInt(r.c), prepare: BigInt(r.p) }]));
      let end = latest([...positions.values()]);
      let replayed = 0;
      // The last events, read while this transaction holds the checkpoint locks. With the log in this database,
      // inside the transaction (on the embedded store it is the only connection there is); with the log
      // elsewhere (KurrentDB), from the store. Either way the live runner waits on the locks and reads its
      // checkpoint again after the switch, so whatever is appended meanwhile is applied by it, once.
      const sqlLog = sqlEventLog({ sql: this.sql, store: this.store });
      const readPage = (after: GlobalPosition) => (sqlLog ? readAllIn(tx, { after, limit: batchSize }) : this.store.readAll({ after, limit: batchSize }));
      for (let from = earliest([...positions.values()]); ; ) {
        const page = await readPage(from);
        if (page.length === 0) break;
        for (const projection of projections) {
          const events = after(page, positions.get(projection.name)!);
          if (events.length > 0) await this.inSchema(tx, shadowSchemaOf(projection.name), live, () => projection.apply(tx, events));
        }
        from = page[page.length - 1].globalPosition;
        end = latest([end, from]);
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
        await writeCheckpoint(tx, projection.name, end);
      }
      await tx.query(
        `UPDATE ${REBUILDS_TABLE} SET status = 'done', events = events + $3, position_commit = $4, position_prepare = $5, finished_at = now(), heartbeat_at = now()
         WHERE projection = ANY($1::text[]) AND run_id = $2`,
        [names, runId, replayed, end.commit.toString(), end.prepare.toString()],
      );
      return replayed;
    });
  }

  private async release(names: string[], runId: string, status: 'interrupted'): Promise<void> {
    await this.sql.query(`UPDATE ${REBUILDS_TABLE} SET status = $3, heartbeat_at = now() WHERE projection = ANY($1::text[]) AND run_id = $2`, [names, runId, status]);
  }
}
