/**
 * A tiny SQL abstraction over `pg` (a real PostgreSQL server) and PGlite (WASM PostgreSQL, embedded), so the
 * event store and the API's read models run the same SQL on both.
 *
 * Value representation, identical on both backends:
 * - `int8`/`bigserial` and `numeric` come back as strings (exact; convert with `BigInt()` where needed).
 *   `pg` does this by default; PGlite would return numbers, so both clients install explicit parsers
 *   (the `pg` one per pool, so a global `pg.types.setTypeParser` elsewhere cannot change it).
 * - `xid8` comes back as a string; `int2`/`int4` as numbers; `timestamptz` as `Date`; `json`/`jsonb` parsed.
 * - Parameters: pass bigints as strings with an explicit cast (`$1::bigint`) and JSON as `JSON.stringify(...)`
 *   with `::jsonb`.
 */
import pg from 'pg';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { EmbeddedStoreStoppedError, PGliteThread } from './pglite-thread';

export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

export interface QueryOptions {
  /**
   * Prepares the statement once per connection (under a name derived from its text) and reuses it: parsing
   * and planning a statement costs more than its round trip on a local server, and on PGlite more than half of
   * a simple INSERT (see pglite-worker.cjs). For hot statements of constant text only: each stays prepared on
   * every connection.
   * PostgreSQL plans a prepared statement again when the tables it uses change or `search_path` does.
   */
  prepare?: boolean;
}

const statementNames = new Map<string, string>();
/** The same text, the same name, on every connection (the hash keeps names short and within 63 bytes). */
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    name = `pm_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    statementNames.set(text, name);
  }
  return name;
}

export interface TransactionOptions {
  /**
   * Commit without waiting for the WAL to reach the disk (`synchronous_commit` off for this transaction): for
   * data that can be derived again from what is stored durably (read models and their checkpoints: a server
   * crash loses both together, and the events are then projected again). Never for the events themselves.
   */
  asyncCommit?: boolean;
  /**
   * A statement without parameters sent with BEGIN, in its round trip (the simple protocol takes several statements
   * in one message); its rows are `tx.opened`. For what such a transaction always reads first, the rows it locks
   * say. Values in it must be literals: quote them with `sqlLiteral`.
   */
  opening?: string;
}

export interface SqlExecutor {
  query<R = Record<string, unknown>>(text: string, params?: unknown[], options?: QueryOptions): Promise<QueryResult<R>>;
}

/** What `transaction` hands its callback: a query executor on the transaction's connection, and more. */
export interface TransactionExecutor extends SqlExecutor {
  /** The rows of `TransactionOptions.opening` (none without it). */
  readonly opened: Record<string, unknown>[];
  /**
   * A statement without parameters to send with COMMIT, in its round trip (after those given before it, in order).
   * If it fails, nothing of the transaction is committed and `transaction` throws its error.
   */
  beforeCommit(statement: string): void;
}

/** A string as an SQL literal, for the statements of `opening` and `beforeCommit` (standard_conforming_strings on). */
export const sqlLiteral = (value: string): string => `'${value.replace(/'/g, "''")}'`;

/** A transaction's executor over `query`, and the statements its callback leaves for the COMMIT's round trip. */
function transactionExecutor(query: SqlExecutor['query'], opened: Record<string, unknown>[]): { tx: TransactionExecutor; closing: string[] } {
  const closing: string[] = [];
  return { tx: { query, opened, beforeCommit: (statement) => void closing.push(statement) }, closing };
}

/** The rows of the last statement of a simple-protocol query (`pg` answers a list for several statements). */
const lastRows = (result: pg.QueryResult | pg.QueryResult[]): Record<string, unknown>[] => (Array.isArray(result) ? (result[result.length - 1]?.rows ?? []) : result.rows);

export interface SqlClient extends SqlExecutor {
  /**
   * Runs `fn` in one transaction: COMMIT when it resolves, ROLLBACK when it throws. Inside `fn` use `tx` only:
   * on PGlite (one connection) a call on the client itself waits for the transaction and so deadlocks.
   */
  transaction<T>(fn: (tx: TransactionExecutor) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /**
   * LISTENs on `channel` (a plain lower-case identifier). On PostgreSQL this uses a dedicated connection that
   * keeps reconnecting while the server is unreachable; `onNotify` is also called after each (re)connect,
   * since notifications sent while disconnected are lost. Resolves to a function that stops listening.
   */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
  readonly kind: 'postgres' | 'pglite';
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;
const CHANNEL = /^[a-z_][a-z0-9_]*$/;

function assertChannel(channel: string): void {
  if (!CHANNEL.test(channel)) throw new TypeError(`Invalid LISTEN channel name: ${channel}`);
}

export interface PgClientOptions {
  /** Pool size (default 10). */
  max?: number;
  /** Sets `search_path` on every connection, e.g. a per-test-run schema: comma-separated plain identifiers. */
  searchPath?: string;
}

const SEARCH_PATH = /^[a-z_][\w$]*(,[a-z_][\w$]*)*$/i;

export function createPgClient(connectionString: string, options: PgClientOptions = {}): SqlClient {
  const types = {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === INT8_OID || oid === NUMERIC_OID ? (value: string) => value : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
  };
  if (options.searchPath !== undefined && !SEARCH_PATH.test(options.searchPath)) {
    throw new TypeError(`searchPath must be comma-separated identifiers, got ${JSON.stringify(options.searchPath)}`);
  }
  const config: pg.ClientConfig = {
    connectionString,
    types,
    options: options.searchPath ? `-c search_path=${options.searchPath}` : undefined,
  };
  const pool = new pg.Pool({ ...config, max: options.max ?? 10 });
  // An idle pooled connection that dies (server restart) emits here; without a handler it would crash the process.
  pool.on('error', (error) => console.warn('[sql] idle PostgreSQL connection failed:', error.message));
  const listeners = new Set<() => Promise<void>>();

  const run = async <R>(target: pg.Pool | pg.PoolClient, text: string, params?: unknown[], options?: QueryOptions): Promise<QueryResult<R>> => {
    const result = options?.prepare ? await target.query({ name: statementName(text), text, values: params }) : await target.query(text, params);
    return { rows: result.rows as R[], rowCount: result.rowCount ?? result.rows.length };
  };

  return {
    kind: 'postgres',
    query: (text, params, options) => run(pool, text, params, options),
    async transaction(fn, options) {
      const connection = await pool.connect();
      let broken: Error | undefined;
      try {
        // One round trip however many statements: the simple protocol takes them all in one message.
        const opening = [options?.asyncCommit ? 'BEGIN; SET LOCAL synchronous_commit TO off' : 'BEGIN', ...(options?.opening ? [options.opening] : [])];
        const begun = (await connection.query(opening.join('; '))) as unknown as pg.QueryResult | pg.QueryResult[];
        const { tx, closing } = transactionExecutor((text, params, options) => run(connection, text, params, options), options?.opening ? lastRows(begun) : []);
        const result = await fn(tx);
        await connection.query([...closing, 'COMMIT'].join('; '));
        return result;
      } catch (error) {
        // A failed ROLLBACK means the connection is unusable: release(error) destroys it instead of pooling it.
        await connection.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
        throw error;
      } finally {
        connection.release(broken);
      }
    },
    async listen(channel, onNotify) {
      assertChannel(channel);
      let stopped = false;
      let current: pg.Client | undefined;
      let retryTimer: NodeJS.Timeout | undefined;

      const scheduleRetry = (): void => {
        if (!stopped) retryTimer = setTimeout(() => connect().catch(scheduleRetry), 1000);
      };
      const lost = (client: pg.Client): void => {
        if (stopped || current !== client) return;
        current = undefined;
        client.end().catch(() => undefined);
        scheduleRetry();
      };
      const connect = async (): Promise<void> => {
        const client = new pg.Client(config);
        client.on('notification', (message) => {
          if (message.channel === channel) onNotify(message.payload ?? '');
        });
        client.on('error', () => lost(client));
        client.on('end', () => lost(client));
        try {
          await client.connect();
          await client.query(`LISTEN ${channel}`);
        } catch (error) {
          client.end().catch(() => undefined);
          throw error;
        }
        if (stopped) return void (await client.end());
        current = client;
        onNotify('');
      };

      await connect().catch((error: Error) => {
        console.warn(`[sql] LISTEN ${channel} failed, retrying:`, error.message);
        scheduleRetry();
      });
      const stop = async (): Promise<void> => {
        stopped = true;
        clearTimeout(retryTimer);
        listeners.delete(stop);
        await current?.end().catch(() => undefined);
      };
      listeners.add(stop);
      return stop;
    },
    async close() {
      await Promise.all([...listeners].map((stop) => stop()));
      await pool.end();
    },
  };
}

/** The embedded store's directory is open in another live process (PGlite has one connection, in one process). */
export class EmbeddedStoreInUseError extends Error {
  readonly code = 'STORE.IN_USE';
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(`The embedded store ${dataDir} is in use by process ${pid} (the API?). Use that process, or stop it first.`);
    this.name = 'EmbeddedStoreInUseError';
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * PGlite would let a second process open the same directory and both would corrupt it: a lock file beside
 * it (`<dir>.lock`, holding the PID) keeps a directory to one process. A lock of a dead process is taken over.
 */
function lockDataDir(dataDir: string): () => void {
  const lock = `${dataDir.replace(/[/\\]+$/, '')}.lock`;
  mkdirSync(dirname(lock), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      return () => rmSync(lock, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(lock, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && alive(holder)) throw new EmbeddedStoreInUseError(dataDir, holder);
      rmSync(lock, { force: true });
    }
  }
  throw new Error(`Could not lock ${dataDir}`);
}

export interface PGliteClientOptions {
  /**
   * Called once if the database's thread stops without being closed (a crash of the WASM runtime, out of memory):
   * every statement fails from then on with STORE.STOPPED. A process that serves requests should end then, for its
   * supervisor to start it again on the same directory.
   */
  onStopped?: (error: Error) => void;
}

/** PGlite persisted in `dataDir` when given, in memory otherwise. Takes about 2 s and 0.45 GB: share one. */
export async function createPGliteClient(dataDir?: string, options: PGliteClientOptions = {}): Promise<SqlClient> {
  const unlock = dataDir ? lockDataDir(dataDir) : () => undefined;
  let thread: PGliteThread;
  try {
    thread = await PGliteThread.open(dataDir, options.onStopped);
  } catch (error) {
    unlock();
    throw error;
  }
  return pgliteClient(thread, unlock);
}

/** PGlite, on its own thread (pglite-thread.ts): one connection, so its transactions take turns. */
function pgliteClient(thread: PGliteThread, unlock: () => void): SqlClient {
  return {
    kind: 'pglite',
    query: (text, params, options) => thread.request({ op: 'query', text, params, prepare: options?.prepare }),
    async transaction(fn, options) {
      const tx = thread.id();
      // Nothing waits for BEGIN unless its opening statement's rows are wanted: the callback's statements follow it
      // to the thread in order and wait there for it, which saves a round trip between the threads per transaction.
      const begun = thread.request<Record<string, unknown>[]>({ op: 'begin', tx, options: { asyncCommit: options?.asyncCommit, opening: options?.opening } });
      begun.catch(() => undefined); // seen below, or by the callback's first statement
      let result;
      let closing: string[];
      try {
        const executor = transactionExecutor(
          (text, params, queryOptions) => thread.request({ op: 'query', tx, text, params, prepare: queryOptions?.prepare }),
          options?.opening ? await begun : [],
        );
        result = await fn(executor.tx);
        closing = executor.closing;
        await begun;
      } catch (error) {
        // A rollback that cannot run (the thread stopped) leaves nothing committed either: the callback's error is the one to see.
        await thread.request({ op: 'end', tx, commit: false, closing: [] }).catch(() => undefined);
        throw error;
      }
      await thread.request({ op: 'end', tx, commit: true, closing });
      return result;
    },
    async listen(channel, onNotify) {
      assertChannel(channel);
      const listener = thread.onNotify(onNotify);
      await thread.request({ op: 'listen', listener, channel });
      return async () => {
        thread.forget(listener);
        // A database that stopped (or was closed first) listens no more anyway.
        await thread.request({ op: 'unlisten', listener }).catch((error: unknown) => {
          if (!(error instanceof EmbeddedStoreStoppedError)) throw error;
        });
      };
    },
    async close() {
      try {
        await thread.close();
      } finally {
        unlock();
      }
    },
  };
}

/**
 * `postgres://…` / `postgresql://…` → a `pg` pool; `pglite://memory` (or `pglite://`) → in-memory PGlite;
 * `pglite://<dir>` → PGlite persisted in `<dir>` (`pglite://.data/db` is relative, `pglite:///var/db` absolute).
 */
export async function sqlClientFromUrl(url: string, options: PgClientOptions = {}): Promise<SqlClient> {
  if (/^postgres(ql)?:\/\//.test(url)) return createPgClient(url, options);
  if (url.startsWith('pglite://')) {
    const dataDir = url.slice('pglite://'.length);
    return createPGliteClient(dataDir === '' || dataDir === 'memory' ? undefined : dataDir);
  }
  throw new TypeError(`Unsupported database URL (expected postgres://, postgresql:// or pglite://): ${url}`);
}
