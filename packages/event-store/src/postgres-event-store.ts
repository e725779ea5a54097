/**
 * The event store on PostgreSQL: the same SQL runs on a server (through `pg`) and on PGlite.
 *
 * Global order without gaps (Emmett's approach): every row records the id of the transaction that wrote it,
 * and `readAll` orders by `(transaction_id, global_position)` and returns only rows of transactions below
 * `pg_snapshot_xmin(pg_current_snapshot())`, the oldest transaction still in flight. A slow transaction that
 * took its sequence numbers early but commits late therefore becomes visible before anything after it in
 * that order, and a reader that checkpoints its last position never skips it. The price: any long-running
 * transaction on the server (even one not touching this table) holds readers back until it ends.
 *
 * Other processes' subscriptions are woken by a NOTIFY, at most one per NOTIFY_INTERVAL_MS, riding on an
 * append's INSERT when one is due and sent on its own only for commits no later append covers (see
 * WakeOthers). A process that dies between a commit and the NOTIFY owed for it leaves the others to their
 * poll (`pollIntervalMs`).
 *
 * An append to a new stream, or to one whose head this store read or wrote lately (a command reads its
 * stream before it decides), is a single INSERT: one round trip, atomic on its own (see StreamHeads).
 * Otherwise the head is read first, in the INSERT's transaction. The hot statements are prepared (once per
 * connection): on a local server, parsing and planning them cost more than their round trips.
 */
import {
  DuplicateEventIdError,
  type EncodedEvent,
  type PreparedAppend,
  encodeEvents,
  isExpectedVersion,
  prepareAppends,
  resolvePriorAppend,
  resolvePriorAppends,
} from './append-rules';
import { randomUUID } from 'node:crypto';
import { computeEncodedEventHash } from './hash-chain';
import {
  type AppendResult,
  type EventMetadata,
  type EventStore,
  type ExpectedVersion,
  type GlobalPosition,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamResult,
  type StoredEvent,
  type StreamAppend,
  type SubscribeOptions,
  type Subscription,
  START,
  WrongExpectedVersionError,
  comparePositions,
} from './port';
import { type SqlClient, type SqlExecutor } from './sql/sql-client';
import { NaturalBatcher } from './natural-batch';
import { type StreamHead, StreamHeads } from './stream-heads';
import { type CatchUpTiming, Listeners, SubscriptionSet, type WakeUp, startCatchUpSubscription } from './subscription';
import { WakeOthers } from './wake-others';

export const EVENTS_TABLE = 'es_events';
/** NOTIFY channel (PostgreSQL server only) that wakes subscriptions in other processes after an append. */
export const APPENDED_CHANNEL = 'es_appended';
const STREAM_VERSION_UNIQUE = 'es_events_stream_version_unique';
const EVENT_ID_UNIQUE = 'es_events_event_id_unique';
// An arbitrary, fixed advisory lock key: two processes migrating at once would otherwise race on CREATE.
const MIGRATION_LOCK_KEY = '7201526384';
/**
 * The wake-up for other processes when no append carries it: in a statement of its own (its own transaction),
 * which need not wait for a WAL flush (a NOTIFY gives its transaction an id; it carries no data).
 */
const NOTIFY_SQL = `select set_config('synchronous_commit', 'off', true), pg_notify($1, $2)`;
/** The shortest time between two NOTIFYs: other processes hear of a commit at most about that much later. */
const NOTIFY_INTERVAL_MS = 2;
/** 'any' appends retry when a concurrent writer takes their version; each round at least one writer wins. */
const MAX_ANY_ATTEMPTS = 25;

/** One stream's events in one statement: one parameter for the whole batch (no 65535-parameter limit); ORDER BY assigns global positions in version order. */
const INSERT_SQL = `insert into ${EVENTS_TABLE} (stream_id, stream_version, event_id, type, data, metadata, recorded_at, previous_hash, hash)
       select $1, e.stream_version, e.event_id, e.type, e.data, e.metadata, $2::timestamptz, e.previous_hash, e.hash
         from jsonb_to_recordset($3::jsonb)
           as e(stream_version integer, event_id uuid, type text, data jsonb, metadata jsonb, previous_hash text, hash text)
        order by e.stream_version
       returning transaction_id, global_position`;
/** The rows of several streams in one statement, global positions in the order of `ord` (appendToStreams, batched appends). */
const INSERT_MANY_SQL = `insert into ${EVENTS_TABLE} (stream_id, stream_version, event_id, type, data, metadata, recorded_at, previous_hash, hash)
       select e.stream_id, e.stream_version, e.event_id, e.type, e.data, e.metadata, $1::timestamptz, e.previous_hash, e.hash
         from jsonb_to_recordset($2::jsonb)
           as e(ord integer, stream_id text, stream_version integer, event_id uuid, type text, data jsonb, metadata jsonb, previous_hash text, hash text)
        order by e.ord
       returning stream_id, transaction_id, global_position`;
const INSERT_MANY_AND_NOTIFY_SQL = `with inserted as (${INSERT_MANY_SQL})
       select stream_id, transaction_id, global_position, pg_notify($3, $4) from inserted`;
/** INSERT_SQL with the wake-up for other processes in the same statement (PostgreSQL delivers one per transaction for identical ones). */
const INSERT_AND_NOTIFY_SQL = `with inserted as (${INSERT_SQL})
       select transaction_id, global_position, pg_notify($4, $5) from inserted`;

/** Creates the events table and its indexes if missing. Idempotent; safe to run from several processes. */
export async function ensureSchema(client: SqlClient): Promise<void> {
  await client.transaction(async (tx) => {
    await tx.query(`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
    await tx.query(`
      create table if not exists ${EVENTS_TABLE} (
        global_position bigserial primary key,
        transaction_id xid8 not null default pg_current_xact_id(),
        stream_id text not null,
        stream_version integer not null check (stream_version > 0),
        event_id uuid not null constraint ${EVENT_ID_UNIQUE} unique,
        type text not null,
        data jsonb not null,
        metadata jsonb not null,
        recorded_at timestamptz not null,
        previous_hash text not null,
        hash text not null,
        constraint ${STREAM_VERSION_UNIQUE} unique (stream_id, stream_version)
      )`);
    await tx.query(`create index if not exists es_events_transaction_order on ${EVENTS_TABLE} (transaction_id, global_position)`);
  });
}

/** A row of the event log as selected with `EVENT_COLUMNS`. */
export interface EventRow {
  transaction_id: string;
  global_position: string;
  stream_id: string;
  stream_version: number;
  type: string;
  data: unknown;
  metadata: EventMetadata;
  recorded_at: Date | string;
  previous_hash: string;
  hash: string;
}

export const EVENT_COLUMNS = 'transaction_id, global_position, stream_id, stream_version, type, data, metadata, recorded_at, previous_hash, hash';

const toPosition = (row: { transaction_id: string; global_position: string }): GlobalPosition => ({
  commit: BigInt(row.transaction_id),
  prepare: BigInt(row.global_position),
});

export function toStoredEvent(row: EventRow): StoredEvent {
  return {
    streamId: row.stream_id,
    streamVersion: row.stream_version,
    globalPosition: toPosition(row),
    type: row.type,
    data: row.data,
    metadata: row.metadata,
    recordedAt: new Date(row.recorded_at).toISOString(),
    previousHash: row.previous_hash,
    hash: row.hash,
  };
}

interface HeadRow {
  stream_id: string;
  stream_version: number;
  hash: string;
  transaction_id: string;
  global_position: string;
}

/** The last event of each stream: one index probe per stream, however long the streams are. */
async function readHeads(executor: SqlExecutor, streamIds: readonly string[]): Promise<Map<string, HeadRow>> {
  const { rows } = await executor.query<HeadRow>(
    `select h.stream_id, h.stream_version, h.hash, h.transaction_id, h.global_position
       from unnest($1::text[]) as s(stream_id)
       cross join lateral (
         select stream_id, stream_version, hash, transaction_id, global_position from ${EVENTS_TABLE}
          where stream_id = s.stream_id order by stream_version desc limit 1
       ) h`,
    [streamIds],
  );
  return new Map(rows.map((row) => [row.stream_id, row]));
}

interface PositionRow {
  transaction_id: string;
  global_position: string;
}

/** The last position each stream got in the rows an INSERT returned. */
function lastPositions(inserted: readonly (PositionRow & { stream_id: string })[]): Map<string, GlobalPosition> {
  const last = new Map<string, GlobalPosition>();
  for (const row of inserted) {
    const position = toPosition(row);
    const previous = last.get(row.stream_id);
    if (!previous || position.prepare > previous.prepare) last.set(row.stream_id, position);
  }
  return last;
}

/** An append to a head the store knows, waiting to be written (alone, or batched with others: see knownHeadAppends). */
interface KnownHeadAppend {
  streamId: string;
  head: StreamHead;
  events: EncodedEvent[];
  notify: boolean;
}

type Written = { result: AppendResult; written: StreamHead };
/** What a batched append hands back to its caller: its own outcome, as if it had been written alone. */
type Outcome = { ok: true; value: Written } | { ok: false; error: unknown };
const settle = (written: Promise<Written>): Promise<Outcome> =>
  written.then(
    (value): Outcome => ({ ok: true, value }),
    (error: unknown): Outcome => ({ ok: false, error }),
  );

const headResult = (head: HeadRow | undefined): AppendResult => ({ nextVersion: head?.stream_version ?? 0, lastPosition: head ? toPosition(head) : START });

function isUniqueViolation(error: unknown, constraint: string): boolean {
  const { code, constraint: violated } = (error ?? {}) as { code?: unknown; constraint?: unknown };
  return code === '23505' && violated === constraint;
}

/** Two batches that share streams but list them in another order can each wait on the other's index entries. */
function isDeadlock(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === '40P01';
}

/**
 * `readAll` on a given connection or transaction: a process that must read the log inside its own
 * transaction (a read-model switch on the single-connection embedded store) uses this.
 */
export async function readAllIn(executor: SqlExecutor, { after = START, limit, types }: ReadAllOptions): Promise<StoredEvent[]> {
  // xid8 has no negative values; START (-1) means "from the beginning", and real transaction ids start at 3.
  const params: unknown[] = [after.commit < 0n ? '0' : after.commit.toString(), after.prepare.toString(), limit];
  if (types) params.push([...types]);
  // PostgreSQL plans this for the values at hand at nearly every read (~160 µs on the server, measured). Kept so: a
  // plan for any values (a sub-select for the position, the limit in the text) was made once while the log was small,
  // as a sort of everything after the position, and kept as the log grew (for good on PGlite, which has no autovacuum).
  const { rows } = await executor.query<EventRow>(
    `select ${EVENT_COLUMNS} from ${EVENTS_TABLE}
      where transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        and (transaction_id, global_position) > ($1::xid8, $2::bigint)
        ${types ? 'and type = any($4::text[])' : ''}
      order by transaction_id, global_position
      limit $3`,
    params,
    { prepare: true },
  );
  return rows.map(toStoredEvent);
}

export interface PostgresEventStoreOptions extends CatchUpTiming {
  /** Close the SqlClient in `close()`. Default false: whoever created the client closes it. */
  closeClient?: boolean;
}

/** Run `ensureSchema(client)` once before use. */
export class PostgresEventStore implements EventStore {
  private readonly appended = new Listeners();
  private readonly wakeUps = new Listeners<WakeUp>();
  private readonly subscriptions = new SubscriptionSet();
  private listening: Promise<(() => Promise<void>) | undefined> | undefined;
  /** When and how other processes are woken after this store's appends. */
  private readonly wakeOthers = new WakeOthers(() => this.client.query(NOTIFY_SQL, [APPENDED_CHANNEL, this.notifier], { prepare: true }).then(() => undefined), {
    intervalMs: NOTIFY_INTERVAL_MS,
    enabled: () => this.client.kind === 'postgres' && this.othersListening(),
  });
  /** Heads of streams read or written lately: an append expecting one of them needs no head read (see StreamHeads). */
  private readonly heads = new StreamHeads();
  /**
   * Appends to known heads of concurrent callers, written in one INSERT when they queue (distinct streams,
   * at most 500 events); see writeKnownHeads.
   */
  private readonly knownHeadAppends = new NaturalBatcher<KnownHeadAppend, Outcome>((appends) => this.writeKnownHeads(appends), {
    weightOf: (append) => append.events.length,
    maxWeight: 500,
    canJoin: (batch, append) => !batch.some((other) => other.streamId === append.streamId),
  });
  /** readStream and readStreams of concurrent callers, read together when they queue (at most 1,000 streams a query). */
  private readonly reads = new NaturalBatcher<readonly string[], Map<string, ReadStreamResult>>((requests) => this.readBatch(requests), {
    weightOf: (streamIds) => streamIds.length,
    maxWeight: 1000,
  });
  /** Sent with this store's NOTIFYs, so its own subscriptions (already woken in-process) ignore them. */
  private readonly notifier = randomUUID();
  private othersListening: () => boolean = () => true;

  constructor(
    private readonly client: SqlClient,
    private readonly options: PostgresEventStoreOptions = {},
  ) {}

  /**
   * The SQL client whose `es_events` table is this store's log. Code beside the read models that must read
   * the log with SQL (inside its own transaction, or set-based) checks this is its own client first.
   */
  get sqlClient(): SqlClient {
    return this.client;
  }

  async readStream(streamId: string): Promise<ReadStreamResult> {
    return (await this.reads.submit([streamId])).get(streamId)!;
  }

  async appendToStream(streamId: string, newEvents: readonly NewEvent[], { expectedVersion }: { expectedVersion: ExpectedVersion }): Promise<AppendResult> {
    const events = encodeEvents(newEvents);
    for (let attempt = 1; ; attempt++) {
      // A NOTIFY for other processes, when one is due, goes out with this append's INSERT.
      const ticket = events.length > 0 ? this.wakeOthers.carry() : undefined;
      const notify = ticket !== undefined;
      try {
        // The head the caller expects is known (it read the stream, or it is new): one INSERT, atomic on its own.
        const head = events.length > 0 ? this.knownHead(streamId, expectedVersion) : undefined;
        const { result, written } = head
          ? await this.appendToKnownHead({ streamId, head, events, notify })
          : await this.client.transaction((tx) => this.appendInTransaction(tx, streamId, events, expectedVersion, notify));
        if (written) {
          this.heads.set(streamId, written);
          this.committed(result.lastPosition, ticket);
        } else if (ticket !== undefined) this.wakeOthers.failed(ticket);
        return result;
      } catch (error) {
        if (ticket !== undefined) this.wakeOthers.failed(ticket);
        // A concurrent writer committed this version first (we waited on its unique index entry).
        const versionTaken = isUniqueViolation(error, STREAM_VERSION_UNIQUE);
        if (versionTaken) this.heads.forget(streamId);
        if (versionTaken && expectedVersion === 'any' && attempt < MAX_ANY_ATTEMPTS) continue;
        const idTaken = isUniqueViolation(error, EVENT_ID_UNIQUE);
        if (!versionTaken && !idTaken && !(error instanceof WrongExpectedVersionError)) throw error;

        const prior = await this.findPriorAppend(streamId, events);
        if (prior) return prior;
        if (versionTaken) throw new WrongExpectedVersionError(streamId, expectedVersion, await this.currentVersion(streamId));
        if (idTaken) throw new DuplicateEventIdError(events.map((event) => event.eventId));
        throw error;
      }
    }
  }

  /** The head an append expecting `expected` builds on, when it is known without reading: a new stream, or one read lately. */
  private knownHead(streamId: string, expected: ExpectedVersion): StreamHead | undefined {
    if (expected === 'any') return undefined;
    const version = expected === 'no_stream' ? 0 : expected;
    if (version === 0) return { version: 0, hash: '' };
    const head = this.heads.get(streamId);
    return head?.version === version ? head : undefined;
  }

  async readStreams(streamIds: readonly string[]): Promise<Map<string, ReadStreamResult>> {
    return streamIds.length === 0 ? new Map() : this.reads.submit(streamIds);
  }

  /**
   * Reads for several callers in one query (see NaturalBatcher), so every caller's streams come from one
   * snapshot; the array of ids is one parameter however many there are. Each caller gets its own results.
   */
  private async readBatch(requests: readonly (readonly string[])[]): Promise<Map<string, ReadStreamResult>[]> {
    const unique = [...new Set(requests.flat())];
    // One stream: prepared, its plan (the unique index) right whatever the table's statistics. Several: planned for
    // the ids at hand each time, since a prepared `= any($1)` can settle on a generic plan made while the table was
    // nearly empty (a sequential scan: milliseconds a read on a fresh database until autoanalyze replans it).
    const { rows } =
      unique.length === 1
        ? await this.client.query<EventRow>(`select ${EVENT_COLUMNS} from ${EVENTS_TABLE} where stream_id = $1 order by stream_version`, unique, { prepare: true })
        : await this.client.query<EventRow>(`select ${EVENT_COLUMNS} from ${EVENTS_TABLE} where stream_id = any($1::text[]) order by stream_id, stream_version`, [unique]);
    const byStream = new Map<string, EventRow[]>(unique.map((streamId) => [streamId, []]));
    for (const row of rows) byStream.get(row.stream_id)!.push(row);
    for (const [streamId, streamRows] of byStream) {
      const last = streamRows[streamRows.length - 1];
      if (last) this.heads.set(streamId, { version: last.stream_version, hash: last.hash });
      else this.heads.forget(streamId);
    }
    // Fresh events for every caller: a caller may hold on to (or change) what it was given.
    return requests.map(
      (streamIds) =>
        new Map(
          streamIds.map((streamId): [string, ReadStreamResult] => {
            const streamRows = byStream.get(streamId)!;
            return [streamId, { events: streamRows.map(toStoredEvent), version: streamRows[streamRows.length - 1]?.stream_version ?? 0 }];
          }),
        ),
    );
  }

  async appendToStreams(batch: readonly StreamAppend[]): Promise<AppendResult[]> {
    const appends = prepareAppends(batch);
    if (appends.length === 0) return [];
    const streamIds = appends.map((append) => append.streamId);
    for (let attempt = 1; ; attempt++) {
      // The versions this attempt saw, to tell afterwards which streams a concurrent writer moved.
      let seen = new Map<string, HeadRow>();
      try {
        const { results, written } = await this.client.transaction(async (tx) => {
          seen = await readHeads(tx, streamIds);
          return this.appendManyInTransaction(tx, appends, seen);
        });
        if (written) this.committed(results.map((r) => r.lastPosition).reduce((a, b) => (comparePositions(a, b) >= 0 ? a : b)));
        return results;
      } catch (error) {
        // versionTaken: a concurrent writer committed one of our versions first (we waited on its index entry).
        const versionTaken = isUniqueViolation(error, STREAM_VERSION_UNIQUE);
        const idTaken = isUniqueViolation(error, EVENT_ID_UNIQUE);
        const deadlock = isDeadlock(error);
        if (!versionTaken && !idTaken && !deadlock && !(error instanceof WrongExpectedVersionError)) throw error;

        const priors = await this.findPriorAppends(appends);
        if (priors) {
          const empty = appends.flatMap(({ streamId }, i) => (priors[i] === undefined ? [streamId] : []));
          const heads = empty.length > 0 ? await readHeads(this.client, empty) : new Map<string, HeadRow>();
          return priors.map((prior, i) => prior ?? headResult(heads.get(appends[i]!.streamId)));
        }
        if (error instanceof WrongExpectedVersionError) throw error;
        if (idTaken) throw new DuplicateEventIdError(appends.flatMap((append) => append.events.map((event) => event.eventId)));

        // Which stream moved? A numeric expectation that no longer holds is a conflict; an 'any' stream retries.
        const current = await readHeads(this.client, streamIds);
        const version = (streamId: string): number => current.get(streamId)?.stream_version ?? 0;
        const conflict = appends.find((a) => a.expectedVersion !== 'any' && !isExpectedVersion(a.expectedVersion, version(a.streamId)));
        if (conflict) throw new WrongExpectedVersionError(conflict.streamId, conflict.expectedVersion, version(conflict.streamId));
        if (attempt < MAX_ANY_ATTEMPTS) continue;
        if (deadlock) throw error;
        const moved = appends.find((a) => version(a.streamId) !== (seen.get(a.streamId)?.stream_version ?? 0)) ?? appends[0]!;
        throw new WrongExpectedVersionError(moved.streamId, moved.expectedVersion, version(moved.streamId));
      }
    }
  }

  async readAll(options: ReadAllOptions): Promise<StoredEvent[]> {
    return readAllIn(this.client, options);
  }

  async headPosition(): Promise<GlobalPosition> {
    // The same visibility rule as readAll: only transactions below the oldest one in flight.
    const { rows } = await this.client.query<{ transaction_id: string; global_position: string }>(
      `select transaction_id, global_position from ${EVENTS_TABLE}
        where transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        order by transaction_id desc, global_position desc limit 1`,
    );
    return rows[0] ? toPosition(rows[0]) : START;
  }

  /**
   * Whether subscriptions in other processes may be waiting for this store's appends (asked before each
   * NOTIFY; default: always). A process whose own subscriptions are the only ones, such as the API instance
   * that feeds the read models, answers no and saves a NOTIFY (and its delivery) per commit. A wrong "no"
   * only delays the others until their poll (`pollIntervalMs`).
   */
  setOthersListening(ask: () => boolean): void {
    this.othersListening = ask;
  }

  subscribe(options: SubscribeOptions): Subscription {
    // Other processes' appends arrive by NOTIFY on a server; PGlite lives in this process, where onAppended suffices.
    if (this.client.kind === 'postgres') {
      // Its own NOTIFYs it ignores: its subscriptions were woken in-process when the append committed.
      this.listening ??= this.client.listen(APPENDED_CHANNEL, (payload) => payload !== this.notifier && this.wakeUps.emit(undefined)).catch((error: unknown) => {
        console.warn('[event-store] LISTEN failed; subscriptions rely on polling:', error);
        return undefined;
      });
    }
    return this.subscriptions.track(startCatchUpSubscription((o) => this.readAll(o), this.wakeUps, options, this.options));
  }

  onAppended(listener: () => void): () => void {
    return this.appended.add(listener);
  }

  async close(): Promise<void> {
    await this.wakeOthers.settled();
    await this.subscriptions.stopAll();
    const unlisten = await this.listening;
    this.listening = undefined;
    await unlisten?.();
    if (this.options.closeClient) await this.client.close();
  }

  /** After an append committed: its listeners, this process's subscriptions (with its position), other processes. */
  private committed(last: GlobalPosition, ticket?: number): void {
    this.appended.emit();
    this.wakeUps.emit(last);
    this.wakeOthers.committed(ticket);
  }

  private async appendInTransaction(
    tx: SqlExecutor,
    streamId: string,
    events: EncodedEvent[],
    expectedVersion: ExpectedVersion,
    notify: boolean,
  ): Promise<{ result: AppendResult; written?: StreamHead }> {
    // Both statements of every append are prepared once per connection (see QueryOptions.prepare).
    const { rows: heads } = await tx.query<{ stream_version: number; hash: string; transaction_id: string; global_position: string }>(
      `select stream_version, hash, transaction_id, global_position from ${EVENTS_TABLE}
        where stream_id = $1 order by stream_version desc limit 1`,
      [streamId],
      { prepare: true },
    );
    const head = heads[0];
    const version = head?.stream_version ?? 0;
    if (!isExpectedVersion(expectedVersion, version)) throw new WrongExpectedVersionError(streamId, expectedVersion, version);
    if (events.length === 0) return { result: { nextVersion: version, lastPosition: head ? toPosition(head) : START } };
    return this.insertEvents(tx, streamId, { version, hash: head?.hash ?? '' }, events, notify);
  }

  private async appendToKnownHead(append: KnownHeadAppend): Promise<Written> {
    const outcome = await this.knownHeadAppends.submit(append);
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }

  /**
   * One statement for appends of several callers to distinct streams, each on the head it knows: atomic as a
   * whole (autocommit). Rows go in stream order, so two processes' batches take the index entries in the same
   * order and do not deadlock. When the statement fails (a version another writer took, a used event id), each
   * append is written again alone, so each caller gets the outcome, and the error, it would have had alone.
   */
  private async writeKnownHeads(appends: readonly KnownHeadAppend[]): Promise<Outcome[]> {
    const alone = (append: KnownHeadAppend) => settle(this.insertEvents(this.client, append.streamId, append.head, append.events, append.notify));
    if (appends.length === 1) return [await alone(appends[0]!)];
    const recordedAt = new Date().toISOString();
    const order = appends.map((_, i) => i).sort((a, b) => (appends[a]!.streamId < appends[b]!.streamId ? -1 : 1));
    const heads: StreamHead[] = new Array(appends.length);
    const ord = { next: 0 };
    const rows = order.flatMap((i) => {
      const { streamId, head, events } = appends[i]!;
      const chained = chainedRows(streamId, head, events, recordedAt, ord);
      heads[i] = chained.head;
      return chained.rows;
    });
    const params = [recordedAt, `[${rows.join(',')}]`];
    let inserted: (PositionRow & { stream_id: string })[];
    try {
      ({ rows: inserted } = appends.some((append) => append.notify)
        ? await this.client.query<PositionRow & { stream_id: string }>(INSERT_MANY_AND_NOTIFY_SQL, [...params, APPENDED_CHANNEL, this.notifier], { prepare: true })
        : await this.client.query<PositionRow & { stream_id: string }>(INSERT_MANY_SQL, params, { prepare: true }));
    } catch {
      return Promise.all(appends.map(alone));
    }
    const last = lastPositions(inserted);
    return appends.map((append, i): Outcome => ({ ok: true, value: { result: { nextVersion: heads[i]!.version, lastPosition: last.get(append.streamId)! }, written: heads[i]! } }));
  }

  /**
   * Inserts `events` after `head` in one statement; a version someone else took fails on the unique index.
   * With `notify`, the statement also NOTIFYs other processes (delivered when it commits). Returns the
   * stream's new head as well, for the caller to remember once it has committed.
   */
  private async insertEvents(
    executor: SqlExecutor,
    streamId: string,
    head: StreamHead,
    events: EncodedEvent[],
    notify: boolean,
  ): Promise<{ result: AppendResult; written: StreamHead }> {
    const recordedAt = new Date().toISOString();
    const { rows, head: written } = chainedRows(streamId, head, events, recordedAt);
    const params = [streamId, recordedAt, `[${rows.join(',')}]`];
    const { rows: inserted } = notify
      ? await executor.query<{ transaction_id: string; global_position: string }>(INSERT_AND_NOTIFY_SQL, [...params, APPENDED_CHANNEL, this.notifier], { prepare: true })
      : await executor.query<{ transaction_id: string; global_position: string }>(INSERT_SQL, params, { prepare: true });
    const last = inserted.map(toPosition).reduce((a, b) => (b.prepare > a.prepare ? b : a));
    return { result: { nextVersion: written.version, lastPosition: last }, written };
  }

  private async appendManyInTransaction(
    tx: SqlExecutor,
    appends: readonly PreparedAppend[],
    heads: ReadonlyMap<string, HeadRow>,
  ): Promise<{ results: AppendResult[]; written: boolean }> {
    // Every check before any write, so the first conflict in the order given is the one reported.
    for (const { streamId, expectedVersion } of appends) {
      const version = heads.get(streamId)?.stream_version ?? 0;
      if (!isExpectedVersion(expectedVersion, version)) throw new WrongExpectedVersionError(streamId, expectedVersion, version);
    }

    const recordedAt = new Date().toISOString();
    const ord = { next: 0 };
    const rows = appends.flatMap(({ streamId, events }) => {
      const head = heads.get(streamId);
      return chainedRows(streamId, { version: head?.stream_version ?? 0, hash: head?.hash ?? '' }, events, recordedAt, ord).rows;
    });
    if (rows.length === 0) return { results: appends.map(({ streamId }) => headResult(heads.get(streamId))), written: false };

    // One parameter for the whole call; ORDER BY ord assigns global positions in the order of `appends`, then of
    // the events within each (all rows share the transaction id, so readAll returns them together in that order).
    const { rows: inserted } = await tx.query<PositionRow & { stream_id: string }>(INSERT_MANY_SQL, [recordedAt, `[${rows.join(',')}]`], { prepare: true });
    const last = lastPositions(inserted);
    const results = appends.map(({ streamId, events }) => {
      const head = heads.get(streamId);
      if (events.length === 0) return headResult(head);
      return { nextVersion: (head?.stream_version ?? 0) + events.length, lastPosition: last.get(streamId)! };
    });
    return { results, written: true };
  }

  private async findPriorAppends(appends: readonly PreparedAppend[]): Promise<(AppendResult | undefined)[] | undefined> {
    const eventIds = appends.flatMap(({ events }) => events.map((event) => event.eventId));
    if (eventIds.length === 0) return undefined;
    const { rows } = await this.client.query<{ event_id: string; stream_id: string; stream_version: number; transaction_id: string; global_position: string }>(
      `select event_id, stream_id, stream_version, transaction_id, global_position from ${EVENTS_TABLE} where event_id = any($1::uuid[])`,
      [eventIds],
    );
    const found = rows.map((row) => ({ eventId: row.event_id, streamId: row.stream_id, streamVersion: row.stream_version, globalPosition: toPosition(row) }));
    return resolvePriorAppends(appends, found);
  }

  private async currentVersion(streamId: string): Promise<number> {
    const { rows } = await this.client.query<{ version: number }>(
      `select coalesce(max(stream_version), 0) as version from ${EVENTS_TABLE} where stream_id = $1`,
      [streamId],
    );
    return rows[0]!.version;
  }

  private async findPriorAppend(streamId: string, events: EncodedEvent[]): Promise<AppendResult | undefined> {
    const { rows } = await this.client.query<{ event_id: string; stream_id: string; stream_version: number; transaction_id: string; global_position: string }>(
      `select event_id, stream_id, stream_version, transaction_id, global_position from ${EVENTS_TABLE} where event_id = any($1::uuid[])`,
      [events.map((event) => event.eventId)],
    );
    const found = rows.map((row) => ({ eventId: row.event_id, streamId: row.stream_id, streamVersion: row.stream_version, globalPosition: toPosition(row) }));
    return resolvePriorAppend(streamId, events, found);
  }
}

/**
 * The rows of `events` chained onto `head` (see hashedRow), and the head they leave. `ord` numbers the rows across the
 * streams of a multi-stream INSERT.
 */
function chainedRows(streamId: string, head: StreamHead, events: readonly EncodedEvent[], recordedAt: string, ord?: { next: number }): { rows: string[]; head: StreamHead } {
  let previousHash = head.hash;
  const rows = events.map((event, i) => {
    const row = hashedRow(event, streamId, head.version + i + 1, recordedAt, previousHash, ord && ord.next++);
    previousHash = row.hash;
    return row.json;
  });
  return { rows, head: { version: head.version + events.length, hash: previousHash } };
}

/**
 * One row of an INSERT's JSON parameter, hash-chained after `previousHash`, written out as text: the event's
 * canonical JSON goes in as it is, so nothing is serialised twice. `ord` orders the rows of a multi-stream append.
 */
function hashedRow(event: EncodedEvent, streamId: string, streamVersion: number, recordedAt: string, previousHash: string, ord?: number): { json: string; hash: string } {
  const { type, eventId, dataJson, metadataJson } = event;
  const hash = computeEncodedEventHash({ streamId, streamVersion, type, dataJson, metadataJson, recordedAt, previousHash });
  const prefix = ord === undefined ? '' : `"ord":${ord},"stream_id":${JSON.stringify(streamId)},`;
  return {
    hash,
    json:
      `{${prefix}"stream_version":${streamVersion},"event_id":${JSON.stringify(eventId)},"type":${JSON.stringify(type)},` +
      `"data":${dataJson},"metadata":${metadataJson},"previous_hash":${JSON.stringify(previousHash)},"hash":"${hash}"}`,
  };
}
