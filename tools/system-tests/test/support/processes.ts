/**
 * Starts the real API and partner-sandbox programs (their built `dist/main.js`) as separate processes,
 * as `pnpm start` does, each in a temporary data directory, and talks to them over HTTP.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { companyIdFor, signToken } from '@pm/api';
import { Client } from 'pg';

const ROOT = resolve(__dirname, '..', '..', '..', '..');

/** Runs one statement as the server's admin connection (schema creation and removal). */
async function adminQuery(url: string, statement: string): Promise<void> {
  const admin = new Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(statement);
  } finally {
    await admin.end();
  }
}

/**
 * A schema of its own on the PostgreSQL server at `url`, so suites on one server never meet: `databaseUrl`
 * puts every connection of the API into it; `drop()` removes it with everything in it.
 */
export interface FreshSchema {
  schema: string;
  databaseUrl: string;
  drop(): Promise<void>;
}

export async function freshSchema(url: string, prefix: string): Promise<FreshSchema> {
  const schema = `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  await adminQuery(url, `CREATE SCHEMA ${schema}`);
  return {
    schema,
    databaseUrl: `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    drop: () => adminQuery(url, `DROP SCHEMA IF EXISTS ${schema} CASCADE`),
  };
}

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
    server.on('error', fail);
  });
}

export async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value as T;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}${last ? `: ${String(last)}` : ''}${recentOutput()}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The programs running now, so that a test that times out shows what they last said. */
const running = new Set<Program>();

function recentOutput(lines = Number(process.env.SYSTEM_TESTS_OUTPUT_LINES ?? 40)): string {
  return [...running].map((program) => `\n--- last lines of ${program.name} ---\n${program.output.join('').split('\n').slice(-lines).join('\n')}`).join('');
}

export class Program {
  readonly output: string[] = [];
  private child?: ChildProcess;

  constructor(
    readonly name: string,
    private readonly script: string,
    private readonly env: Record<string, string>,
    readonly url: string,
  ) {}

  async start(): Promise<this> {
    const child = spawn(process.execPath, [join(ROOT, this.script)], { env: { ...process.env, ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (chunk) => this.output.push(String(chunk)));
    child.stderr!.on('data', (chunk) => this.output.push(String(chunk)));
    this.child = child;
    running.add(this);
    child.once('exit', () => running.delete(this));
    await until(`${this.name} to answer /health`, async () => {
      if (child.exitCode !== null) throw new Error(`${this.name} exited: ${this.output.join('')}`);
      return (await fetch(`${this.url}/health`)).ok;
    }, 60_000);
    return this;
  }

  /** kill -9: no shutdown hook runs. */
  async crash(): Promise<void> {
    await this.signal('SIGKILL');
  }

  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
  }
}

export interface System {
  dataDir: string;
  /** The bank inbox folder, when the system was started with one. */
  inbox?: string;
  sandbox: Program;
  api: Program;
  sandboxKey: string;
  jwtSecret: string;
  adminToken: string;
  userToken(organisationNumber: string): string;
  /** Calls the API as the given token. */
  call(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** Calls the sandbox with its API key. */
  partner(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** Starts the API again on the same port and data (stop or crash it first); `env` changes its environment from now on. */
  restartApi(env?: Record<string, string>): Promise<void>;
  /** Starts the partner sandbox again on the same port and data (stop or crash it first). */
  restartSandbox(): Promise<void>;
  /** Starts one more API instance with the same settings (and `env`) on a port of its own: for several instances on one PostgreSQL server. */
  startAnotherApi(env?: Record<string, string>): Promise<Program>;
  stop(): Promise<void>;
}

async function json(response: Response) {
  const text = await response.text();
  try {
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  } catch {
    return { status: response.status, body: text };
  }
}

const SANDBOX_SCRIPT = 'tools/amili-sandbox/dist/main.js';

export async function startSystem(options: { databaseUrl?: string; apiEnv?: Record<string, string>; sandboxEnv?: Record<string, string>; inbox?: boolean } = {}): Promise<System> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pm-system-'));
  const [apiPort, sandboxPort] = [await freePort(), await freePort()];
  const jwtSecret = randomUUID();
  const webhookSecret = randomUUID();
  const sandboxEnv: Record<string, string> = {
    DATA_DIR: dataDir,
    SANDBOX_PORT: String(sandboxPort),
    SANDBOX_TICK_MS: '200',
    SANDBOX_WEBHOOK_URL: `http://127.0.0.1:${apiPort}/api/partner/notifications`,
    SANDBOX_WEBHOOK_SECRET: webhookSecret,
    // Every save checked against a plain JSON.stringify: a record changed without a new version fails loudly.
    SANDBOX_VERIFY_SAVES: '1',
    ...options.sandboxEnv,
  };
  let sandbox = await new Program('sandbox', SANDBOX_SCRIPT, sandboxEnv, `http://127.0.0.1:${sandboxPort}`).start();
  const sandboxKey = readFileSync(join(dataDir, 'amili-sandbox', 'api-key'), 'utf8').trim();
  let apiEnv: Record<string, string> = {
    DATA_DIR: dataDir,
    PORT: String(apiPort),
    JWT_SECRET: jwtSecret,
    SEED_DEMO: '0',
    AMILI_URL: sandbox.url,
    AMILI_WEBHOOK_SECRET: webhookSecret,
    AMILI_POLL_INTERVAL_MS: '300',
    AMILI_RECONCILE_INTERVAL_MS: '2000',
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    ...(options.inbox ? { BANK_INBOX_DIR: join(dataDir, 'bank-inbox') } : {}),
    ...options.apiEnv,
  };
  let api = await new Program('api', 'apps/api/dist/main.js', apiEnv, `http://127.0.0.1:${apiPort}`).start();
  return {
    dataDir,
    ...(options.inbox ? { inbox: join(dataDir, 'bank-inbox') } : {}),
    get sandbox() {
      return sandbox;
    },
    get api() {
      return api;
    },
    sandboxKey,
    jwtSecret,
    adminToken: signToken(jwtSecret, { sub: 'operator', role: 'admin' }),
    userToken: (organisationNumber) => signToken(jwtSecret, { sub: 'anna', role: 'user', company: companyIdFor(organisationNumber) }),
    async call(method, path, token, body) {
      const headers: Record<string, string> = { authorization: `Bearer ${token}` };
      if (body !== undefined) headers['content-type'] = 'application/json';
      return json(await fetch(api.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }));
    },
    async partner(method, path, body) {
      const headers: Record<string, string> = { 'x-api-key': sandboxKey };
      if (body !== undefined) headers['content-type'] = 'application/json';
      return json(await fetch(sandbox.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }));
    },
    async restartApi(env) {
      apiEnv = { ...apiEnv, ...env };
      api = await new Program('api', 'apps/api/dist/main.js', apiEnv, api.url).start();
    },
    async restartSandbox() {
      sandbox = await new Program('sandbox', SANDBOX_SCRIPT, sandboxEnv, sandbox.url).start();
    },
    async startAnotherApi(env) {
      const port = await freePort();
      return new Program(`api-${port}`, 'apps/api/dist/main.js', { ...apiEnv, ...env, PORT: String(port) }, `http://127.0.0.1:${port}`).start();
    },
    async stop() {
      await api.stop();
      await sandbox.stop();
    },
  };
}

export function invoice(number: string, overrides: Record<string, unknown> = {}) {
  return {
    invoiceDate: '2026-09-01',
    dueDate: '2026-10-01',
    currency: 'SEK',
    totalOre: 125000,
    vatOre: 25000,
    customer: {
      name: `Kund ${number}`,
      identityNumber: '19811218-9876',
      isCompany: false,
      email: 'kund@example.se',
      address: { line1: 'Lillgatan 2', postalCode: '222 33', city: 'Lund', country: 'SE' },
    },
    ...overrides,
  };
}

/**
 * Registers the company (as the operator), with the bankgiro its incoming payments arrive on when given, and
 * activates the service (as its user); returns the user's token.
 */
export async function activatedCompany(system: System, organisationNumber: string, options: { bankgiro?: string } = {}): Promise<string> {
  const created = await system.call('POST', '/api/companies', system.adminToken, {
    organisationNumber,
    name: 'Bygg AB',
    country: 'SE',
    ...(options.bankgiro ? { bankgiro: options.bankgiro } : {}),
    address: { line1: 'Storgatan 1', postalCode: '111 22', city: 'Stockholm', country: 'SE' },
  });
  if (created.status !== 201) throw new Error(`company not created: ${JSON.stringify(created.body)}`);
  const token = system.userToken(organisationNumber);
  const activated = await system.call('POST', '/api/activation', token, { termsVersion: '2026-1', accepted: true });
  if (activated.status !== 201) throw new Error(`not activated: ${JSON.stringify(activated.body)}`);
  return token;
}
