/**
 * Configuration from the environment, with zero-install defaults: the embedded PGlite store and a JWT
 * secret generated once into the data directory (so the admin tool signs tokens the API accepts).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface AppConfig {
  port: number;
  host: string;
  dataDir: string;
  /** A PostgreSQL server; when absent the embedded PGlite store in `dataDir` is used. */
  databaseUrl?: string;
  jwtSecret: string;
  seedDemo: boolean;
  /** The partner's terms version in force; activations for other versions do not count. */
  termsVersion: string;
  /** Largest accepted request body, in bytes. */
  bodyLimit: number;
}

export const APP_CONFIG = Symbol('APP_CONFIG');

/** Reads (or on first use creates) the secret file in the data directory. */
export function jwtSecretFromDataDir(dataDir: string): string {
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' });
  return secret;
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
    jwtSecret: env.JWT_SECRET || jwtSecretFromDataDir(dataDir),
    seedDemo: env.SEED_DEMO !== '0',
    termsVersion: env.TERMS_VERSION || '2026-1',
    bodyLimit: Number(env.BODY_LIMIT_BYTES ?? 1_048_576),
  };
}
