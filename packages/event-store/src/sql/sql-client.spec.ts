import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SqlClient, createPGliteClient, createPgClient, sqlClientFromUrl } from './sql-client';
import { runTransactionStatementsTests } from '../contract/transaction-statements.contract';

describe('sqlClientFromUrl', () => {
  it('opens PGlite persisted in a directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pglite-'));
    try {
      const first = await sqlClientFromUrl(`pglite://${dir}`);
      expect(first.kind).toBe('pglite');
      await first.query('create table kept (id int8 primary key)');
      await first.query('insert into kept values ($1::int8)', ['9007199254740993']);
      await first.close();

      const second = await sqlClientFromUrl(`pglite://${dir}`);
      expect((await second.query('select id from kept')).rows).toEqual([{ id: '9007199254740993' }]);
      await second.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('picks pg for postgres URLs without connecting yet', async () => {
    const client = await sqlClientFromUrl('postgresql://nobody@127.0.0.1:1/none');
    expect(client.kind).toBe('postgres');
    await client.close();
  });

  it('rejects other schemes', async () => {
    await expect(sqlClientFromUrl('mysql://localhost/db')).rejects.toThrow('Unsupported database URL');
  });
});

describe('createPgClient', () => {
  const unreachable = 'postgresql://nobody@127.0.0.1:1/none';

  it('refuses a search_path that is not a list of identifiers', async () => {
    expect(() => createPgClient(unreachable, { searchPath: 'a -c statement_timeout=1' })).toThrow(TypeError);
    const accepted = createPgClient(unreachable, { searchPath: 'tenant_1,public' });
    expect(accepted.kind).toBe('postgres');
    await accepted.close();
  });

  it('keeps trying to LISTEN while the server is unreachable, and stops cleanly', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const client = createPgClient(unreachable);
    try {
      const stop = await client.listen('es_appended', () => undefined);
      expect(warn).toHaveBeenCalledWith('[sql] LISTEN es_appended failed, retrying:', expect.any(String));
      await stop();
    } finally {
      await client.close();
      warn.mockRestore();
    }
  });
});

describe('The embedded store in one process at a time', () => {
  it('refuses a directory another live process has open, and takes over the lock of a dead one', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { spawn } = await import('node:child_process');
    const dir = join(mkdtempSync(join(tmpdir(), 'pm-lock-')), 'pglite');
    // Another process holding the lock: a sleeping child whose PID is in the lock file.
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    writeFileSync(`${dir}.lock`, String(holder.pid));
    try {
      await expect(createPGliteClient(dir)).rejects.toMatchObject({ code: 'STORE.IN_USE', pid: holder.pid });
    } finally {
      holder.kill();
      await new Promise((resolve) => holder.once('exit', resolve));
    }
    // The holder is gone: its lock is stale and taken over; closing releases it.
    const client = await createPGliteClient(dir);
    expect((await client.query<{ one: number }>('select 1 as one')).rows[0].one).toBe(1);
    await client.close();
    const again = await createPGliteClient(dir);
    await again.close();
  }, 60_000);
});

describe('PGlite transactions', () => {
  let client: SqlClient;
  beforeAll(async () => (client = await createPGliteClient()));
  afterAll(async () => client?.close());
  runTransactionStatementsTests(() => client);
});
