/**
 * The built API (apps/api/dist/main.js) as a child process, as it runs in production: on the PostgreSQL
 * server in a fresh schema of its own (`options=-c search_path=…` in DATABASE_URL), or on the embedded
 * PGlite store in a fresh data directory; without the collection partner (AMILI_SYNC=off: the partner's
 * outbox, polling and reconciliation are not loaded, so only our own request path is measured) and
 * without demo data. A company registered and activated over HTTP, and overdue invoices created with
 * PUT /api/invoices/:n before anything is measured.
 */
import { companyIdFor, signToken } from '@pm/api';
import autocannon from 'autocannon';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withSearchPath } from '../append/append.bench';
import { type StoreLocation, createLocation, dropLocation } from '../payments/store';
import { ROOT, fmt } from '../report';

export const ORG = '556036-0793';

export interface ApiProcess {
  url: string;
  store: 'pglite' | 'postgres';
  /** The activated company's user. */
  token: string;
  companyId: string;
  /** The location of the API's data (for reading the log afterwards on the server). */
  location: StoreLocation;
  /** The child's output so far (for errors). */
  output: string[];
  pid: number;
  /** Stops the process (SIGTERM) and, unless `keepData`, removes its data; safe to call again. */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** An overdue SEK invoice (due 2026-10-01) as the API's PUT takes it. */
export const invoiceBody = (number: string) =>
  JSON.stringify({
    invoiceDate: '2026-09-01',
    dueDate: '2026-10-01',
    currency: 'SEK',
    totalOre: 125_000,
    vatOre: 25_000,
    customer: {
      name: `Kund ${number}`,
      identityNumber: '19811218-9876',
      isCompany: false,
      email: 'kund@example.se',
      address: { line1: 'Lillgatan 2', postalCode: '222 33', city: 'Lund', country: 'SE' },
    },
  });

export const invoiceNumber = (n: number) => String(100_000 + n);

export async function startApi(store: 'pglite' | 'postgres', databaseUrl: string | undefined, log: (line: string) => void): Promise<ApiProcess> {
  const location = await createLocation(store, databaseUrl);
  const dataDir = mkdtempSync(join(tmpdir(), 'pm-bench-api-'));
  const port = await freePort();
  const jwtSecret = randomUUID();
  const env: Record<string, string> = {
    DATA_DIR: location.kind === 'pglite' ? location.dir : dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    JWT_SECRET: jwtSecret,
    SEED_DEMO: '0',
    AMILI_SYNC: 'off',
  };
  if (location.kind === 'postgres') env.DATABASE_URL = withSearchPath(location.url, location.schema);
  const childEnv = { ...process.env, ...env };
  if (location.kind === 'pglite') delete childEnv.DATABASE_URL;
  const child: ChildProcess = spawn(process.execPath, [...(process.env.BENCH_CHILD_NODE_OPTIONS ?? '').split(' ').filter(Boolean), join(ROOT, 'apps', 'api', 'dist', 'main.js')], {
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout!.on('data', (chunk) => output.push(String(chunk)));
  child.stderr!.on('data', (chunk) => output.push(String(chunk)));
  const url = `http://127.0.0.1:${port}`;
  let dropped = false;
  const stop = async ({ keepData = false } = {}) => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    if (keepData || dropped) return;
    dropped = true;
    rmSync(dataDir, { recursive: true, force: true });
    await dropLocation(location);
  };
  try {
    for (let i = 0; ; i++) {
      if (child.exitCode !== null) throw new Error(`the API exited: ${output.join('')}`);
      const ok = await fetch(`${url}/health`).then((r) => r.ok, () => false);
      if (ok) break;
      if (i > 600) throw new Error(`the API did not answer /health: ${output.join('')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const admin = signToken(jwtSecret, { sub: 'bench-operator', role: 'admin' }, '2h');
    const created = await fetch(`${url}/api/companies`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ organisationNumber: ORG, name: 'Bench Bygg AB', country: 'SE', address: { line1: 'Storgatan 1', postalCode: '111 22', city: 'Stockholm', country: 'SE' } }),
    });
    if (created.status !== 201) throw new Error(`company not created: ${created.status} ${await created.text()}`);
    const companyId = companyIdFor(ORG);
    const token = signToken(jwtSecret, { sub: 'bench-user', role: 'user', company: companyId }, '2h');
    const activated = await fetch(`${url}/api/activation`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ termsVersion: '2026-1', accepted: true }),
    });
    if (activated.status !== 201) throw new Error(`not activated: ${activated.status} ${await activated.text()}`);
    log(`  API (pid ${child.pid}) on ${store} at ${url}, company activated`);
    return { url, store, token, companyId, location, output, pid: child.pid!, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Creates invoices from…from+count-1 with PUT, many at once (not measured; it also warms the process up).
 * Returns the rate it reached (PUTs per second).
 */
export async function createInvoices(api: ApiProcess, count: number, log: (line: string) => void, from = 0): Promise<number> {
  let next = from;
  const started = performance.now();
  let lastAnswer = started;
  const options: autocannon.Options = {
    url: api.url,
    connections: 16,
    amount: count,
    timeout: 30,
    requests: [
      {
        method: 'PUT',
        setupRequest: (request) => {
          const number = invoiceNumber(next++);
          return { ...request, path: `/api/invoices/${number}`, headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' }, body: invoiceBody(number) };
        },
      },
    ],
  };
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(options, (error, r) => (error ? reject(error as Error) : resolve(r)));
    // autocannon notices it is done on its next one-second tick: the time is the last answer's.
    instance.on('response', () => void (lastAnswer = performance.now()));
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`creating invoices: ${result.non2xx} non-2xx answers, ${result.errors} errors (${JSON.stringify(result.statusCodeStats)})`);
  const ms = lastAnswer - started;
  log(`  ${fmt.int(count)} invoices created with PUT in ${fmt.ms(ms)} (${fmt.int(count / (ms / 1000))}/s)`);
  return count / (ms / 1000);
}
