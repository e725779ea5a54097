// @ts-check
/**
 * The embedded database's own thread (see pglite-thread.ts). PGlite is PostgreSQL compiled to WASM: run on the
 * API's thread, every statement takes turns with the API's JavaScript on one core. Here it runs on its own, and
 * the API's thread only sends statements and receives rows.
 *
 * Plain CommonJS, not TypeScript, so that the same file runs from the sources (tests) and from dist (copied
 * by the build). Messages: `{ id, op, ... }` answered by `{ id, result }` or `{ id, error }`; notifications
 * of a LISTEN arrive as `{ notify, payload }`.
 */
'use strict';
const { parentPort, receiveMessageOnPort, workerData } = require('node:worker_threads');
const { PGlite, parse, protocol } = require('@electric-sql/pglite');

if (!parentPort) throw new Error('pglite-worker.cjs runs as a worker thread');
const port = parentPort;

const INT8_OID = 20;
const NUMERIC_OID = 1700;
/** Thrown inside a transaction's callback to have PGlite roll it back. */
const ROLLBACK = Symbol('rollback');

/** @type {Promise<import('@electric-sql/pglite').PGlite>} */
const database = PGlite.create(workerData.dataDir, {
  // int8 and numeric as strings, exact (as the pg client does; see sql-client.ts).
  parsers: { [INT8_OID]: (/** @type {string} */ value) => value, [NUMERIC_OID]: (/** @type {string} */ value) => value },
});

/**
 * @typedef {import('@electric-sql/pglite').Transaction} Transaction
 * @typedef {{ commit: boolean, closing: string[] }} Ending
 * @typedef {{ ready: Promise<{ tx: Transaction, rows: unknown[] }>, end: (how: Ending) => void, done: Promise<unknown> }} OpenTransaction
 */
/**
 * Transactions by the id the caller gave them: their executor once BEGIN ran (`ready`), how to end them, and
 * PGlite's promise of their end (it commits when the callback returns, rolls back when it throws).
 * @type {Map<number, OpenTransaction>}
 */
const transactions = new Map();
/** @type {Map<number, () => Promise<void>>} */
const listening = new Map();

/** @param {{ rows: unknown[], rowCount?: number, affectedRows?: number }} result */
const adapt = (result) => ({ rows: result.rows, rowCount: result.rowCount ?? result.affectedRows ?? result.rows.length });

/**
 * Opens transaction `id`; answers the rows of its opening statement. Its statements may arrive before BEGIN ran
 * (the caller does not wait for it): they wait for `ready`, and they arrive in order, after this message.
 * @param {import('@electric-sql/pglite').PGlite} db
 * @param {number} id
 * @param {{ asyncCommit?: boolean, opening?: string }} options
 */
function begin(db, id, options) {
  /** @type {(how: Ending) => void} */
  let end = () => undefined;
  const ending = /** @type {Promise<Ending>} */ (new Promise((resolve) => (end = resolve)));
  /** @type {(value: { tx: Transaction, rows: unknown[] }) => void} */
  let began = () => undefined;
  /** @type {(error: unknown) => void} */
  let failed = () => undefined;
  /** @type {Promise<{ tx: Transaction, rows: unknown[] }>} */
  const ready = new Promise((resolve, reject) => ((began = resolve), (failed = reject)));
  ready.catch(() => undefined); // its statements and the caller see the error
  const done = db.transaction(async (tx) => {
    if (options.asyncCommit) await tx.query('SET LOCAL synchronous_commit TO off');
    const rows = options.opening ? ((await tx.exec(options.opening)).at(-1)?.rows ?? []) : [];
    began({ tx, rows });
    const how = await ending;
    if (!how.commit) throw ROLLBACK;
    if (how.closing.length > 0) await tx.exec(how.closing.join('; '));
  });
  done.catch(failed); // a failure before BEGIN was done; afterwards `ready` is settled and this does nothing
  transactions.set(id, { ready, end, done });
  return ready.then(({ rows }) => rows);
}

/** @param {number} id @param {boolean} commit @param {string[]} closing */
async function end(id, commit, closing) {
  const open = transactions.get(id);
  if (!open) throw new Error(`no open transaction ${id}`);
  open.end({ commit, closing });
  try {
    await open.done;
  } catch (error) {
    if (error !== ROLLBACK) throw error;
  } finally {
    transactions.delete(id);
  }
  return null;
}

/** @param {number} id */
async function inTransaction(id) {
  const open = transactions.get(id);
  if (!open) throw new Error(`no open transaction ${id}`);
  return (await open.ready).tx;
}

/**
 * Prepared statements (`prepare: true`), by their text: PGlite's `query` sends every statement through the
 * extended protocol unnamed (parse, describe, bind, describe, execute, sync: six calls into the WASM runtime,
 * parsed and planned each time). A prepared one is parsed and described once under a name, then run as bind,
 * execute and sync in one call, its rows read with the description kept from then: an append's INSERT went
 * from ~450 to ~190 µs. Like a prepared statement on a server, PostgreSQL plans it again when the tables it
 * uses change, and it is not undone by a rollback (the protocol's statements are not transactional).
 * @typedef {{ name: string, paramTypes: number[], rowDescription: import('@electric-sql/pglite').messages.BackendMessage | undefined }} Prepared
 * @type {Map<string, Prepared>}
 */
const prepared = new Map();
let statements = 0;

/** @param {Uint8Array[]} parts */
function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * Runs a prepared statement (preparing it first if it is new), with the locks PGlite's own `query` takes:
 * outside a transaction both (so it waits for a transaction in progress, and is one on its own); inside one,
 * the statement lock only (the transaction holds the other).
 * @param {import('@electric-sql/pglite').PGlite} db
 * @param {string} text
 * @param {unknown[] | undefined} params
 * @param {boolean} inTransaction
 */
function queryPrepared(db, text, params, inTransaction) {
  const run = () =>
    db._runExclusiveQuery(async () => {
      let statement = prepared.get(text);
      if (!statement) {
        const name = `pm_${++statements}`; // never reused: a name whose preparation failed midway may exist
        const described = await db.execProtocolStream(
          concat([protocol.serialize.parse({ name, text }), protocol.serialize.describe({ type: 'S', name }), protocol.serialize.sync()]),
          { syncToFs: false },
        );
        const parameters = /** @type {any} */ (described.find((m) => m.name === 'parameterDescription'));
        statement = { name, paramTypes: parameters?.dataTypeIDs ?? [], rowDescription: described.find((m) => m.name === 'rowDescription') };
        prepared.set(text, statement);
      }
      const { paramTypes } = statement;
      // The values as PGlite's own query writes them: by the type PostgreSQL inferred for each parameter.
      const values = (params ?? []).map((value, i) => {
        if (value === null || value === undefined) return null;
        const serialize = db.serializers[paramTypes[i]];
        return serialize ? serialize(value) : String(value);
      });
      const messages = await db.execProtocolStream(
        concat([protocol.serialize.bind({ statement: statement.name, values }), protocol.serialize.execute({}), protocol.serialize.sync()]),
        { syncToFs: false },
      );
      if (!inTransaction) await db.syncToFs();
      const results = parse.parseResults(statement.rowDescription ? [statement.rowDescription, ...messages] : messages, db.parsers);
      return results[0] ?? { rows: [], affectedRows: 0 };
    });
  return inTransaction ? run() : db._runExclusiveTransaction(run);
}

/** @param {any} message */
async function handle(message) {
  const db = await database;
  switch (message.op) {
    case 'open':
      return null;
    case 'query': {
      const target = message.tx === undefined ? db : await inTransaction(message.tx);
      if (message.prepare) return adapt(await queryPrepared(db, message.text, message.params, message.tx !== undefined));
      return adapt(await target.query(message.text, message.params));
    }
    case 'begin':
      return begin(db, message.tx, message.options);
    case 'end':
      return end(message.tx, message.commit, message.closing);
    case 'listen': {
      const id = message.listener;
      listening.set(id, await db.listen(message.channel, (payload) => port.postMessage({ notify: id, payload })));
      return null;
    }
    case 'unlisten':
      await listening.get(message.listener)?.();
      listening.delete(message.listener);
      return null;
    case 'close':
      await db.close();
      return null;
    default:
      throw new Error(`unknown operation ${message.op}`);
  }
}

/**
 * An error as data the other thread can rebuild: its message and the fields PostgreSQL reports (code, constraint, …).
 * @param {unknown} error
 */
function describe(error) {
  if (!(error instanceof Error)) return { message: String(error) };
  /** @type {Record<string, unknown>} */
  const fields = { name: error.name, message: error.message };
  for (const [key, value] of Object.entries(error)) if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) fields[key] = value;
  return fields;
}

/**
 * How long the thread, once idle, keeps looking for the next statement before it sleeps (µs). Waking a
 * sleeping thread costs most of a round trip between threads (measured: ~55 µs of ~80 µs), and a caller that
 * sends statement after statement sends the next within this window: one writer's appends went from ~1,300 to
 * ~1,750/s. The cost is at most this much of one core's time after the last statement of a burst.
 */
const LINGER_US = 300;
let running = 0;

/** @param {any} message */
function receive(message) {
  running++;
  handle(message).then(
    (result) => answer({ id: message.id, result }),
    (error) => answer({ id: message.id, error: describe(error) }),
  );
}

/** @param {unknown} reply */
function answer(reply) {
  port.postMessage(reply);
  if (--running > 0) return;
  const until = performance.now() + LINGER_US / 1000;
  while (performance.now() < until) {
    const next = receiveMessageOnPort(port);
    if (next) return receive(next.message);
  }
}

port.on('message', receive);
