import { createPGliteClient, type SqlClient } from '@pm/event-store';
import { type Write, oneStatement, write } from './projection';

describe("The read models' writes of a batch as one statement", () => {
  it('gives one write back as it is, and renumbers the parameters of several in order', () => {
    expect(oneStatement([{ text: 'INSERT INTO a SELECT $1::int', params: [1] }])).toEqual({ text: 'INSERT INTO a SELECT $1::int', params: [1] });
    const { text, params } = oneStatement([
      { text: 'INSERT INTO a VALUES ($1, $2)', params: ['x', 'y'] },
      { text: 'UPDATE b SET v = $2 WHERE k = $1', params: ['k', 2] },
      { text: 'DELETE FROM c WHERE k = $1', params: ['z'] },
    ]);
    expect(text).toBe('WITH w0 AS (INSERT INTO a VALUES ($1, $2)),\nw1 AS (UPDATE b SET v = $4 WHERE k = $3),\nw2 AS (DELETE FROM c WHERE k = $5)\nSELECT 1');
    expect(params).toEqual(['x', 'y', 'k', 2, 'z']);
  });

  describe('on a database', () => {
    let sql: SqlClient;
    beforeAll(async () => {
      sql = await createPGliteClient();
      await sql.query('CREATE TABLE wa (k text PRIMARY KEY, v int)');
      await sql.query('CREATE TABLE wb (k text PRIMARY KEY, v int)');
      await sql.query("INSERT INTO wb VALUES ('kept', 1)");
    });
    afterAll(async () => sql?.close());

    it('runs every write exactly once, and none when one fails', async () => {
      const writes: Write[] = [];
      const context = { recall: () => undefined, deferWrite: (text: string, params: readonly unknown[]) => void writes.push({ text, params }) };
      const upsert = 'INSERT INTO wa SELECT r.k, r.v FROM jsonb_to_recordset($1::jsonb) AS r(k text, v int) ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v';
      await write(sql, context, upsert, [JSON.stringify([{ k: 'a', v: 1 }, { k: 'b', v: 2 }])]);
      await write(sql, context, 'UPDATE wb SET v = v + $1 WHERE k = $2', [10, 'kept']);
      expect((await sql.query('SELECT count(*)::int AS n FROM wa')).rows).toEqual([{ n: 0 }]); // kept, not run yet
      const together = oneStatement(writes);
      await sql.query(together.text, together.params);
      expect((await sql.query('SELECT k, v FROM wa ORDER BY k')).rows).toEqual([{ k: 'a', v: 1 }, { k: 'b', v: 2 }]);
      expect((await sql.query('SELECT v FROM wb')).rows).toEqual([{ v: 11 }]);

      const failing = oneStatement([
        { text: 'UPDATE wb SET v = v + $1', params: [100] },
        { text: 'INSERT INTO wa VALUES ($1, $2)', params: ['a', 3] }, // the key is taken
      ]);
      await expect(sql.query(failing.text, failing.params)).rejects.toMatchObject({ code: '23505' });
      expect((await sql.query('SELECT v FROM wb')).rows).toEqual([{ v: 11 }]);
    });

    it('runs at once without the live feed (a rebuild)', async () => {
      await write(sql, undefined, 'INSERT INTO wa VALUES ($1, $2)', ['c', 3]);
      expect((await sql.query("SELECT v FROM wa WHERE k = 'c'")).rows).toEqual([{ v: 3 }]);
    });
  });
});
