/**
 * Appending (issue 8): our PostgresEventStore appending the events the API writes, one append per
 * command with the expected version the command saw, against raw SQL inserts of exactly the same rows
 * into an identical table (same columns, constraints and indexes; the values, hash chain and JSON
 * computed ahead; the store's own INSERT statement, one per append, on its own: autocommit), and
 * against Emmett's PostgreSQL event store (`@event-driven-io/emmett-postgresql`) appending the same events
 * with the same expected versions. With 1 writer and with 8 concurrent writers on distinct streams; on
 * PGlite "8 writers" are 8 concurrent callers sharing its single connection. Emmett has no PGlite store.
 *
 * To say where the difference to raw SQL comes from, a ladder of raw SQL variants adds the store's steps one
 * at a time, still with precomputed values: the statement prepared, the NOTIFY carried by the INSERT when due (the store's
 * steps when it knows the stream's head, as after the command's read), and the path for a head it does not
 * know (BEGIN, the head read, the INSERT, COMMIT); what is left between the store's steps and the store is its
 * work in Node (validating and normalising the events, the canonical JSON and sha256 of the hash chain, the
 * JSON parameter).
 *
 * The contenders run in rounds, each on fresh streams, after one unmeasured warm-up each; within a round they take
 * turns every SLICE_APPENDS appends per writer (ours, raw, Emmett, the ladder; the next slice starting one further
 * on), and a contender's round is the sum of its slices; the figure is the median round.
 */
import { type PostgresEventStore as EmmettStore, getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
import { EVENTS_TABLE, PostgresEventStore, type SqlClient, ensureSchema } from '@pm/event-store';
import { connect, createLocation, dropLocation, type StoreLocation } from '../payments/store';
import { fmt } from '../report';
import { type RawAppend, type Workload, pathShape, plan, precompute } from './workload';

export interface AppendBenchOptions {
  store: 'pglite' | 'postgres';
  databaseUrl?: string;
  /** About this many events per measured run (rounded up to whole invoices). */
  events: number;
  writers: number[];
  rounds: number;
  /** Run the ladder of raw SQL variants too. */
  ladder: boolean;
}

/** Contenders: ours, the raw SQL baseline, Emmett, and the rungs of the ladder. */
export type Contender = 'ours' | 'ours-quiet' | 'raw' | 'emmett' | 'raw-prepared' | 'raw-prepared+notify' | 'raw-tx+head+notify';

export interface AppendRun {
  contender: Contender;
  writers: number;
  appends: number;
  events: number;
  /** Wall time of each measured round. */
  roundsMs: number[];
  /** The median round. */
  ms: number;
}

export interface AppendBenchResult {
  store: 'pglite' | 'postgres';
  invoices: number;
  perInvoice: { appends: number; events: number };
  rounds: number;
  runs: AppendRun[];
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** The store's single-stream INSERT (postgres-event-store.ts appendInTransaction), on another table. */
const insertSql = (table: string) => `insert into ${table} (stream_id, stream_version, event_id, type, data, metadata, recorded_at, previous_hash, hash)
       select $1, e.stream_version, e.event_id, e.type, e.data, e.metadata, $2::timestamptz, e.previous_hash, e.hash
         from jsonb_to_recordset($3::jsonb)
           as e(stream_version integer, event_id uuid, type text, data jsonb, metadata jsonb, previous_hash text, hash text)
        order by e.stream_version
       returning transaction_id, global_position`;
/** The store's INSERT carrying its wake-up for other processes (postgres-event-store.ts INSERT_AND_NOTIFY_SQL). */
const insertAndNotifySql = (table: string) => `with inserted as (${insertSql(table)})
       select transaction_id, global_position, pg_notify($4, $5) from inserted`;
/**
 * When the store's INSERT carries a NOTIFY: when at least 2 ms passed since the last one (WakeOthers). The
 * store also sends one on its own for a commit no carried one covers; the rung leaves those out (with one
 * writer there are next to none; with 8, about one per interval), so it is the store's steps at their cheapest.
 */
function notifyDue(): () => boolean {
  let lastAt = Number.NEGATIVE_INFINITY;
  return () => {
    const now = performance.now();
    if (now - lastAt < 2) return false;
    lastAt = now;
    return true;
  };
}
const headSql = (table: string) => `select stream_version, hash, transaction_id, global_position from ${table}
        where stream_id = $1 order by stream_version desc limit 1`;

type Appender = (writer: number, index: number) => Promise<unknown>;

interface Contestant {
  contender: Contender;
  /** Prepares a run (unmeasured): returns the appender for that workload. */
  prepare(workload: Workload): Appender;
}

/**
 * Each writer makes its appends `from` to `to` (exclusive) one after another; the writers run at once.
 * Returns the wall time.
 */
async function drive(workload: Workload, append: Appender, from = 0, to = Number.POSITIVE_INFINITY): Promise<number> {
  const started = performance.now();
  await Promise.all(
    workload.writers.map(async (appends, w) => {
      for (let i = from; i < Math.min(to, appends.length); i++) await append(w, i);
    }),
  );
  return performance.now() - started;
}

/**
 * Appends per writer in one slice of a round. The contenders take turns slice by slice, not round by round:
 * a slice lasts a fraction of a second, so a machine whose speed drifts within a run (a shared host does, by
 * a factor of 2 and more within seconds) slows every contender alike, and the ratio stays put.
 */
export const SLICE_APPENDS = 100;

function rawContestant(contender: Contender, sql: SqlClient, table: string): Contestant {
  const insert = insertSql(table);
  const head = headSql(table);
  const insertAndNotify = insertAndNotifySql(table);
  // The store sends no NOTIFY on PGlite (nobody in another process could hear it).
  const due = sql.kind === 'postgres' ? notifyDue() : () => false;
  const args = (a: RawAppend) => [a.streamId, a.recordedAt, a.rowsJson];
  const notifyArgs = ['es_appended', 'bench'];
  // Prepared once per connection, as the store's own head read and INSERT are (on PGlite: on its thread, see pglite-worker.cjs).
  const prepared = { prepare: true };
  return {
    contender,
    prepare(workload) {
      const raw = precompute(workload);
      const at = (w: number, i: number) => raw[w][i];
      switch (contender) {
        case 'raw':
          return (w, i) => sql.query(insert, args(at(w, i)));
        case 'raw-prepared':
          return (w, i) => sql.query(insert, args(at(w, i)), prepared);
        case 'raw-prepared+notify':
          return (w, i) => (due() ? sql.query(insertAndNotify, [...args(at(w, i)), ...notifyArgs], prepared) : sql.query(insert, args(at(w, i)), prepared));
        case 'raw-tx+head+notify':
          // The store's path for a stream whose head it does not know (and every append before it remembered heads).
          return (w, i) =>
            sql.transaction(async (tx) => {
              await tx.query(head, [at(w, i).streamId], prepared);
              return due() ? tx.query(insertAndNotify, [...args(at(w, i)), ...notifyArgs], prepared) : tx.query(insert, args(at(w, i)), prepared);
            });
        default:
          throw new Error(`not a raw contender: ${contender}`);
      }
    },
  };
}

function oursContestant(store: PostgresEventStore, contender: Contender = 'ours'): Contestant {
  return {
    contender,
    prepare: (workload) => (w, i) => {
      const { streamId, events, expectedVersion } = workload.writers[w][i];
      return store.appendToStream(streamId, events, { expectedVersion });
    },
  };
}

function emmettContestant(store: EmmettStore): Contestant {
  return {
    contender: 'emmett',
    prepare: (workload) => (w, i) => {
      const { streamId, events, expectedVersion } = workload.writers[w][i];
      return store.appendToStream(
        streamId,
        events.map((e) => ({ type: e.type, data: e.data as Record<string, unknown>, metadata: e.metadata })),
        { expectedStreamVersion: BigInt(expectedVersion) },
      );
    },
  };
}

/** The server's URL with the benchmark's schema first on the search_path (for Emmett, which opens its own pool). */
export function withSearchPath(url: string, schema: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
}

export async function benchAppend(options: AppendBenchOptions, log: (line: string) => void): Promise<AppendBenchResult> {
  const perInvoice = pathShape();
  const invoices = Math.max(Math.max(...options.writers), Math.ceil(options.events / perInvoice.events));
  const location: StoreLocation = await createLocation(options.store, options.databaseUrl);
  const sql = await connect(location);
  const store = new PostgresEventStore(sql);
  let emmett: EmmettStore | undefined;
  let quiet: PostgresEventStore | undefined;
  try {
    await ensureSchema(sql);
    const contestants: Contestant[] = [oursContestant(store)];
    const rawTables: Array<[Contender, string]> = [['raw', 'bench_raw']];
    if (options.store === 'postgres') {
      emmett = getPostgreSQLEventStore(withSearchPath(options.databaseUrl!, (location as { schema: string }).schema));
      await emmett.schema.migrate();
      contestants.push(emmettContestant(emmett));
    }
    if (options.ladder) {
      rawTables.push(['raw-prepared', 'bench_raw_prepared']);
      if (options.store === 'postgres') rawTables.push(['raw-prepared+notify', 'bench_raw_notify']);
      rawTables.push(['raw-tx+head+notify', 'bench_raw_tx_head']);
      if (options.store === 'postgres') {
        // Ours as the API instance that feeds the read models runs it: nobody else waits for its appends, so no NOTIFY.
        quiet = new PostgresEventStore(sql);
        quiet.setOthersListening(() => false);
        contestants.push(oursContestant(quiet, 'ours-quiet'));
      }
    }
    for (const [contender, table] of rawTables) {
      // An identical table: the same columns, defaults, constraints and indexes as the store's.
      await sql.query(`create table ${table} (like ${EVENTS_TABLE} including all)`);
      contestants.splice(contender === 'raw' ? 1 : contestants.length, 0, rawContestant(contender, sql, table));
    }

    const runs: AppendRun[] = [];
    for (const writers of options.writers) {
      let tagged = 0;
      const tag = (c: Contender) => `${c.replace(/[^a-z]/g, '')}${writers}w${tagged++}`;
      // One unmeasured warm-up of each contender: the JIT, the connections, the first pages of each table.
      for (const c of contestants) {
        const warm = plan(Math.min(invoices, 200 * writers), writers, tag(c.contender));
        await drive(warm, c.prepare(warm));
      }
      const byContender = new Map<Contender, number[]>(contestants.map((c) => [c.contender, []]));
      let shape = { appends: 0, events: 0 };
      for (let round = 0; round < options.rounds; round++) {
        // Every contender's appends of this round, on fresh streams, prepared before the clock starts.
        const prepared = contestants.map((c) => {
          const workload = plan(invoices, writers, tag(c.contender));
          shape = { appends: workload.appends, events: workload.events };
          return { c, workload, append: c.prepare(workload), ms: 0 };
        });
        const longest = Math.max(...prepared[0].workload.writers.map((appends) => appends.length));
        for (let slice = 0, from = 0; from < longest; slice++, from += SLICE_APPENDS) {
          // Each slice starts with the next contender, so none always runs first (or right after the same one).
          const turn = slice % prepared.length;
          for (const p of [...prepared.slice(turn), ...prepared.slice(0, turn)]) p.ms += await drive(p.workload, p.append, from, from + SLICE_APPENDS);
        }
        for (const p of prepared) {
          byContender.get(p.c.contender)!.push(p.ms);
          log(`  ${options.store}, ${writers} writer${writers > 1 ? 's' : ''}, round ${round + 1}: ${p.c.contender} ${fmt.int(p.workload.appends / (p.ms / 1000))} appends/s`);
        }
      }
      for (const c of contestants) {
        const roundsMs = byContender.get(c.contender)!;
        runs.push({ contender: c.contender, writers, ...shape, roundsMs, ms: median(roundsMs) });
      }
    }
    // Every append of ours must be in the log, with its chain intact as the API would read it back.
    const { rows } = await sql.query<{ n: string }>(`select count(*) as n from ${EVENTS_TABLE}`);
    const expected = runs.filter((r) => r.contender === 'ours' || r.contender === 'ours-quiet').reduce((n, r) => n + r.events * options.rounds, 0);
    if (Number(rows[0].n) < expected) throw new Error(`the log has ${rows[0].n} events, ${expected} were appended in the measured rounds`);
    return { store: options.store, invoices, perInvoice, rounds: options.rounds, runs };
  } finally {
    await emmett?.close();
    await store.close();
    await quiet?.close();
    await sql.close();
    await dropLocation(location);
  }
}
