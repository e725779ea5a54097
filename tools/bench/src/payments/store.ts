import { type SqlClient, createPGliteClient, createPgClient } from '@pm/event-store';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where a benchmark's data lives: a fresh PGlite directory, or a fresh schema on the PostgreSQL server. */
export type StoreLocation = { kind: 'pglite'; dir: string } | { kind: 'postgres'; url: string; schema: string };

export async function createLocation(kind: 'pglite' | 'postgres', databaseUrl?: string): Promise<StoreLocation> {
  if (kind === 'pglite') return { kind, dir: mkdtempSync(join(tmpdir(), 'pm-bench-')) };
  const schema = `bench_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  const admin = createPgClient(databaseUrl!);
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.close();
  return { kind, url: databaseUrl!, schema };
}

export async function connect(location: StoreLocation): Promise<SqlClient> {
  return location.kind === 'pglite' ? createPGliteClient(join(location.dir, 'pglite')) : createPgClient(location.url, { searchPath: location.schema, max: 10 });
}

export async function dropLocation(location: StoreLocation): Promise<void> {
  if (location.kind === 'pglite') return rmSync(location.dir, { recursive: true, force: true });
  const admin = createPgClient(location.url);
  await admin.query(`DROP SCHEMA ${location.schema} CASCADE`);
  await admin.close();
}
