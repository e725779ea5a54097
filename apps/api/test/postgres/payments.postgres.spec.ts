/**
 * Bank file imports under concurrency, against the real PostgreSQL server: the same file uploaded many
 * times at once books every payment once, and an import racing people who register payments by hand
 * never lets an invoice be paid beyond what it owes.
 */
import { testFiles } from '@pm/bank-files';
import { type Api, ORG, address, invoiceBody, postgresStorage, startApi } from '../support/api-harness';

const url = process.env.DATABASE_URL;
const BANKGIRO = '5677-5612';

if (!url)
  describe('Bank file imports on the PostgreSQL server', () => {
    it('is skipped: DATABASE_URL is not set (CI sets it)', () => {
      console.warn('DATABASE_URL not set: the PostgreSQL payments suite did not run');
    });
  });
else
  describe('Bank file imports on the PostgreSQL server', () => {
    let api: Api;
    let token: string;
    const count = async (sql: string, params: unknown[] = []) => Number((await api.storage.sql.query<{ n: string }>(sql, params)).rows[0].n);

    beforeAll(async () => {
      api = await startApi(postgresStorage(url));
      const created = await api.call('POST', '/api/companies', {
        token: api.adminToken,
        body: { organisationNumber: ORG.main, name: 'Bygg AB', country: 'SE', address: address(), bankgiro: BANKGIRO },
      });
      expect(created.status).toBe(201);
      token = api.userToken(ORG.main);
    });
    afterAll(async () => api?.close());

    const invoices = (prefix: string, n: number) =>
      Promise.all(Array.from({ length: n }, (_, i) => api.call('PUT', `/api/invoices/${prefix}${i}`, { token, body: invoiceBody({ ocr: undefined, totalOre: 10_000, vatOre: 2_000 }) })));

    it('the same file uploaded eight times at once books each of its 600 payments exactly once', async () => {
      await invoices('C', 600);
      const file = testFiles.camt054(
        BANKGIRO,
        Array.from({ length: 600 }, (_, i) => ({ reference: `CONC-${i}`, amount: '100.00', text: `Faktura C${i}` })),
      );
      const answers = await Promise.all(Array.from({ length: 8 }, () => api.upload('/api/payments/imports', token, file)));
      expect(answers.filter((a) => a.status !== 201)).toEqual([]);
      const totals = answers.reduce((sum, a) => ({ matched: sum.matched + a.body.matched, duplicates: sum.duplicates + a.body.duplicates }), { matched: 0, duplicates: 0 });
      expect(totals).toEqual({ matched: 600, duplicates: 7 * 600 });
      expect(await count(`SELECT count(*) AS n FROM es_events WHERE type = 'BankPaymentMatched' AND stream_id LIKE 'bank-payment-%-CONC-%'`)).toBe(600);
      expect(await count(`SELECT count(*) AS n FROM es_events WHERE type = 'PaymentRegistered' AND stream_id LIKE 'receivable-%-C%'`)).toBe(600);
      expect(await count(`SELECT count(*) AS n FROM rm_journal`)).toBe(600);
      expect(await count(`SELECT count(*) AS n FROM rm_invoices WHERE invoice_number LIKE 'C%' AND remaining_ore = 0`)).toBe(600);
    });

    it('an import racing payments registered by hand never pays an invoice beyond what it owes', async () => {
      await invoices('R', 200);
      const file = testFiles.camt054(
        BANKGIRO,
        Array.from({ length: 200 }, (_, i) => ({ reference: `RACE-${i}`, amount: '60.00', text: `Faktura R${i}` })),
      );
      // Meanwhile the customers pay 60 kr of each 100 kr invoice directly: only one of the two 60 kr payments fits.
      const byHand = Array.from({ length: 200 }, (_, i) =>
        api.call('POST', `/api/invoices/R${i}/payments`, { token, body: { amountOre: 6_000, paidOn: '2026-11-23', reference: `direct-${i}` } }),
      );
      const [report, ...direct] = await Promise.all([api.upload('/api/payments/imports', token, file), ...byHand]);
      expect(report.status).toBe(201);
      expect(direct.filter((a) => a.status >= 500)).toEqual([]);
      const directWins = direct.filter((a) => a.status === 201).length;
      const importWins = report.body.matched + report.body.partlyMatched;
      // Every invoice took exactly one of the two payments; the other was refused or queued for a person.
      expect(directWins + importWins).toBe(200);
      expect(report.body.unmatched).toBe(200 - importWins);
      expect(await count(`SELECT count(*) AS n FROM rm_invoices WHERE invoice_number LIKE 'R%' AND remaining_ore = 4000`)).toBe(200);
      const overpaid = await api.storage.sql.query(
        `SELECT stream_id, sum((data->>'amountOre')::bigint) AS paid FROM es_events WHERE type = 'PaymentRegistered' AND stream_id LIKE 'receivable-%-R%'
         GROUP BY stream_id HAVING sum((data->>'amountOre')::bigint) > 10000`,
      );
      expect(overpaid.rows).toEqual([]);
    });
  });
