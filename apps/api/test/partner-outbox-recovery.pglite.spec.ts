/**
 * After an outage of the partner, the outbox does not leave its backlog to wait out the growing delays: the first
 * call that gets through makes every job that was waiting because the partner was unreachable due at once. A job
 * that failed for another reason keeps its delay, and a job that ends without calling the partner proves nothing.
 */
import { AmiliAdapter, PartnerUnavailableError } from '@pm/amili-adapter';
import { type Sandbox } from '@pm/amili-sandbox';
import { type SqlClient } from '@pm/event-store';
import { SQL_CLIENT } from '../src/infrastructure/database/tokens';
import { type Api, ORG, companyWithUser, invoiceBody, startApiWithSandbox, until } from './support/api-harness';

const WAITING = ['W-1', 'W-2', 'W-3', 'W-4'];
const BROKEN = 'B-1';
const PROBE = 'N-1';
const CLOSED = 'S-1';

describe('The partner outbox after an outage', () => {
  let api: Api;
  let sandbox: Sandbox;
  let token: string;
  let sql: SqlClient;

  beforeAll(async () => {
    ({ api, sandbox } = await startApiWithSandbox('outage', { concurrency: 2 }));
    token = await companyWithUser(api, ORG.main);
    sql = api.app.get<SqlClient>(SQL_CLIENT);
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await sandbox?.close();
  });

  const jobs = async () =>
    (
      await sql.query<{ invoice: string; attempts: number; status: string; outcome: string | null; waits: boolean; next_at: string; done_at: string | null }>(
        `SELECT job->>'invoiceNumber' AS invoice, attempts, status, outcome, waits_for_partner AS waits, next_attempt_at::text AS next_at, done_at::text AS done_at
           FROM sync_outbox WHERE job->>'kind' = 'register_case' ORDER BY invoice`,
      )
    ).rows;

  it('retries the jobs that waited for the partner as soon as a call gets through, and only those', async () => {
    const adapter = api.app.get(AmiliAdapter);
    const register = adapter.registerCase.bind(adapter);
    let down = true;
    const cancel = adapter.cancelCase.bind(adapter);
    const cancelling = jest.spyOn(adapter, 'cancelCase').mockImplementation(async (input) => {
      if (down) throw new PartnerUnavailableError({ operation: 'POST /creditor--cancellations', reason: 'network', attempts: 1, detail: 'connect ECONNREFUSED' });
      return cancel(input);
    });
    const findCase = adapter.findCase.bind(adapter);
    const finding = jest.spyOn(adapter, 'findCase').mockImplementation(async (input) => {
      if (down) throw new PartnerUnavailableError({ operation: 'GET /cases', reason: 'network', attempts: 1, detail: 'connect ECONNREFUSED' });
      return findCase(input);
    });
    const registering = jest.spyOn(adapter, 'registerCase').mockImplementation(async (input) => {
      const number = input.invoice.invoiceNumber;
      if (down && number === BROKEN) throw new Error('Something of our own went wrong');
      if (down) throw new PartnerUnavailableError({ operation: 'POST /case--registrations', reason: 'network', attempts: 1, detail: 'connect ECONNREFUSED' });
      return register(input);
    });
    try {
      for (const number of [...WAITING, BROKEN]) {
        expect((await api.call('PUT', `/api/invoices/${number}`, { token, body: invoiceBody({ ocr: undefined }) })).status).toBe(201);
        expect((await api.call('POST', `/api/invoices/${number}/reminder-case`, { token })).status).toBe(201);
      }
      // Each failed at least once. Then, as after a long outage, the waiting jobs' next attempts are far off (the
      // broken one's a few seconds, so that the test need not wait long to see it kept its delay).
      await until(async () => {
        const rows = await jobs();
        return rows.length === 5 && rows.every((job) => job.attempts >= 1) ? rows : null;
      }, 30_000);
      await sql.query(
        `UPDATE sync_outbox SET next_attempt_at = now() + CASE WHEN job->>'invoiceNumber' = $1 THEN interval '4 seconds' ELSE interval '10 minutes' END
          WHERE job->>'kind' = 'register_case'`,
        [BROKEN],
      );
      const before = await jobs();
      expect(before.filter((job) => job.waits).map((job) => job.invoice)).toEqual(WAITING);

      // Still down: a job with nothing left to do (its case was closed and the invoice sent again: it is no longer the
      // current case) ends without calling the partner. That is no sign the partner is back: the waiting jobs keep
      // their delays.
      expect((await api.call('PUT', `/api/invoices/${CLOSED}`, { token, body: invoiceBody({ ocr: undefined }) })).status).toBe(201);
      expect((await api.call('POST', `/api/invoices/${CLOSED}/reminder-case`, { token })).status).toBe(201);
      expect((await api.call('POST', `/api/invoices/${CLOSED}/reminder-case/close`, { token, body: { reason: 'Betalt direkt till oss' } })).status).toBe(200);
      expect((await api.call('POST', `/api/invoices/${CLOSED}/reminder-case`, { token })).status).toBe(201);
      await until(async () => (await jobs()).find((job) => job.invoice === CLOSED && job.outcome === 'skipped: the case is not the current one'), 10_000);
      const unchanged = (await jobs()).filter((job) => job.invoice !== CLOSED);
      expect(unchanged.map(({ invoice, attempts, next_at }) => ({ invoice, attempts, next_at }))).toEqual(before.map(({ invoice, attempts, next_at }) => ({ invoice, attempts, next_at })));

      // The partner is back; a new job's call gets through first.
      down = false;
      expect((await api.call('PUT', `/api/invoices/${PROBE}`, { token, body: invoiceBody({ ocr: undefined }) })).status).toBe(201);
      expect((await api.call('POST', `/api/invoices/${PROBE}/reminder-case`, { token })).status).toBe(201);
      const after = await until(async () => {
        const rows = await jobs();
        return rows.every((job) => job.status === 'done') ? rows : null;
      }, 30_000);

      const scheduled = new Map(before.map((job) => [job.invoice, Date.parse(job.next_at)]));
      for (const job of after.filter((j) => WAITING.includes(j.invoice))) {
        // Done before the moment its delay would have let it run.
        expect({ invoice: job.invoice, early: Date.parse(job.done_at!) < scheduled.get(job.invoice)! }).toEqual({ invoice: job.invoice, early: true });
        expect(job.waits).toBe(false);
      }
      const broken = after.find((job) => job.invoice === BROKEN)!;
      expect(Date.parse(broken.done_at!)).toBeGreaterThanOrEqual(scheduled.get(BROKEN)!);
    } finally {
      registering.mockRestore();
      cancelling.mockRestore();
      finding.mockRestore();
    }
  }, 60_000);
});
