/**
 * Configuration from the environment, with zero-install defaults: the embedded PGlite store and a JWT
 * secret generated once into the data directory (so the admin tool signs tokens the API accepts).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_REFERENCE_RATES, type ReferenceRateTable } from '@pm/domain';

export interface AppConfig {
  port: number;
  host: string;
  dataDir: string;
  /** A PostgreSQL server; when absent the embedded PGlite store in `dataDir` is used. */
  databaseUrl?: string;
  /**
   * Where the event log lives (`EVENT_STORE`): `postgres` (the default) keeps it in the SQL database above
   * (the PostgreSQL server, or the embedded store); `eventstoredb` keeps it on a KurrentDB/EventStoreDB
   * server at `eventStoreUrl`, while the read models, checkpoints and outbox stay in the SQL database.
   */
  eventStore?: 'postgres' | 'eventstoredb';
  /** The KurrentDB/EventStoreDB connection string (`EVENTSTORE_URL`), with `eventStore: 'eventstoredb'`. */
  eventStoreUrl?: string;
  jwtSecret: string;
  seedDemo: boolean;
  /** The partner's terms version in force; activations for other versions do not count. */
  termsVersion: string;
  /** Largest accepted request body, in bytes. */
  bodyLimit: number;
  /** Largest accepted bank file upload, in bytes. */
  uploadLimit: number;
  /** Riksbanken's reference rate per half-year (dated configuration), for the expected claim. */
  referenceRates: ReferenceRateTable;
  /** The bank connection: a folder where bank files arrive (camt.054 or BgMax); none when unset. */
  bankInbox?: { dir: string; intervalMs: number };
  /** The built web app (apps/web/dist) to serve at `/`; none when it is not built (development uses Vite). */
  webDir?: string;
  /** The collection partner; `undefined` turns the partner sync off (tests without a partner). */
  partner?: PartnerConfig;
  /** This instance's name in the leases (`INSTANCE_ID`; default host:pid:random). */
  instanceId?: string;
  /** How long a lease on leased work lasts without renewal (`LEASE_TTL_MS`, default 5000): the takeover time. */
  leaseTtlMs?: number;
}

export interface PartnerConfig {
  url: string;
  apiKey: string;
  portalUrl: string;
  /** Shared secret of the signed push notifications. */
  webhookSecret: string;
  pollIntervalMs: number;
  reconcileIntervalMs: number;
  /** How many partner calls of different invoices the outbox makes at once (AMILI_CONCURRENCY). */
  concurrency?: number;
}

export const DEFAULT_PARTNER_CONCURRENCY = 4;

/** Where the sandbox keeps its generated API key when it runs with the same DATA_DIR (see tools/amili-sandbox). */
export function sandboxApiKeyFile(dataDir: string): string {
  return join(dataDir, 'amili-sandbox', 'api-key');
}

/** Reads a secret file, or creates it with a random value when `create` is true. */
function secretFile(file: string, create: boolean): string | undefined {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  if (!create) return undefined;
  mkdirSync(join(file, '..'), { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  try {
    writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process (the sandbox, started beside us) created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readFileSync(file, 'utf8').trim();
}

export function loadPartnerConfig(env: NodeJS.ProcessEnv, dataDir: string): PartnerConfig | undefined {
  if (env.AMILI_SYNC === 'off') return undefined;
  const url = (env.AMILI_URL || `http://127.0.0.1:${env.SANDBOX_PORT || 4010}`).replace(/\/$/, '');
  // The embedded default: the local sandbox generates its key into the shared data directory.
  const apiKey = env.AMILI_API_KEY || secretFile(sandboxApiKeyFile(dataDir), true)!;
  return {
    url,
    apiKey,
    portalUrl: (env.AMILI_PORTAL_URL || `${url}/portal`).replace(/\/$/, ''),
    webhookSecret: env.AMILI_WEBHOOK_SECRET || secretFile(join(dataDir, 'amili-webhook-secret'), true)!,
    pollIntervalMs: Number(env.AMILI_POLL_INTERVAL_MS ?? 3000),
    reconcileIntervalMs: Number(env.AMILI_RECONCILE_INTERVAL_MS ?? 60_000),
    concurrency: concurrencyOf(env.AMILI_CONCURRENCY),
  };
}

function concurrencyOf(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_PARTNER_CONCURRENCY;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new Error(`AMILI_CONCURRENCY must be a whole number from 1 to 64, got "${value}"`);
  return n;
}

export const APP_CONFIG = Symbol('APP_CONFIG');

/** Reads (or on first use creates) the secret file in the data directory. */
export function jwtSecretFromDataDir(dataDir: string): string {
  return secretFile(join(dataDir, 'jwt-secret'), true)!;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): AppConfig {
  const dataDir = resolve(cwd, env.DATA_DIR || '.data');
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got "${env.PORT}"`);
  return {
    port,
    host: env.HOST || '127.0.0.1',
    dataDir,
    databaseUrl: env.DATABASE_URL || undefined,
    ...eventStoreOf(env),
    jwtSecret: env.JWT_SECRET || jwtSecretFromDataDir(dataDir),
    seedDemo: env.SEED_DEMO !== '0',
    termsVersion: env.TERMS_VERSION || '2026-1',
    bodyLimit: Number(env.BODY_LIMIT_BYTES ?? 1_048_576),
    uploadLimit: Number(env.UPLOAD_LIMIT_BYTES ?? 200 * 1_048_576),
    referenceRates: parseReferenceRates(env.REFERENCE_RATES),
    partner: loadPartnerConfig(env, dataDir),
    ...(env.INSTANCE_ID ? { instanceId: env.INSTANCE_ID } : {}),
    leaseTtlMs: leaseTtlOf(env.LEASE_TTL_MS),
    ...webDirOf(env, cwd),
    ...(env.BANK_INBOX_DIR
      ? { bankInbox: { dir: resolve(cwd, env.BANK_INBOX_DIR), intervalMs: Number(env.BANK_INBOX_INTERVAL_MS ?? 2000) } }
      : {}),
  };
}

function leaseTtlOf(value: string | undefined): number {
  const ttl = Number(value ?? 5000);
  if (!Number.isInteger(ttl) || ttl < 300 || ttl > 600_000) throw new Error(`LEASE_TTL_MS must be whole milliseconds from 300 to 600000, got "${value}"`);
  return ttl;
}

/** The connection string schemes @kurrent/kurrentdb-client accepts (`+discover`: find the cluster's nodes by gossip). */
const EVENTSTORE_URL = /^(kurrentdb|kurrent|kdb|esdb)(\+discover)?:\/\/\S+$/i;

/** EVENT_STORE and EVENTSTORE_URL: a clear error at start-up rather than a store that cannot be reached later. */
export function eventStoreOf(env: NodeJS.ProcessEnv): Pick<AppConfig, 'eventStore' | 'eventStoreUrl'> {
  const kind = (env.EVENT_STORE ?? '').trim() || 'postgres';
  if (kind === 'postgres') return { eventStore: 'postgres' };
  if (kind !== 'eventstoredb') throw new Error(`EVENT_STORE must be "postgres" (the default) or "eventstoredb", got "${env.EVENT_STORE}"`);
  const url = (env.EVENTSTORE_URL ?? '').trim();
  if (!url) throw new Error('EVENT_STORE=eventstoredb needs EVENTSTORE_URL, the KurrentDB/EventStoreDB connection string (e.g. kurrentdb://127.0.0.1:2113?tls=false)');
  if (!EVENTSTORE_URL.test(url)) {
    throw new Error(`EVENTSTORE_URL must be a KurrentDB/EventStoreDB connection string (kurrentdb://host:2113?…, kurrentdb+discover://…, or esdb://…), got "${url.replace(/\/\/[^@/]*@/, '//***@')}"`);
  }
  return { eventStore: 'eventstoredb', eventStoreUrl: url };
}

/** WEB_DIR, else the web app built beside the API in this repository, when it is there. */
function webDirOf(env: NodeJS.ProcessEnv, cwd: string): { webDir?: string } {
  const dir = env.WEB_DIR ? resolve(cwd, env.WEB_DIR) : join(__dirname, '..', '..', '..', 'web', 'dist');
  return existsSync(join(dir, 'index.html')) ? { webDir: dir } : {};
}

/**
 * `REFERENCE_RATES=2024-07-01=4,2025-01-01=2.5` adds (or corrects) half-years on top of the built-in
 * table. Percentages are read as text into basis points: no floating point touches a rate.
 */
export function parseReferenceRates(value: string | undefined): ReferenceRateTable {
  const table = new Map(DEFAULT_REFERENCE_RATES.map((entry) => [entry.from, entry.rateBasisPoints]));
  for (const item of (value ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const match = /^(\d{4}-(?:01|07)-01)=(-?\d{1,2})(?:\.(\d{1,2}))?$/.exec(item);
    if (!match) throw new Error(`REFERENCE_RATES: "${item}" is not YYYY-01-01=percent or YYYY-07-01=percent`);
    const [, from, whole, fraction = ''] = match;
    const sign = whole.startsWith('-') ? -1 : 1;
    table.set(from, sign * (Math.abs(Number(whole)) * 100 + Number(fraction.padEnd(2, '0'))));
  }
  return [...table].sort(([a], [b]) => a.localeCompare(b)).map(([from, rateBasisPoints]) => ({ from, rateBasisPoints }));
}
