/**
 * Rebuilding the read models on the embedded store: a rebuilt model is identical to the live one, row by
 * row; a rebuild can be interrupted and resumed; a second one at the same time is refused; the admin
 * endpoints start, follow and interrupt one; the status shows checkpoints and lag. Twice: with the log in the
 * same database, and with the log apart from the read models (in memory, as on KurrentDB: the switch-over
 * then reads the last events from the store while it holds the checkpoint locks, and the lag is counted by
 * reading the log).
 */
import { testFiles } from '@pm/bank-files';
import { type SqlClient } from '@pm/event-store';
import { PROJECTIONS, type Projection } from '../src/infrastructure/projections/projection';
import { ProjectionRebuild, RebuildRunningError } from '../src/infrastructure/projections/projection-rebuild';
import { type Api, ORG, type StorageFactory, address, invoiceBody, pgliteStorage, pgliteWithLogApart, startApi } from './support/api-harness';

/** Every row of every read-model table, in a stable order, as comparable text. */
async function snapshot(sql: SqlClient, projections: readonly Projection[]): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const projection of projections)
    for (const table of projection.tables) {
      const { rows } = await sql.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM ${table} t`);
      out[table] = rows.map((r) => r.row).sort();
    }
  return out;
}

const suites: [string, StorageFactory][] = [
  ['on the embedded store', pgliteStorage],
  ['on the embedded store, with the log apart (as on KurrentDB)', pgliteWithLogApart],
];

describe.each(suites)('Rebuilding read models %s', (_name, factory) => {
  let api: Api;
  let token: string;
  let projections: Projection[];
  let engine: () => ProjectionRebuild;
  const BANKGIRO = '5677-5612';

  beforeAll(async () => {
    api = await startApi(factory);
    projections = api.app.get<Projection[]>(PROJECTIONS);
    engine = () => new ProjectionRebuild(api.storage.sql, api.storage.store, projections);
    await api.call('POST', '/api/companies', { token: api.adminToken, body: { organisationNumber: ORG.main, name: 'Bygg AB', country: 'SE', address: address(), bankgiro: BANKGIRO } });
    token = api.userToken(ORG.main);
    await api.call('POST', '/api/activation', { token, body: { termsVersion: '2026-1', accepted: true } });
    // A little of everything: invoices, a case, a pause, a direct payment, a credit, a bank file with a queued payment.
    for (let i = 0; i < 30; i++) await api.call('PUT', `/api/invoices/R${i}`, { token, body: invoiceBody({ ocr: undefined, totalOre: 10_000 + i * 100, vatOre: 2_000 }) });
    await api.call('POST', '/api/invoices/R1/reminder-case', { token });
    await api.call('POST', '/api/invoices/R2/reminder-case', { token });
    await api.call('POST', '/api/invoices/R2/reminder-case/pause', { token, body: { until: '2026-12-20', reason: 'Anstånd' } });
    await api.call('POST', '/api/invoices/R3/payments', { token, body: { amountOre: 5_000, paidOn: '2026-11-20' } });
    await api.call('POST', '/api/invoices/R4/credit', { token, body: { reason: 'Fel pris' } });
    await api.upload(
      '/api/payments/imports',
      token,
      testFiles.camt054(BANKGIRO, [
        { reference: 'RB-1', amount: '101.00', text: 'Faktura R1' },
        { reference: 'RB-2', amount: '7.00', text: 'okänd' },
      ]),
    );
  });
  afterAll(async () => api?.close());

  it('rebuilds every read model into tables identical to the live ones, row by row', async () => {
    const before = await snapshot(api.storage.sql, projections);
    expect(before.rm_invoices).toHaveLength(30);
    const seen: string[] = [];
    const result = await engine().run('all', { batchSize: 17, onProgress: (p) => seen.push(p.phase) });
    expect(result).toMatchObject({ phase: 'done', resumed: false });
    expect(result.totalEvents).toBe(await api.eventCount());
    expect(seen).toEqual(expect.arrayContaining(['replaying', 'switching', 'done']));
    expect(await snapshot(api.storage.sql, projections)).toEqual(before);
    // The API goes on answering from the new tables, and the live projections go on from the rebuild's position.
    await api.call('PUT', '/api/invoices/R99', { token, body: invoiceBody({ ocr: undefined }) });
    expect((await api.call('GET', '/api/invoices?pageSize=1', { token })).body.total).toBe(31);
    const shadows = await api.storage.sql.query(`SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE 'pm_rebuild_%'`);
    expect(shadows.rows).toEqual([]);
  });

  it('can be interrupted and resumed, and refuses a second rebuild at the same time', async () => {
    const before = await snapshot(api.storage.sql, projections);
    const abort = new AbortController();
    let pages = 0;
    const interrupted = await engine().run(['invoice-list', 'audit-trail'], {
      batchSize: 10,
      signal: abort.signal,
      onProgress: (p) => {
        if (p.phase === 'replaying' && ++pages === 3) abort.abort();
      },
    });
    expect(interrupted).toMatchObject({ phase: 'interrupted', events: 30 });
    expect((await engine().status()).filter((r) => r.status === 'interrupted').map((r) => r.projection).sort()).toEqual(['audit-trail', 'invoice-list']);
    // Half-built tables are never served: the live ones are untouched.
    expect(await snapshot(api.storage.sql, projections)).toEqual(before);

    const resumed = await engine().run(['invoice-list', 'audit-trail'], { batchSize: 10 });
    expect(resumed).toMatchObject({ phase: 'done', resumed: true });
    expect(resumed.totalEvents).toBe(interrupted.events + resumed.events);
    expect(await snapshot(api.storage.sql, projections)).toEqual(before);

    const first = engine().run(['journal'], { batchSize: 5 });
    await expect(engine().run(['journal'])).rejects.toBeInstanceOf(RebuildRunningError);
    await expect(first).resolves.toMatchObject({ phase: 'done' });
    await expect(engine().run(['no-such-projection'])).rejects.toMatchObject({ code: 'REBUILD.UNKNOWN_PROJECTION' });
  });

  it('resumes each projection from its own position when one failed on a page the others committed', async () => {
    const before = await snapshot(api.storage.sql, projections);
    // The case details fail on their fourth page; the invoice list and the audit trail commit it and go on.
    let pages = 0;
    const flaky = projections.map((p) =>
      p.name !== 'case-detail'
        ? p
        : {
            name: p.name,
            schema: p.schema,
            tables: p.tables,
            apply: async (tx: Parameters<Projection['apply']>[0], events: Parameters<Projection['apply']>[1]) => {
              if (++pages === 4) throw new Error('disk full');
              return p.apply(tx, events);
            },
          },
    );
    const names = ['invoice-list', 'case-detail', 'audit-trail'];
    await expect(new ProjectionRebuild(api.storage.sql, api.storage.store, flaky).run(names, { batchSize: 10 })).rejects.toThrow('disk full');
    const { rows } = await api.storage.sql.query<{ projection: string; events: string }>(`SELECT projection, events FROM rm_rebuilds WHERE projection = ANY($1::text[])`, [names]);
    const done = Object.fromEntries(rows.map((r) => [r.projection, Number(r.events)]));
    expect(done['case-detail']).toBe(30);
    expect(done['invoice-list']).toBeGreaterThanOrEqual(40);
    expect(await snapshot(api.storage.sql, projections)).toEqual(before);

    const resumed = await engine().run(names, { batchSize: 10 });
    expect(resumed).toMatchObject({ phase: 'done', resumed: true });
    // Every event applied exactly once to each: the rebuilt tables equal the live ones.
    expect(await snapshot(api.storage.sql, projections)).toEqual(before);
  });

  it('the admin endpoints show status and lag, and start, follow and interrupt a rebuild', async () => {
    const overview = await api.call('GET', '/api/admin/projections', { token: api.adminToken });
    expect(overview.status).toBe(200);
    const names = overview.body.projections.map((p: { projection: string }) => p.projection);
    expect(names).toEqual(expect.arrayContaining(['invoice-list', 'case-detail', 'audit-trail', 'bank-payments', 'journal']));
    for (const p of overview.body.projections) expect(p).toMatchObject({ lagEvents: 0, lagSeconds: 0, checkpoint: expect.stringMatching(/^\d+\/\d+$/) });
    expect((await api.call('GET', '/api/admin/projections', { token })).status).toBe(403);

    for (const batchSize of [0, 100_001, 2.5, '10'])
      expect(await api.call('POST', '/api/admin/projections/rebuild', { token: api.adminToken, body: { batchSize } })).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID' } });
    const started = await api.call('POST', '/api/admin/projections/rebuild', { token: api.adminToken, body: { projections: ['invoice-list'], batchSize: 7 } });
    expect(started).toMatchObject({ status: 202, body: { projections: ['invoice-list'] } });
    let current: { phase: string } | null = null;
    for (let i = 0; i < 200 && current?.phase !== 'done'; i++) {
      current = (await api.call('GET', '/api/admin/projections', { token: api.adminToken })).body.current;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(current).toMatchObject({ phase: 'done', error: null });
    expect((await api.call('POST', '/api/admin/projections/rebuild', { token: api.adminToken, body: { projections: ['nope'] } })).status).toBe(404);
    expect((await api.call('DELETE', '/api/admin/projections/rebuild', { token: api.adminToken })).body).toEqual({ interrupted: false });
  });
});
