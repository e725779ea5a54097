/**
 * 200 cases against a faulty partner (30 % errors, latency, duplicated and reordered deliveries, lost
 * answers), with a kill -9 of the API in the middle, on the PostgreSQL server: no case is created twice
 * at the partner, nothing acknowledged is lost, and every case converges to the partner's truth within
 * a bounded time once the faults stop.
 */
import { type System, activatedCompany, invoice, startSystem, until, type FreshSchema, freshSchema } from '../support/processes';

const url = process.env.DATABASE_URL;
const ORG = '556036-0793';
const CASES = 200;

if (!url)
  describe('Partner faults on the PostgreSQL server', () => {
    it('is skipped: DATABASE_URL is not set (CI sets it)', () => {
      console.warn('DATABASE_URL not set: the partner fault suite did not run');
    });
  });
else
  describe('Partner faults on the PostgreSQL server', () => {
    let system: System;
    let token: string;
    let schema: FreshSchema | undefined;

    beforeAll(async () => {
      schema = await freshSchema(url, 'sys');
      const databaseUrl = schema.databaseUrl;
      system = await startSystem({ databaseUrl });
      token = await activatedCompany(system, ORG);
    });

    afterAll(async () => {
      await system?.stop();
      await schema?.drop();
    });

    it(`${CASES} cases through 30 % errors, duplicates, reordering, lost answers and a kill -9`, async () => {
      await system.partner('POST', '/_sandbox/faults', { errorRate: 0.3, latencyMs: 40, duplicateRate: 0.2, reorder: true, loseResponseRate: 0.1 });
      const numbers = Array.from({ length: CASES }, (_, i) => String(10_000 + i));
      const acknowledged: string[] = [];
      const sendAll = async (batch: string[]) => {
        for (let i = 0; i < batch.length; i += 20) {
          await Promise.all(
            batch.slice(i, i + 20).map(async (number) => {
              await system.call('PUT', `/api/invoices/${number}`, token, invoice(number));
              const sent = await system.call('POST', `/api/invoices/${number}/reminder-case`, token);
              if (sent.status === 201) acknowledged.push(number);
            }),
          );
        }
      };
      await sendAll(numbers.slice(0, CASES / 2));
      // Let the outbox get going against the faulty partner, then crash the API without any shutdown.
      await new Promise((r) => setTimeout(r, 1500));
      await system.api.crash();
      await system.restartApi();
      await sendAll(numbers.slice(CASES / 2));
      expect(acknowledged).toHaveLength(CASES);
      await new Promise((r) => setTimeout(r, 3000));
      await system.partner('POST', '/_sandbox/faults', { errorRate: 0, latencyMs: 0, duplicateRate: 0, reorder: false, loseResponseRate: 0 });
      const faultsOffAt = Date.now();

      // Every acknowledged case reaches the partner and comes back with the partner's state.
      const converged = await until(
        'every case to converge to the partner',
        async () => {
          const list = await system.call('GET', '/api/invoices?pageSize=500', token);
          const done = list.body.items.filter((i: { status: string; partnerCaseId: string | null }) => i.status === 'reminder_sent' && i.partnerCaseId);
          return done.length === CASES ? list.body.items : null;
        },
        90_000,
        500,
      );
      const convergedAfterMs = Date.now() - faultsOffAt;
      console.log(`${CASES} cases converged ${convergedAfterMs} ms after the faults stopped`);
      expect(convergedAfterMs).toBeLessThan(90_000);

      // The partner has exactly one case per invoice, and it is the one our case points at.
      const partnerCases: { _id: string; invoice_number: string }[] = [];
      for (let page = 1; ; page++) {
        const list = await system.partner('GET', `/cases?max_results=500&page=${page}`);
        partnerCases.push(...list.body._items);
        if (partnerCases.length >= list.body._meta.total || list.body._items.length === 0) break;
      }
      const byInvoice = new Map<string, string[]>();
      for (const c of partnerCases) byInvoice.set(c.invoice_number, [...(byInvoice.get(c.invoice_number) ?? []), c._id]);
      const duplicated = [...byInvoice].filter(([, ids]) => new Set(ids).size > 1);
      expect(duplicated).toEqual([]);
      expect(byInvoice.size).toBe(CASES);
      for (const item of converged as { invoiceNumber: string; partnerCaseId: string }[])
        expect(byInvoice.get(item.invoiceNumber)).toEqual([item.partnerCaseId]);
    });
  });
