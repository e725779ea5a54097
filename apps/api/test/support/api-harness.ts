/** Starts the real API (Fastify, real HTTP) on a given storage, with a clock the test controls. */
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type EventStore, InMemoryEventStore, type SqlClient, PostgresEventStore, createPGliteClient, createPgClient, ensureSchema } from '@pm/event-store';
import { createSandbox, type Sandbox } from '@pm/amili-sandbox';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/app';
import { type AppConfig, type PartnerConfig, parseReferenceRates } from '../../src/config/app-config';
import { FixedClock } from '../../src/infrastructure/event-sourcing/clock';
import { type Storage } from '../../src/infrastructure/database/open-store';
import { companyIdFor, signToken } from '../../src/shared/auth/tokens';

export interface Api {
  url: string;
  clock: FixedClock;
  storage: Storage;
  config: AppConfig;
  app: NestFastifyApplication;
  adminToken: string;
  userToken(organisationNumber: string, sub?: string): string;
  call(method: string, path: string, options?: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Headers }>;
  /** Uploads a file as multipart/form-data in the field `file`. */
  upload(path: string, token: string, content: string | Buffer, filename?: string, field?: string): Promise<{ status: number; body: any }>;
  eventCount(): Promise<number>;
  close(): Promise<void>;
}

export type StorageFactory = () => Promise<{ storage: Storage; cleanup: () => Promise<void> }>;

export const pgliteStorage: StorageFactory = async () => {
  const sql = await createPGliteClient();
  await ensureSchema(sql);
  return { storage: { sql, store: new PostgresEventStore(sql) }, cleanup: async () => undefined };
};

/**
 * A store seen through the event store port only, as the log on KurrentDB is: the API's SQL fast paths over
 * `es_events` (see infrastructure/database/event-log.ts) do not apply, so its port paths run, while the test
 * can still tamper with the rows in SQL.
 */
export function throughPortOnly(store: EventStore): EventStore {
  return {
    readStream: (streamId) => store.readStream(streamId),
    readStreams: (streamIds) => store.readStreams(streamIds),
    appendToStream: (streamId, events, options) => store.appendToStream(streamId, events, options),
    appendToStreams: (appends) => store.appendToStreams(appends),
    readAll: (options) => store.readAll(options),
    headPosition: () => store.headPosition(),
    subscribe: (options) => store.subscribe(options),
    onAppended: (listener) => store.onAppended(listener),
    close: () => store.close(),
  };
}

/** PGlite with its log read through the port only (see throughPortOnly). */
export const pgliteThroughPort: StorageFactory = async () => {
  const sql = await createPGliteClient();
  await ensureSchema(sql);
  return { storage: { sql, store: throughPortOnly(new PostgresEventStore(sql)) }, cleanup: async () => undefined };
};

/** The read models on PGlite and the event log apart from them (in memory), as with the log on KurrentDB. */
export const pgliteWithLogApart: StorageFactory = async () => {
  const sql = await createPGliteClient();
  return { storage: { sql, store: new InMemoryEventStore() }, cleanup: async () => undefined };
};

/** A fresh schema on the PostgreSQL server per test file, dropped afterwards; `logApart`: the event log in memory, as on KurrentDB. */
export function postgresStorage(url: string, { logApart = false }: { logApart?: boolean } = {}): StorageFactory {
  return async () => {
    const schema = `t_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const admin = createPgClient(url);
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.close();
    const withSchema = `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    const sql: SqlClient = createPgClient(withSchema, { max: 10 });
    if (!logApart) await ensureSchema(sql);
    return {
      storage: { sql, store: logApart ? new InMemoryEventStore() : new PostgresEventStore(sql) },
      cleanup: async () => {
        const dropper = createPgClient(url);
        await dropper.query(`DROP SCHEMA ${schema} CASCADE`);
        await dropper.close();
      },
    };
  };
}

export async function startApi(factory: StorageFactory, now = '2026-11-23T10:00:00.000Z', overrides: Partial<AppConfig> = {}): Promise<Api> {
  const { storage, cleanup } = await factory();
  const config: AppConfig = {
    port: 0,
    host: '127.0.0.1',
    dataDir: '/nonexistent',
    jwtSecret: 'test-secret-' + randomUUID(),
    seedDemo: false,
    termsVersion: '2026-1',
    bodyLimit: 64 * 1024,
    uploadLimit: 10 * 1_048_576,
    referenceRates: parseReferenceRates(undefined),
    ...overrides,
  };
  const clock = new FixedClock(new Date(now));
  const app = await createApp(config, { storage, clock, logger: ['error'] });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  const adminToken = signToken(config.jwtSecret, { sub: 'operator', role: 'admin' });
  return {
    url,
    clock,
    storage,
    config,
    app,
    adminToken,
    userToken: (organisationNumber, sub = 'anna') => signToken(config.jwtSecret, { sub, role: 'user', company: companyIdFor(organisationNumber) }),
    async call(method, path, options = {}) {
      const headers: Record<string, string> = { ...(options.headers ?? {}) };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      let body: string | undefined = options.raw;
      if (options.body !== undefined) body = JSON.stringify(options.body);
      if (body !== undefined) headers['content-type'] ??= 'application/json';
      const response = await fetch(url + path, { method, headers, body });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        /* not JSON: keep the text */
      }
      return { status: response.status, body: parsed, headers: response.headers };
    },
    async upload(path, token, content, filename = 'bank-file.xml', field = 'file') {
      const form = new FormData();
      form.append(field, new Blob([typeof content === 'string' ? Buffer.from(content, 'utf8') : content]), filename);
      const response = await fetch(url + path, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
    async eventCount() {
      // Counted independently of the code under test: in SQL when the log is es_events, else every event read.
      const inSql = (await storage.sql.query<{ present: boolean }>(`SELECT to_regclass('es_events') IS NOT NULL AS present`)).rows[0].present;
      if (!inSql) return (await storage.store.readAll({ limit: Number.MAX_SAFE_INTEGER })).length;
      const { rows } = await storage.sql.query<{ n: string | number }>('SELECT count(*) AS n FROM es_events');
      return Number(rows[0].n);
    },
    async close() {
      await app.close();
      await cleanup();
    },
  };
}

export const ORG = { main: '556036-0793', other: '556677-8899' };

export const address = (country = 'SE') => ({ line1: 'Storgatan 1', postalCode: '111 22', city: 'Stockholm', country });

export function invoiceBody(overrides: Record<string, unknown> = {}) {
  return {
    invoiceDate: '2026-10-01',
    dueDate: '2026-10-31',
    currency: 'SEK',
    totalOre: 125000,
    vatOre: 25000,
    ocr: '10017',
    customer: {
      name: 'Kalle Svensson',
      identityNumber: '19811218-9876',
      isCompany: false,
      email: 'kalle@example.se',
      address: { line1: 'Lillgatan 2', postalCode: '222 33', city: 'Lund', country: 'SE' },
    },
    ...overrides,
  };
}

/** Registers and (optionally) activates a company; returns its user token. */
export async function companyWithUser(api: Api, organisationNumber = ORG.main, activate = true): Promise<string> {
  const created = await api.call('POST', '/api/companies', {
    token: api.adminToken,
    body: { organisationNumber, name: 'Bygg AB', country: 'SE', address: address() },
  });
  if (created.status !== 201) throw new Error(`company not created: ${JSON.stringify(created.body)}`);
  const token = api.userToken(organisationNumber);
  if (activate) {
    const activated = await api.call('POST', '/api/activation', { token, body: { termsVersion: '2026-1', accepted: true } });
    if (activated.status !== 201) throw new Error(`not activated: ${JSON.stringify(activated.body)}`);
  }
  return token;
}

/** Polls `probe` until it returns something truthy (returned), or throws after `timeoutMs`. */
export async function until<T>(probe: () => Promise<T | null | undefined | false>, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/**
 * The API on PGlite with the partner sandbox beside it (in this process, its clock slow: the lifecycle moves only
 * when asked), polling and reconciliation effectively off so that a test decides what reaches the partner sync.
 */
export async function startApiWithSandbox(name: string, partner: Partial<PartnerConfig> = {}): Promise<{ api: Api; sandbox: Sandbox; sandboxUrl: string }> {
  const sandbox = await createSandbox({ dataDir: join(mkdtempSync(join(tmpdir(), `pm-${name}-`)), 'sandbox'), apiKey: 'sandbox-key', tickMs: 600_000 });
  const sandboxUrl = await sandbox.listen(0, '127.0.0.1');
  const api = await startApi(pgliteStorage, '2026-11-23T10:00:00.000Z', {
    partner: { url: sandboxUrl, apiKey: 'sandbox-key', portalUrl: `${sandboxUrl}/portal`, webhookSecret: 'secret', pollIntervalMs: 600_000, reconcileIntervalMs: 600_000, ...partner },
  });
  return { api, sandbox, sandboxUrl };
}
