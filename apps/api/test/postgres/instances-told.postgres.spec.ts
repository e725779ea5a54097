/**
 * Two API instances on one schema of the PostgreSQL server (each with its own pool, as two processes have): the
 * one that feeds the read models tells the other what changed in its read models' own COMMIT, in as many
 * notifications as a large batch needs (PostgreSQL takes at most 8000 bytes each); the other hears every change,
 * and its commands still wait for their own writes.
 */
import { testFiles } from '@pm/bank-files';
import { luhnCheckDigit } from '@pm/domain';
import { PostgresEventStore, type SqlClient, createPgClient, ensureSchema } from '@pm/event-store';
import { randomUUID } from 'node:crypto';
import { type LiveChange } from '../../src/infrastructure/projections/projection';
import { LiveUpdates } from '../../src/infrastructure/projections/live-updates';
import { PROJECTIONS_LEASE } from '../../src/infrastructure/projections/projection-runner';
import { Leases } from '../../src/infrastructure/leases/leases';
import { type Api, type StorageFactory, ORG, address, invoiceBody, startApi, until } from '../support/api-harness';

const url = process.env.DATABASE_URL;
const BANKGIRO = '5677-5612';
const INVOICES = 260;

/** An OCR number: the digits and their Luhn check digit (modulus 10). */
const withCheckDigit = (digits: string) => digits + String(luhnCheckDigit(digits));

if (!url)
  describe('Instances told by the one that feeds the read models', () => {
    it('is skipped: DATABASE_URL is not set (CI sets it)', () => {
      console.warn('DATABASE_URL not set: the suite of instances told on commit did not run');
    });
  });
else
  describe('Instances told by the one that feeds the read models', () => {
    const schema = `t_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const withSchema = `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    /** Each instance its own pool on the same schema; the schema goes with the last one. */
    const sameSchema = (last: boolean): StorageFactory => async () => {
      const sql: SqlClient = createPgClient(withSchema, { max: 10 });
      await ensureSchema(sql);
      return {
        storage: { sql, store: new PostgresEventStore(sql) },
        cleanup: async () => {
          if (!last) return;
          const admin = createPgClient(url);
          await admin.query(`DROP SCHEMA ${schema} CASCADE`);
          await admin.close();
        },
      };
    };
    let feeder: Api;
    let follower: Api;

    beforeAll(async () => {
      const admin = createPgClient(url);
      await admin.query(`CREATE SCHEMA ${schema}`);
      await admin.close();
      feeder = await startApi(sameSchema(false));
      follower = await startApi(sameSchema(true));
    });
    afterAll(async () => {
      await follower?.close();
      await feeder?.close();
    });

    it('hears every change of a batch too large for one notification, and reads its own writes', async () => {
      expect(feeder.app.get(Leases).holds(PROJECTIONS_LEASE)).toBe(true);
      expect(follower.app.get(Leases).holds(PROJECTIONS_LEASE)).toBe(false);
      const created = await feeder.call('POST', '/api/companies', {
        token: feeder.adminToken,
        body: { organisationNumber: ORG.main, name: 'Bygg AB', country: 'SE', address: address(), bankgiro: BANKGIRO },
      });
      expect(created.status).toBe(201);
      const token = feeder.userToken(ORG.main);
      expect((await feeder.call('POST', '/api/activation', { token, body: { termsVersion: '2026-1', accepted: true } })).status).toBe(201);
      const numbers = Array.from({ length: INVOICES }, (_, i) => String(30_000 + i));
      for (let i = 0; i < numbers.length; i += 20)
        await Promise.all(numbers.slice(i, i + 20).map(async (n) => expect((await feeder.call('PUT', `/api/invoices/${n}`, { token, body: invoiceBody({ ocr: withCheckDigit(n) }) })).status).toBe(201)));

      // What the follower's live clients are told; it passes on only what it heard from the feeder.
      const heard: LiveChange[] = [];
      const live = follower.app.get(LiveUpdates);
      const publish = jest.spyOn(live, 'publish').mockImplementation((changes) => void heard.push(...changes));

      // One file, one chunk: every invoice changes in one transaction, so in one batch of the read models.
      const file = testFiles.camt054(BANKGIRO, numbers.map((n) => ({ reference: `B-${n}`, amount: '1250.00', ocr: withCheckDigit(n) })));
      const report = await feeder.upload('/api/payments/imports', token, file);
      expect(report.status).toBe(201);
      expect(report.body).toMatchObject({ matched: INVOICES, unmatched: 0 });
      const invoiceKeys = () => new Set(heard.filter((c) => c.kind === 'invoice').map((c) => c.key));
      await until(async () => invoiceKeys().size === INVOICES, 15_000);
      expect([...invoiceKeys()].sort()).toEqual(numbers);
      // They came in more than one notification (about 110 changes fit in one).
      expect(publish.mock.calls.length).toBeGreaterThan(1);
      publish.mockRestore();

      // A command on the follower answers once the read models (fed by the other instance) have its events.
      const followerToken = follower.userToken(ORG.main);
      const put = await follower.call('PUT', '/api/invoices/39999', { token: followerToken, body: invoiceBody({ ocr: withCheckDigit('39999') }) });
      expect(put.status).toBe(201);
      expect((await follower.call('GET', '/api/invoices/39999', { token: followerToken })).body).toMatchObject({ invoiceNumber: '39999', status: expect.any(String) });
    });
  });
