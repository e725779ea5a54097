/**
 * The live projection runner: every read model takes a batch in one transaction, and when one of them
 * cannot, the others still take it and only that one holds the batch back until it can.
 */
import { Logger } from '@nestjs/common';
import { type SqlExecutor, type StoredEvent } from '@pm/event-store';
import { AuditTrailProjection } from '../src/audit/audit-trail.projection';
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
});
