/**
 * Runs the projections as checkpointed consumers of the event store. One catch-up subscription reads the
 * log once for all of them (each event is read and decoded once, not once per read model) and hands
 * each batch to every projection that has not seen it yet. Their parts of the batch and their checkpoints
 * are written in one transaction, and only after the commit are live clients told. When that transaction
 * fails, the batch goes to each projection in a transaction of its own: one that fails holds the batch
 * back (it is retried), and those that committed it skip it then.
 */
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import {
  type EventStore,
  type GlobalPosition,
  type HandlerControl,
  PostgresEventStore,
  type StoredEvent,
  comparePositions,
  type SqlClient,
  type SqlExecutor,
  START,
  sqlLiteral,
  type Subscription,
  type TransactionExecutor,
  decodePosition,
  encodePosition,
} from '@pm/event-store';
import { EVENT_STORE, SQL_CLIENT } from '../database/tokens';
import { type ApplyContext, type LiveChange, PROJECTIONS, type Projection, type Write, oneStatement } from './projection';
import { RecentStates } from '../event-sourcing/recent-states';
import { ProjectionWaiter } from './projection-waiter';
import { LiveUpdates } from './live-updates';
import { Leases } from '../leases/leases';
import { migrate } from '../database/migrate';

export const CHECKPOINT_SCHEMA = `
  CREATE TABLE IF NOT EXISTS rm_checkpoints (
    projection text PRIMARY KEY,
    position_commit bigint NOT NULL,
    position_prepare bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
  )`;

const SELECT_CHECKPOINTS = 'SELECT projection, position_commit::text AS c, position_prepare::text AS p FROM rm_checkpoints';

/**
 * The projections' checkpoints, in one statement (START for one without a row). `forUpdate` locks their rows
 * until the transaction ends (see ProjectionRunner.feedTogether), in the order of their names: everyone who
 * locks several takes them in that order, so two such transactions wait for each other, never deadlock.
 */
export async function readCheckpoints(sql: SqlExecutor, names: readonly string[], forUpdate = false): Promise<Map<string, GlobalPosition>> {
  const { rows } = await sql.query(
    `${SELECT_CHECKPOINTS} WHERE projection = ANY($1::text[]) ORDER BY projection${forUpdate ? ' FOR UPDATE' : ''}`,
    [names],
    { prepare: true },
  );
  return checkpointsOf(rows, names);
}

/** `readCheckpoints(…, true)` as one statement with literals: sent with a transaction's BEGIN (`opening`). */
const lockCheckpointsStatement = (names: readonly string[]): string =>
  `${SELECT_CHECKPOINTS} WHERE projection IN (${names.map(sqlLiteral).join(', ')}) ORDER BY projection FOR UPDATE`;

function checkpointsOf(rows: readonly Record<string, unknown>[], names: readonly string[]): Map<string, GlobalPosition> {
  const found = new Map(rows.map((r) => [String(r.projection), { commit: BigInt(String(r.c)), prepare: BigInt(String(r.p)) }]));
  return new Map(names.map((name) => [name, found.get(name) ?? START]));
}

const CHECKPOINTS_UPSERT = `ON CONFLICT (projection) DO UPDATE SET position_commit = EXCLUDED.position_commit,
  position_prepare = EXCLUDED.position_prepare, updated_at = now()`;

/** Moves the given checkpoints, in one statement. */
export async function writeCheckpoints(sql: SqlExecutor, positions: ReadonlyMap<string, GlobalPosition>): Promise<void> {
  if (positions.size === 0) return;
  const entries = [...positions];
  await sql.query(
    `INSERT INTO rm_checkpoints (projection, position_commit, position_prepare, updated_at)
     SELECT name, c, p, now() FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS t(name, c, p) ${CHECKPOINTS_UPSERT}`,
    [entries.map(([name]) => name), entries.map(([, at]) => at.commit.toString()), entries.map(([, at]) => at.prepare.toString())],
    { prepare: true },
  );
}

/** `writeCheckpoints` as one statement with literals: sent with a transaction's COMMIT (`beforeCommit`). */
const writeCheckpointsStatement = (positions: ReadonlyMap<string, GlobalPosition>): string =>
  `INSERT INTO rm_checkpoints (projection, position_commit, position_prepare, updated_at) VALUES
    ${[...positions].map(([name, at]) => `(${sqlLiteral(name)}, ${at.commit.toString()}, ${at.prepare.toString()}, now())`).join(', ')} ${CHECKPOINTS_UPSERT}`;

export const writeCheckpoint = (sql: SqlExecutor, name: string, position: GlobalPosition): Promise<void> => writeCheckpoints(sql, new Map([[name, position]]));

export async function ensureProjectionSchemas(sql: SqlClient, projections: readonly Projection[]): Promise<void> {
  await migrate(sql, [
    CHECKPOINT_SCHEMA,
    ...projections.flatMap((projection) => [
      ...projection.schema,
      // Every projection has its row from the start, so a transaction can always lock it.
      `INSERT INTO rm_checkpoints (projection, position_commit, position_prepare) VALUES ('${projection.name.replace(/'/g, "''")}', -1, -1) ON CONFLICT (projection) DO NOTHING`,
    ]),
  ]);
}

/** The lease the projections run under: with several API instances, exactly one feeds the read models. */
export const PROJECTIONS_LEASE = 'projections';
/** NOTIFY channel (PostgreSQL server) on which the instance that feeds the read models tells the others. */
export const READ_MODELS_CHANNEL = 'pm_read_models';
/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more. */
const NOTIFY_LIMIT = 7500;
/** How often an instance that does not feed the read models looks at their checkpoints (besides NOTIFY). */
const FOLLOW_POLL_MS = 500;

/** What the feeding instance tells the others after each batch: the changes, and with the last part the positions. */
interface ProgressMessage {
  holder: string;
  changes: LiveChange[];
  positions?: Record<string, string>;
}

/**
 * With several API instances on one PostgreSQL server, the instance that holds the `projections` lease
 * feeds the read models and tells the others (NOTIFY) what changed and how far each read model is, so their
 * commands still wait for their own writes and their live clients still hear of every change; they also
 * poll the checkpoints, in case a notification was lost. When that instance dies, another one takes the
 * lease over and resumes from the checkpoints.
 */
@Injectable()
export class ProjectionRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ProjectionRunner.name);
  private subscription?: Subscription;
  private positions = new Map<string, GlobalPosition>();
  private stopListening?: () => Promise<void>;
  private poller?: NodeJS.Timeout;
  private polling?: Promise<void>;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
    @Inject(PROJECTIONS) private readonly projections: Projection[],
    private readonly waiter: ProjectionWaiter,
    private readonly live: LiveUpdates,
    private readonly leases: Leases,
    private readonly recent: RecentStates,
  ) {}

  /** The states this process's commands just folded, for the projections that fold the same streams. */
  private readonly applyContext: ApplyContext = { recall: (decider, streamId, version) => this.recent.recall(decider, streamId, version) };

  /** Whether this instance feeds the read models now. */
  get feeding(): boolean {
    return this.subscription !== undefined;
  }

  async onApplicationBootstrap(): Promise<void> {
    // The read models are the log's only subscribers: while they are fed here, no other process waits for appends.
    if (this.store instanceof PostgresEventStore) this.store.setOthersListening(() => !this.feeding);
    await ensureProjectionSchemas(this.sql, this.projections);
    this.waiter.register(await this.readCheckpoints());
    // The embedded store is open in one process only: there is nobody to tell, nor to hear from.
    if (this.sql.kind === 'postgres') {
      this.stopListening = await this.sql.listen(READ_MODELS_CHANNEL, (payload) => this.heard(payload));
      this.poller = setInterval(() => {
        this.polling ??= this.pollCheckpoints().finally(() => (this.polling = undefined));
      }, FOLLOW_POLL_MS);
      this.poller.unref();
    }
    await this.leases.maintain(PROJECTIONS_LEASE, { onAcquired: () => this.startFeeding(), onLost: () => this.stopFeeding() });
  }

  private readCheckpoints(): Promise<Map<string, GlobalPosition>> {
    return readCheckpoints(this.sql, this.projections.map((projection) => projection.name));
  }

  private async startFeeding(): Promise<void> {
    this.positions = await this.readCheckpoints();
    for (const [name, position] of this.positions) this.waiter.advance(name, position);
    // From the projection furthest behind; the others skip what they have.
    const behind = [...this.positions.values()].reduce<GlobalPosition | undefined>((a, b) => (a && comparePositions(a, b) <= 0 ? a : b), undefined);
    this.subscription = this.store.subscribe({
      after: behind ?? START,
      batchSize: 1000,
      handler: async (events, control) => {
        // Live clients hear of a batch once every read model has it: a case view pushed to the browser
        // then never runs ahead of its audit trail.
        // What committed is told even when a projection fails (it retries the batch, the others skip it).
        // The other instances are told by the transactions themselves (see `tellOthersOnCommit`).
        const changes: LiveChange[] = [];
        try {
          await this.feedAll(events, changes, control);
        } finally {
          this.live.publish(changes);
        }
      },
      onError: (error) => this.logger.error('A projection failed; retrying its batch', error as Error),
    });
  }

  private async stopFeeding(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = undefined;
    await subscription?.stop();
  }

  /**
   * A batch for every projection that has not seen it: all in one transaction (a handful of statements
   * instead of five per read model); when that fails, each projection in a transaction of its own, so one
   * that cannot apply the batch holds back only itself. The projections' changes go into `changes`.
   */
  private async feedAll(events: StoredEvent[], changes: LiveChange[], control?: HandlerControl): Promise<void> {
    const last = events[events.length - 1].globalPosition;
    const due = this.projections.filter((projection) => comparePositions(last, this.positions.get(projection.name) ?? START) > 0);
    if (due.length === 0) return;
    // Lost the lease (a stall longer than it lasts): the batch is left to the instance that took it over.
    if (!this.leases.holds(PROJECTIONS_LEASE)) throw new Error('This instance no longer holds the projections lease');
    try {
      changes.push(...(await this.feedTogether(due, events, control)));
      return;
    } catch (error) {
      this.logger.warn(`The read models could not take a batch together (${(error as Error).message}); feeding them one by one`);
    }
    let failure: unknown;
    for (const projection of due) {
      try {
        changes.push(...(await this.feedTogether([projection], events)));
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure !== undefined) throw failure;
  }

  /**
   * The projections' parts of a batch and their checkpoints, in one transaction. The checkpoints are read
   * again inside it and their rows locked, because something else may have moved them: a rebuild that
   * switched a read model over (ProjectionRebuild), or another API instance that held the lease before.
   * Locking the rows first also orders this transaction before or after such a switch, never through it.
   */
  private async feedTogether(projections: readonly Projection[], events: StoredEvent[], control?: HandlerControl): Promise<LiveChange[]> {
    // Not waiting for the WAL flush (asyncCommit) is safe here: the read models and their checkpoints are lost
    // together in a server crash, and the events (committed durably by the append) are then projected again.
    // The checkpoints are locked with BEGIN and moved with COMMIT, in their round trips.
    const names = projections.map((projection) => projection.name);
    const { moved, changes } = await this.sql.transaction(
      async (tx) => {
        const checkpoints = checkpointsOf(tx.opened, names);
        const moved = new Map<string, GlobalPosition>();
        const changes: LiveChange[] = [];
        // Every projection's writes at the end, as one statement (see `write`).
        const writes: Write[] = [];
        const context: ApplyContext = { ...this.applyContext, deferWrite: (text, params) => void writes.push({ text, params }) };
        for (const projection of projections) {
          const checkpoint = checkpoints.get(projection.name)!;
          const fresh = comparePositions(events[0].globalPosition, checkpoint) > 0 ? events : events.filter((e) => comparePositions(e.globalPosition, checkpoint) > 0);
          if (fresh.length === 0) {
            moved.set(projection.name, checkpoint);
            continue;
          }
          changes.push(...(await projection.apply(tx, fresh, context)));
          moved.set(projection.name, fresh[fresh.length - 1].globalPosition);
        }
        if (writes.length > 0) {
          const { text, params } = oneStatement(writes);
          await tx.query(text, params, { prepare: true });
        }
        const ahead = new Map([...moved].filter(([name, at]) => comparePositions(at, checkpoints.get(name)!) > 0));
        if (ahead.size > 0) tx.beforeCommit(writeCheckpointsStatement(ahead));
        this.tellOthersOnCommit(tx, changes, ahead);
        // Only the COMMIT is left: the next batch is read meanwhile (what it finds is what came during this one).
        control?.readAhead();
        return { moved, changes };
      },
      { asyncCommit: true, opening: lockCheckpointsStatement(names) },
    );
    for (const [name, at] of moved) {
      this.positions.set(name, at);
      this.waiter.advance(name, at);
    }
    return changes;
  }

  /**
   * Tells the other instances what this transaction changed and how far it moves the read models: NOTIFYs in the
   * transaction, sent with its COMMIT (no round trip of their own) and delivered only if it commits, in commit
   * order; the changes in parts that fit a notification, the positions with the last part.
   */
  private tellOthersOnCommit(tx: TransactionExecutor, changes: readonly LiveChange[], moved: ReadonlyMap<string, GlobalPosition>): void {
    if (this.sql.kind !== 'postgres' || (changes.length === 0 && moved.size === 0)) return;
    const holder = this.leases.holder;
    const positions = Object.fromEntries([...moved].map(([name, at]) => [name, encodePosition(at)]));
    const messages: ProgressMessage[] = [];
    // PostgreSQL's limit is in bytes (a change is small: a company, a kind and a key).
    const empty = Buffer.byteLength(JSON.stringify({ holder, changes: [], positions }));
    let part: LiveChange[] = [];
    let size = empty;
    for (const change of changes) {
      const length = Buffer.byteLength(JSON.stringify(change)) + 1;
      if (part.length > 0 && size + length > NOTIFY_LIMIT) {
        messages.push({ holder, changes: part });
        part = [];
        size = empty;
      }
      part.push(change);
      size += length;
    }
    messages.push({ holder, changes: part, positions });
    tx.beforeCommit(`SELECT pg_notify(${sqlLiteral(READ_MODELS_CHANNEL)}, m) FROM (VALUES ${messages.map((m) => `(${sqlLiteral(JSON.stringify(m))})`).join(', ')}) AS t(m)`);
  }

  /** From the instance that feeds the read models (or '' after a reconnect: then look at the checkpoints). */
  private heard(payload: string): void {
    if (!payload) {
      void this.pollCheckpoints();
      return;
    }
    let message: ProgressMessage;
    try {
      message = JSON.parse(payload) as ProgressMessage;
    } catch {
      return;
    }
    if (message.holder === this.leases.holder || this.feeding) return;
    this.live.publish(message.changes ?? []);
    for (const [name, encoded] of Object.entries(message.positions ?? {})) this.waiter.advance(name, decodePosition(encoded));
  }

  private async pollCheckpoints(): Promise<void> {
    if (this.feeding) return;
    try {
      for (const [name, position] of await this.readCheckpoints()) this.waiter.advance(name, position);
    } catch (error) {
      this.logger.warn(`Could not read the checkpoints: ${(error as Error).message}`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.poller);
    await this.polling;
    await this.stopListening?.();
    await this.stopFeeding();
  }
}
