/**
 * Commands over HTTP (issue 8): "send to reminder handling" end to end — POST /api/invoices/:n/reminder-case
 * on the built API process, each request on a fresh overdue invoice, for a fixed time at full speed with
 * autocannon (a fixed number of connections, each sending its next request when the previous one is
 * answered). The command reads the invoice's stream, decides, appends with the expected version and
 * answers once every read model has the new events (read-your-writes). Baseline in the same run: the same
 * autocannon run against GET /health of the same process (the HTTP stack and one `SELECT 1`): the ceiling
 * of what any request can do on this stack and machine.
 */
import { createPgClient } from '@pm/event-store';
import autocannon from 'autocannon';
import { readFileSync, readdirSync } from 'node:fs';
import { fmt } from '../report';
import { type ApiProcess, createInvoices, invoiceNumber, startApi } from './api-process';

export interface HttpBenchOptions {
  store: 'pglite' | 'postgres';
  databaseUrl?: string;
  seconds: number;
  connections: number;
  /** Fresh invoices before each round: the most sends a round can make. Default: five times what the first PUTs' rate says a round needs. */
  invoices?: number;
  /** Rounds of the baseline and the sends, one after the other on the same process: the round with the median send rate is reported. */
  rounds: number;
}

export interface HttpRun {
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
  statusCodes: Record<string, number>;
  /** CPU time of the API process per request (user + system), ms. */
  apiCpuMsPerRequest?: number;
  /** CPU time of the PostgreSQL server's processes per request, ms (when the server runs on this machine). */
  serverCpuMsPerRequest?: number;
  /** PostgreSQL server: transactions (autocommit statements count one each) of the database per request. */
  serverTransactionsPerRequest?: number;
  /** CPU time of this process (autocannon) per request, ms. */
  loadCpuMsPerRequest: number;
}

export interface HttpBenchResult {
  store: 'pglite' | 'postgres';
  connections: number;
  invoices: number;
  /** The round with the median send rate (its own baseline with it). */
  health: HttpRun;
  send: HttpRun;
  /** Every round, in the order run. */
  rounds: { health: HttpRun; send: HttpRun }[];
  /** The run stopped early: every created invoice had been sent. */
  ranOut: boolean;
}

const TICKS_PER_SECOND = 100;

/**
 * A process's name and user + system CPU time in ms, from its /proc/<pid>/stat line; with `children`, also that of
 * its children that ended (the PostgreSQL postmaster's: backends whose connection closed during a run).
 */
function parseStat(stat: string, children = false): { name: string; cpuMs: number } {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]) + (children ? Number(fields[13]) + Number(fields[14]) : 0);
  return { name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), cpuMs: (ticks * 1000) / TICKS_PER_SECOND };
}

/** User + system CPU time of a process in ms, from /proc (Linux); undefined elsewhere. */
export function processCpuMs(pid: number): number | undefined {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8')).cpuMs;
  } catch {
    return undefined;
  }
}

/**
 * User + system CPU time of every PostgreSQL server process on this machine, those that ended included (a pooled
 * connection closed while idle takes its CPU time with it, to the postmaster's count of its children), ms;
 * undefined when there is none (or no /proc).
 */
export function postgresCpuMs(): number | undefined {
  let total: number | undefined;
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  for (const pid of entries) {
    try {
      const { name, cpuMs } = parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'), true);
      if (name === 'postgres') total = (total ?? 0) + cpuMs;
    } catch {
      // The process ended meanwhile.
    }
  }
  return total;
}

/** PostgreSQL flushes an idle backend's statistics after 10 s (PGSTAT_IDLE_INTERVAL), a busy one's at most every second. */
const STATS_FLUSHED_MS = 11_000;

/**
 * The database's transactions so far (committed and rolled back), once every backend has flushed its counts: a
 * count independent of the machine's speed, unlike rates and CPU times.
 */
async function transactionsSoFar(url: string): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, STATS_FLUSHED_MS));
  const sql = createPgClient(url, { max: 1 });
  try {
    const { rows } = await sql.query<{ n: string }>('SELECT (xact_commit + xact_rollback)::text AS n FROM pg_stat_database WHERE datname = current_database()');
    return Number(rows[0].n);
  } finally {
    await sql.close();
  }
}

async function run(
  api: ApiProcess,
  path: string,
  options: Omit<autocannon.Options, 'url'>,
  onStarted?: (instance: autocannon.Instance) => void,
  countTransactions = false,
): Promise<HttpRun> {
  const counting = countTransactions && api.location.kind === 'postgres' ? api.location.url : undefined;
  const transactionsBefore = counting ? await transactionsSoFar(counting) : undefined;
  const cpuBefore = processCpuMs(api.pid);
  const serverBefore = api.store === 'postgres' ? postgresCpuMs() : undefined;
  const loadBefore = process.cpuUsage();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ ...options, url: `${api.url}${path}` }, (error, r) => (error ? reject(error as Error) : resolve(r)));
    onStarted?.(instance);
  });
  const cpuAfter = processCpuMs(api.pid);
  const serverAfter = serverBefore !== undefined ? postgresCpuMs() : undefined;
  const load = process.cpuUsage(loadBefore);
  const requests = result.requests.total;
  // Less the one this count's own query is.
  const transactions = counting && transactionsBefore !== undefined ? (await transactionsSoFar(counting)) - transactionsBefore - 1 : undefined;
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, Number((s as { count: number }).count)]));
  return {
    requests,
    seconds: result.duration,
    rps: requests / result.duration,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors,
    statusCodes,
    ...(cpuBefore !== undefined && cpuAfter !== undefined ? { apiCpuMsPerRequest: (cpuAfter - cpuBefore) / requests } : {}),
    ...(serverBefore !== undefined && serverAfter !== undefined ? { serverCpuMsPerRequest: (serverAfter - serverBefore) / requests } : {}),
    ...(transactions !== undefined ? { serverTransactionsPerRequest: transactions / requests } : {}),
    loadCpuMsPerRequest: (load.user + load.system) / 1000 / requests,
  };
}

const describe = (r: HttpRun) =>
  `${fmt.int(r.rps)}/s, p50 ${r.p50} ms, p99 ${r.p99} ms (${fmt.int(r.requests)} requests, non-2xx ${r.non2xx}, errors ${r.errors}${r.apiCpuMsPerRequest !== undefined ? `, API CPU ${r.apiCpuMsPerRequest.toFixed(2)} ms/request` : ''}${
    r.serverCpuMsPerRequest !== undefined ? `, PostgreSQL CPU ${r.serverCpuMsPerRequest.toFixed(2)} ms/request` : ''
  }${r.serverTransactionsPerRequest !== undefined ? `, ${r.serverTransactionsPerRequest.toFixed(2)} PostgreSQL transactions/request` : ''})`;

export async function benchHttp(options: HttpBenchOptions, log: (line: string) => void): Promise<HttpBenchResult> {
  const api = await startApi(options.store, options.databaseUrl, log);
  try {
    // The sends are commands much like the PUTs: a first batch of PUTs says how many invoices the run will need.
    const first = Math.min(options.invoices ?? 1000, 1000);
    const putRate = await createInvoices(api, first, log);
    // Sends now run faster than PUTs, up to four times the first PUTs' rate (which run on a cold process): five leaves room.
    const perRound = options.invoices ?? Math.max(2000, Math.ceil(5 * putRate * options.seconds));
    let invoices = first;

    let next = 0;
    let ranOut = false;
    const headers = { authorization: `Bearer ${api.token}` };
    const rounds: { health: HttpRun; send: HttpRun }[] = [];
    // This machine's speed drifts by half within an hour: one run decides nothing, the median of a few says more.
    for (let round = 1; round <= options.rounds && !ranOut; round++) {
      const label = options.rounds > 1 ? ` (round ${round} of ${options.rounds})` : '';
      // Fresh invoices for the round, those the last one left counted: the database grows by what is sent, not by rounds of slack.
      if (next + perRound > invoices) {
        await createInvoices(api, next + perRound - invoices, log, invoices);
        invoices = next + perRound;
      }
      const health = await run(api, '/health', { connections: options.connections, duration: options.seconds, method: 'GET' });
      log(`  GET /health (baseline)${label}: ${describe(health)}`);
      let instance: autocannon.Instance | undefined;
      const send = await run(
        api,
        '/',
        {
          connections: options.connections,
          duration: options.seconds,
          timeout: 30,
          requests: [
            {
              method: 'POST',
              // Each request on the next fresh invoice; the last `connections` invoices are the slack for the requests in flight when it stops.
              setupRequest: (request) => {
                if (next >= invoices - options.connections && !ranOut) {
                  ranOut = true;
                  setImmediate(() => instance?.stop());
                }
                return { ...request, path: `/api/invoices/${invoiceNumber(next++)}/reminder-case`, headers };
              },
            },
          ],
        },
        (started) => (instance = started),
        true,
      );
      log(`  POST /api/invoices/:n/reminder-case${label}: ${describe(send)}${ranOut ? ' (ran out of invoices: raise BENCH_HTTP_INVOICES)' : ''}`);
      if (send.non2xx > 0) log(`  WARNING: ${send.non2xx} non-2xx answers: ${JSON.stringify(send.statusCodes)}\n${api.output.join('').slice(-2000)}`);
      rounds.push({ health, send });
    }
    // The middle round by send rate (the lower middle of an even number).
    const median = [...rounds].sort((a, b) => a.send.rps - b.send.rps)[Math.floor((rounds.length - 1) / 2)]!;
    return { store: options.store, connections: options.connections, invoices, health: median.health, send: median.send, rounds, ranOut };
  } finally {
    await api.stop();
  }
}
