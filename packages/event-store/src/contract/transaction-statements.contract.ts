import { type SqlClient, sqlLiteral } from '../sql/sql-client';

/**
 * `transaction`'s statements sent with BEGIN (`opening`) and with COMMIT (`beforeCommit`), on a client whose
 * database has no table `tx_statements` yet (each run creates and drops its own).
 */
export function runTransactionStatementsTests(client: () => SqlClient): void {
  describe('statements sent with BEGIN and with COMMIT', () => {
    beforeAll(async () => {
      await client().query('CREATE TABLE tx_statements (name text PRIMARY KEY, n integer NOT NULL)');
      await client().query("INSERT INTO tx_statements VALUES ('a', 1), ('b', 2)");
    });
    afterAll(async () => client().query('DROP TABLE IF EXISTS tx_statements'));
    const rows = async () => (await client().query<{ name: string; n: number }>('SELECT name, n FROM tx_statements ORDER BY name')).rows;

    it("hands the opening statement's rows to the transaction and runs the closing ones, in order, before its COMMIT", async () => {
      const seen = await client().transaction(
        async (tx) => {
          await tx.query('UPDATE tx_statements SET n = n + 10');
          tx.beforeCommit("UPDATE tx_statements SET n = n * 2 WHERE name = 'a'");
          tx.beforeCommit(`INSERT INTO tx_statements VALUES (${sqlLiteral("o'clock")}, 3)`);
          return tx.opened;
        },
        { asyncCommit: true, opening: 'SELECT name, n FROM tx_statements ORDER BY name FOR UPDATE' },
      );
      expect(seen).toEqual([
        { name: 'a', n: 1 },
        { name: 'b', n: 2 },
      ]);
      expect(await rows()).toEqual([
        { name: 'a', n: 22 },
        { name: 'b', n: 12 },
        { name: "o'clock", n: 3 },
      ]);
    });

    it('commits nothing when a closing statement fails, and the client goes on working', async () => {
      const before = await rows();
      await expect(
        client().transaction(async (tx) => {
          await tx.query("UPDATE tx_statements SET n = 0 WHERE name = 'a'");
          tx.beforeCommit("INSERT INTO tx_statements VALUES ('b', 99)"); // the key is taken
          expect(tx.opened).toEqual([]);
        }),
      ).rejects.toThrow(/duplicate key/);
      expect(await rows()).toEqual(before);
      expect(await client().transaction(async (tx) => (await tx.query<{ one: number }>('SELECT 1 AS one')).rows)).toEqual([{ one: 1 }]);
    });
  });
}
