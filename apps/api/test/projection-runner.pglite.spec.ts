/**
 * The live projection runner: every read model takes a batch in one transaction, and when one of them
 * cannot, the others still take it and only that one holds the batch back until it can.
 */
import { Logger } from '@nestjs/common';
import { fold, receivableDecider } from '@pm/domain';
import { type SqlExecutor, type StoredEvent } from '@pm/event-store';
import { AuditTrailProjection } from '../src/audit/audit-trail.projection';
import { RecentStates } from '../src/infrastructure/event-sourcing/recent-states';
import { type Api, ORG, companyWithUser, invoiceBody, pgliteStorage, startApi, until } from './support/api-harness';

describe('Projection runner', () => {
  let api: Api;
  let token: string;
  beforeAll(async () => {
    api = await startApi(pgliteStorage);
    token = await companyWithUser(api, ORG.main);
  });
  afterAll(async () => api?.close());

  const lag = async () => {
    const { body } = await api.call('GET', '/api/admin/projections', { token: api.adminToken });
    return Object.fromEntries((body.projections as { projection: string; lagEvents: number }[]).map((p) => [p.projection, p.lagEvents]));
  };

  it('lets the other read models go on while one fails, and that one catches up once it can', async () => {
    const audit = api.app.get(AuditTrailProjection);
    const apply = audit.apply.bind(audit);
    let failing = true;
    audit.apply = (tx: SqlExecutor, events: readonly StoredEvent[]) => (failing ? Promise.reject(new Error('disk full')) : apply(tx, events));
    const quiet = [jest.spyOn(Logger.prototype, 'warn').mockImplementation(), jest.spyOn(Logger.prototype, 'error').mockImplementation()];
    try {
      // The answer waits for every read model, in vain for the failing one (up to its timeout); the write stands.
      const put = await api.call('PUT', '/api/invoices/6001', { token, body: invoiceBody({ ocr: undefined }) });
      expect(put.status).toBe(201);
      expect((await api.call('GET', '/api/invoices/6001', { token })).status).toBe(200);
      const behind = await lag();
      expect(behind['audit-trail']).toBeGreaterThan(0);
      for (const [name, events] of Object.entries(behind)) if (name !== 'audit-trail') expect([name, events]).toEqual([name, 0]);

      failing = false;
      await until(async () => (await lag())['audit-trail'] === 0, 40_000);
      // Every event in the trail, the ones it failed on included, each once.
      const { rows } = await api.storage.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM rm_audit');
      expect(rows[0]!.n).toBe(await api.eventCount());
    } finally {
      audit.apply = apply;
      for (const spy of quiet) spy.mockRestore();
    }
  }, 60_000);

  it("takes the state a command just folded instead of reading it back, and writes the same read model as a fold from the table would", async () => {
    const recent = api.app.get(RecentStates);
    const recall = jest.spyOn(recent, 'recall');
    try {
      expect((await api.call('PUT', '/api/invoices/6002', { token, body: invoiceBody({ ocr: undefined }) })).status).toBe(201);
      expect((await api.call('POST', '/api/invoices/6002/reminder-case', { token })).status).toBe(201);
      // Both projections that fold the invoice's stream (the list and the case detail) found its state in memory, after the PUT and after the send.
      const hits = recall.mock.results.filter((r, i) => r.value !== undefined && String(recall.mock.calls[i]![1]).endsWith('-6002'));
      expect(hits.length).toBeGreaterThanOrEqual(4);
    } finally {
      recall.mockRestore();
    }
    // What was written from memory is what folding the log gives.
    const { rows } = await api.storage.sql.query<{ stream_id: string; state: unknown }>("SELECT stream_id, state FROM rm_invoices WHERE invoice_number = '6002'");
    const { events } = await api.storage.store.readStream(rows[0]!.stream_id);
    expect(rows[0]!.state).toEqual(JSON.parse(JSON.stringify(fold(receivableDecider, events as never))));
    const cases = await api.storage.sql.query<{ state: unknown }>('SELECT state FROM rm_case_streams WHERE stream_id = $1', [rows[0]!.stream_id]);
    expect(cases.rows[0]!.state).toEqual(rows[0]!.state);
  });
});
