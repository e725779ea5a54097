import { KurrentDbEventStore, PostgresEventStore } from '@pm/event-store';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStorage } from './open-store';

describe('openStorage', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'pm-storage-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('fails at once, saying where, when the KurrentDB server cannot be reached, and lets go of the SQL database', async () => {
    // "At once": it fails instead of retrying; a client that kept on trying would run past the test's timeout.
    await expect(openStorage({ dataDir, eventStore: 'eventstoredb', eventStoreUrl: 'kurrentdb://127.0.0.1:1?tls=false' })).rejects.toThrow(
      /^Cannot reach the event log on KurrentDB\/EventStoreDB at kurrentdb:\/\/127\.0\.0\.1:1\?tls=false: /,
    );
    // The embedded store was closed again: it opens (the lock on it is released).
    const storage = await openStorage({ dataDir });
    expect(storage.store).toBeInstanceOf(PostgresEventStore);
    expect(storage.store).not.toBeInstanceOf(KurrentDbEventStore);
    await storage.store.close();
    await storage.sql.close();
  }, 60_000);

  it('the PostgreSQL and PGlite paths never load the KurrentDB client', () => {
    const loaded = execFileSync(
      process.execPath,
      ['-e', "require('@pm/event-store'); process.stdout.write(String(Object.keys(require.cache).filter((m) => m.includes('kurrentdb-client') || m.includes('@kurrent')).length))"],
      { cwd: __dirname, encoding: 'utf8' },
    );
    expect(loaded).toBe('0');
  });
});
