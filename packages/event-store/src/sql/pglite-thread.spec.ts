import { spawnSync } from 'node:child_process';
import { createPGliteClient } from './sql-client';
import { PGliteThread } from './pglite-thread';

/**
 * Runs `code` in a fresh Node process that can require this package's TypeScript sources (compiled by swc, as
 * jest does), so the test needs no build.
 */
function runNode(code: string): { status: number | null; stdout: string; stderr: string } {
  const hook = `const swc = require('@swc/core');
    require.extensions['.ts'] = (module, filename) =>
      module._compile(swc.transformFileSync(filename, { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }).code, filename);`;
  const result = spawnSync(process.execPath, ['-e', `${hook}\n${code}`], { cwd: __dirname, encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('PGlite on its own thread', () => {
  it("keeps PostgreSQL's error fields (code, constraint, detail) across the threads, with this thread's stack", async () => {
    const client = await createPGliteClient();
    try {
      await client.query('create table kept (id int primary key)');
      await client.query('insert into kept values (1)');
      const error = await client.query('insert into kept values (1)').catch((e: unknown) => e);
      expect(error).toMatchObject({ code: '23505', constraint: 'kept_pkey', detail: 'Key (id)=(1) already exists.', message: expect.stringContaining('duplicate key') });
      expect((error as Error).stack).toContain('pglite-thread');
      // The connection is fine afterwards, in and out of transactions.
      await expect(client.transaction((tx) => tx.query('insert into kept values (2)'))).resolves.toBeDefined();
      expect((await client.query('select count(*)::int as n from kept')).rows).toEqual([{ n: 2 }]);
    } finally {
      await client.close();
    }
  }, 60_000);

  it('runs the statements of a transaction sent before BEGIN answered, in order, and rolls back on a failed one', async () => {
    const client = await createPGliteClient();
    try {
      await client.query('create table steps (n int primary key)');
      const failed = client.transaction(async (tx) => {
        // Both sent at once, without waiting: they queue behind BEGIN on the database's thread.
        await Promise.all([tx.query('insert into steps values (1)'), tx.query('insert into steps values (2)')]);
        await tx.query('insert into steps values (1)');
      });
      await expect(failed).rejects.toMatchObject({ code: '23505' });
      expect((await client.query('select n from steps')).rows).toEqual([]);
    } finally {
      await client.close();
    }
  }, 60_000);

  it('fails what is in flight and what comes after with STORE.STOPPED when its thread dies', async () => {
    const said = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const onStopped = jest.fn();
      const thread = await PGliteThread.open(undefined, onStopped);
      const inFlight = thread.request({ op: 'query', text: 'select pg_sleep(2)' });
      await (thread as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
      await expect(inFlight).rejects.toMatchObject({ code: 'STORE.STOPPED' });
      await expect(thread.request({ op: 'query', text: 'select 1' })).rejects.toMatchObject({ code: 'STORE.STOPPED' });
      expect(onStopped).toHaveBeenCalledTimes(1);
      expect(onStopped).toHaveBeenCalledWith(expect.objectContaining({ code: 'STORE.STOPPED' }));
      expect(said).toHaveBeenCalledTimes(1);
      expect(said).toHaveBeenCalledWith(expect.stringContaining('the embedded store stopped'));
    } finally {
      said.mockRestore();
    }
  }, 60_000);

  it('refuses a parameter that cannot reach the other thread, and goes on', async () => {
    const client = await createPGliteClient();
    try {
      await expect(client.query('select $1::text as v', [() => 'not data'])).rejects.toThrow();
      expect((await client.query('select $1::text as v', ['data'])).rows).toEqual([{ v: 'data' }]);
    } finally {
      await client.close();
    }
  }, 60_000);

  it('stops a LISTEN quietly after the database was closed', async () => {
    const client = await createPGliteClient();
    const stop = await client.listen('pm_probe', () => undefined);
    await client.close();
    await expect(stop()).resolves.toBeUndefined();
  }, 60_000);

  it('does not call onStopped, nor say anything, when it is closed', async () => {
    const said = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const onStopped = jest.fn();
    try {
      const client = await createPGliteClient(undefined, { onStopped });
      await client.query('select 1');
      await client.close();
      await expect(client.query('select 1')).rejects.toMatchObject({ code: 'STORE.STOPPED' });
      expect(onStopped).not.toHaveBeenCalled();
      expect(said).not.toHaveBeenCalled();
    } finally {
      said.mockRestore();
    }
  }, 60_000);

  it('keeps the process alive while a statement runs, and not once it is idle (as a socket would)', () => {
    // No close(): the process must still end by itself once nothing is in flight, after printing the answer.
    const { status, stdout, stderr } = runNode(`
      const { createPGliteClient } = require('./sql-client.ts');
      createPGliteClient().then(async (client) => {
        const { rows } = await client.query('select pg_sleep(0.3), 42 as answer');
        console.log('answer', rows[0].answer);
        // Nor does a statement that could not be sent (its parameter cannot be copied to the other thread).
        await client.query('select $1::text', [() => 'not data']).catch(() => undefined);
      });
    `);
    expect(stderr).toBe('');
    expect({ status, stdout: stdout.trim() }).toEqual({ status: 0, stdout: 'answer 42' });
  }, 60_000);

  describe('prepared statements (prepare: true)', () => {
    const prepare = { prepare: true };

    it('answers exactly what the unprepared statement answers, for every kind of value, parameter and result', async () => {
      const client = await createPGliteClient();
      try {
        await client.query('create table kinds (id bigserial primary key, small int, amount numeric, doc jsonb, at timestamptz, tags text[], note text)');
        const insert = `insert into kinds (small, amount, doc, at, tags, note) values ($1, $2::numeric, $3::jsonb, $4::timestamptz, $5::text[], $6)
                        returning id, small, amount, doc, at, tags, note`;
        const params = [7, '12.50', JSON.stringify({ a: [1, 'två'], b: null }), '2026-12-04T10:00:00.000Z', ['x', 'y,z', 'å'], null];
        const plain = await client.query(insert, params);
        const twice = [await client.query(insert, params, prepare), await client.query(insert, params, prepare)];
        for (const result of twice) {
          expect(result.rowCount).toBe(1);
          expect({ ...result.rows[0], id: undefined }).toEqual({ ...plain.rows[0], id: undefined });
        }
        expect(plain.rows[0]).toMatchObject({ id: '1', small: 7, amount: '12.50', doc: { a: [1, 'två'], b: null }, at: new Date('2026-12-04T10:00:00.000Z'), tags: ['x', 'y,z', 'å'], note: null });
        expect(twice.map((r) => r.rows[0].id)).toEqual(['2', '3']);
        // A statement without rows: its count of rows touched.
        const update = 'update kinds set note = $1 where small = $2';
        expect((await client.query(update, ['n', 7], prepare)).rowCount).toBe(3);
        expect((await client.query(update, ['n', 8], prepare)).rowCount).toBe(0);
        // Prepared once, however often it ran (as on a server: pg_prepared_statements lists the connection's statements).
        const listed = await client.query<{ n: number }>('select count(*)::int as n from pg_prepared_statements where statement = $1', [insert]);
        expect(listed.rows).toEqual([{ n: 1 }]);
      } finally {
        await client.close();
      }
    }, 60_000);

    it("keeps PostgreSQL's errors and stays usable after one, in and out of transactions", async () => {
      const client = await createPGliteClient();
      try {
        await client.query('create table once (id int primary key)');
        const insert = 'insert into once values ($1) returning id';
        await client.query(insert, [1], prepare);
        const error = await client.query(insert, [1], prepare).catch((e: unknown) => e);
        expect(error).toMatchObject({ code: '23505', constraint: 'once_pkey', detail: 'Key (id)=(1) already exists.' });
        expect((await client.query(insert, [2], prepare)).rows).toEqual([{ id: 2 }]);
        // A statement that cannot be prepared fails as it would unprepared, and leaves nothing behind.
        await expect(client.query('select nope from once', [], prepare)).rejects.toMatchObject({ code: '42703' });
        // In a transaction: it sees the transaction's own writes, fails it like any statement, and is rolled back with it.
        const failed = client.transaction(async (tx) => {
          await tx.query(insert, [3], prepare);
          expect((await tx.query<{ n: number }>('select count(*)::int as n from once where id = $1', [3], prepare)).rows).toEqual([{ n: 1 }]);
          await tx.query(insert, [1], prepare);
        });
        await expect(failed).rejects.toMatchObject({ code: '23505' });
        await client.transaction((tx) => tx.query(insert, [4], prepare));
        expect((await client.query<{ id: number }>('select id from once order by id')).rows.map((r) => r.id)).toEqual([1, 2, 4]);
      } finally {
        await client.close();
      }
    }, 60_000);

    it('waits for a transaction in progress, as any statement on the one connection does', async () => {
      const client = await createPGliteClient();
      try {
        await client.query('create table turns (n int)');
        let outside: Promise<unknown> | undefined;
        await client.transaction(async (tx) => {
          await tx.query('insert into turns values (1)');
          // Sent while the transaction is open: it must neither see its rows nor become part of it.
          outside = client.query('select count(*)::int as n from turns', [], prepare);
          await new Promise((resolve) => setTimeout(resolve, 50));
          await tx.query('insert into turns values (2)');
        });
        expect(await outside).toMatchObject({ rows: [{ n: 2 }] });
      } finally {
        await client.close();
      }
    }, 60_000);

    it('is planned again when its table is replaced, and refuses a result whose shape changed (as a server does)', async () => {
      const client = await createPGliteClient();
      try {
        await client.query('create table swapped (n int)');
        await client.query('insert into swapped values (1)');
        const select = 'select n from swapped';
        expect((await client.query(select, [], prepare)).rows).toEqual([{ n: 1 }]);
        for (const statement of ['drop table swapped', 'create table swapped (n int)', 'insert into swapped values (2)']) await client.query(statement);
        expect((await client.query(select, [], prepare)).rows).toEqual([{ n: 2 }]);
        for (const statement of ['drop table swapped', 'create table swapped (n text)', "insert into swapped values ('drei')"]) await client.query(statement);
        await expect(client.query(select, [], prepare)).rejects.toMatchObject({ code: '0A000', message: expect.stringContaining('must not change result type') });
      } finally {
        await client.close();
      }
    }, 60_000);
  });
});
