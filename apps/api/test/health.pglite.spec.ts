/**
 * GET /health answers 200 only when what a request needs answers: the SQL database, and the event log where it
 * is kept apart from it (KurrentDB; here an in-memory log stands in). Otherwise 503 with a code, and without the
 * driver's error text (the route is public).
 */
import { Logger } from '@nestjs/common';
import { type Api, pgliteStorage, pgliteWithLogApart, startApi } from './support/api-harness';

describe('GET /health', () => {
  let warn: jest.SpyInstance;
  beforeEach(() => (warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation()));
  afterEach(() => warn.mockRestore());

  describe('with the event log in the database', () => {
    let api: Api;
    beforeAll(async () => (api = await startApi(pgliteStorage)));
    afterAll(async () => api?.close());

    it('says which store holds what', async () => {
      expect(await api.call('GET', '/health')).toMatchObject({ status: 200, body: { status: 'ok', store: 'pglite', eventLog: 'pglite' } });
    });

    it('is 503 HEALTH.UNAVAILABLE while the database does not answer, and 200 again once it does', async () => {
      const query = api.storage.sql.query.bind(api.storage.sql);
      const spy = jest.spyOn(api.storage.sql, 'query').mockImplementation(((text: string, ...rest: unknown[]) =>
        text === 'SELECT 1' ? Promise.reject(new Error('connect ECONNREFUSED db.internal:5432')) : (query as any)(text, ...rest)) as typeof query);
      try {
        const down = await api.call('GET', '/health');
        expect(down).toMatchObject({ status: 503, body: { code: 'HEALTH.UNAVAILABLE', message: 'Not ready: the database does not answer.' } });
        expect(JSON.stringify(down.body)).not.toContain('db.internal');
        expect(warn).toHaveBeenCalledWith(expect.stringContaining('db.internal'));
      } finally {
        spy.mockRestore();
      }
      expect((await api.call('GET', '/health')).status).toBe(200);
    });
  });

  describe('with the event log apart from the database', () => {
    let api: Api;
    beforeAll(async () => (api = await startApi(pgliteWithLogApart)));
    afterAll(async () => api?.close());

    it('checks the event log too', async () => {
      expect(await api.call('GET', '/health')).toMatchObject({ status: 200, body: { status: 'ok', store: 'pglite', eventLog: 'memory' } });
      const spy = jest.spyOn(api.storage.store, 'headPosition').mockRejectedValue(new Error('unavailable'));
      try {
        expect(await api.call('GET', '/health')).toMatchObject({ status: 503, body: { code: 'HEALTH.UNAVAILABLE', message: 'Not ready: the event log does not answer.' } });
        expect(spy).toHaveBeenCalled();
      } finally {
        spy.mockRestore();
      }
      expect((await api.call('GET', '/health')).status).toBe(200);
    });
  });
});
