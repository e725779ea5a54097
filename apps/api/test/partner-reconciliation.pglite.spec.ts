/**
 * Reconciliation asks the partner about every open case once per round, page by page and several at a time
 * (AMILI_CONCURRENCY), never about a closed one; a round where nothing diverged writes nothing; a shutdown
 * stops a round between cases and waits for the questions already asked.
 */
import { AmiliAdapter } from '@pm/amili-adapter';
import { type Sandbox } from '@pm/amili-sandbox';
import { type SqlClient } from '@pm/event-store';
import { SQL_CLIENT } from '../src/infrastructure/database/tokens';
import { ReconciliationJob } from '../src/partner-sync/reconciliation/reconciliation.job';
import { type Api, ORG, companyWithUser, invoiceBody, startApiWithSandbox, until } from './support/api-harness';

const CONCURRENCY = 3;
const INVOICES = 8;

describe('Reconciliation with the partner', () => {
  let api: Api;
  let sandbox: Sandbox;
  let token: string;
  let job: ReconciliationJob;
  let sql: SqlClient;
  const numbers = Array.from({ length: INVOICES }, (_, i) => `R-${i + 1}`);

  beforeAll(async () => {
    // Rounds only when the test asks for one.
    ({ api, sandbox } = await startApiWithSandbox('reconcile', { concurrency: CONCURRENCY }));
    token = await companyWithUser(api, ORG.main);
    job = api.app.get(ReconciliationJob);
    sql = api.app.get<SqlClient>(SQL_CLIENT);
    // Three pages of three cases (the last one short): the walk must go on from page to page.
    (job as unknown as { pageSize: number }).pageSize = 3;
    for (const number of numbers) expect((await api.call('PUT', `/api/invoices/${number}`, { token, body: invoiceBody({ ocr: undefined }) })).status).toBe(201);
    for (const number of numbers) expect((await api.call('POST', `/api/invoices/${number}/reminder-case`, { token })).status).toBe(201);
    await until(async () => {
      const list = await api.call('GET', '/api/invoices?pageSize=100', { token });
      return list.body.items.filter((i: { partnerCaseId?: string | null }) => i.partnerCaseId).length === INVOICES;
    }, 30_000);
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await sandbox?.close();
  });

  /** Watches the partner questions of one round: which cases, and how many at once. */
  function watchQuestions(hold: () => Promise<void> = async () => undefined) {
    const adapter = api.app.get(AmiliAdapter);
    const getCase = adapter.getCase.bind(adapter);
    const asked: string[] = [];
    let inFlight = 0;
    let mostInFlight = 0;
    const spy = jest.spyOn(adapter, 'getCase').mockImplementation(async (partnerCaseId) => {
      inFlight++;
      mostInFlight = Math.max(mostInFlight, inFlight);
      try {
        asked.push(partnerCaseId);
        // Hold each question until the others had their chance to start (or half a second passed), so overlap shows.
        const deadline = Date.now() + 500;
        while (inFlight < CONCURRENCY && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
        await hold();
        return await getCase(partnerCaseId);
      } finally {
        inFlight--;
      }
    });
    return { asked, mostInFlight: () => mostInFlight, inFlight: () => inFlight, restore: () => spy.mockRestore() };
  }

  const partnerCaseIds = async (): Promise<Map<string, string>> => {
    const list = await api.call('GET', '/api/invoices?pageSize=100', { token });
    return new Map(list.body.items.map((i: { invoiceNumber: string; partnerCaseId: string }) => [i.invoiceNumber, i.partnerCaseId]));
  };
  const rememberedViews = async () =>
    (await sql.query<{ partner_case_id: string; version: string }>('SELECT partner_case_id, xmin::text AS version FROM sync_partner_views ORDER BY 1')).rows;

  it(`asks about every open case once, ${CONCURRENCY} at a time, and writes nothing once nothing diverges`, async () => {
    const ids = await partnerCaseIds();
    const first = watchQuestions();
    try {
      // The sandbox sends its first reminder as it registers a case; with no polling or pushes, only this round tells us.
      expect(await job.runOnce()).toBe(INVOICES);
    } finally {
      first.restore();
    }
    expect([...first.asked].sort()).toEqual([...ids.values()].sort());
    expect(first.mostInFlight()).toBe(CONCURRENCY);
    const statuses = await api.call('GET', '/api/invoices?pageSize=100', { token });
    expect(statuses.body.items.map((i: { status: string }) => i.status)).toEqual(numbers.map(() => 'reminder_sent'));
    const views = await rememberedViews();
    expect(views.map((v) => v.partner_case_id)).toEqual([...ids.values()].sort());

    // Nothing changed at the partner: the next round asks again and rewrites none of the remembered views.
    const eventsBefore = await api.eventCount();
    const second = watchQuestions();
    try {
      expect(await job.runOnce()).toBe(0);
    } finally {
      second.restore();
    }
    expect(second.asked).toHaveLength(INVOICES);
    expect(await rememberedViews()).toEqual(views);
    expect(await api.eventCount()).toBe(eventsBefore);
  }, 30_000);

  it('leaves closed cases out', async () => {
    expect((await api.call('POST', '/api/invoices/R-1/reminder-case/close', { token, body: { reason: 'Betalt direkt till oss' } })).status).toBe(200);
    const ids = await partnerCaseIds();
    const round = watchQuestions();
    try {
      await job.runOnce();
    } finally {
      round.restore();
    }
    expect(round.asked).not.toContain(ids.get('R-1'));
    expect([...round.asked].sort()).toEqual(numbers.slice(1).map((n) => ids.get(n)).sort());
  }, 30_000);

  // Last: the job stays stopped for the rest of this application.
  it('stops a round between cases at shutdown, after the questions already asked', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const round = watchQuestions(() => released);
    try {
      const running = job.runOnce();
      await until(async () => round.inFlight() === CONCURRENCY, 5_000, 10);
      let shutDown = false;
      const shutdown = job.beforeApplicationShutdown().then(() => (shutDown = true));
      await new Promise((resolve) => setTimeout(resolve, 100));
      // The shutdown waits for the questions under way …
      expect(shutDown).toBe(false);
      release();
      await shutdown;
      await running;
      // … and no lane took another case after it began.
      expect(round.asked).toHaveLength(CONCURRENCY);
      expect(round.inFlight()).toBe(0);
    } finally {
      release();
      round.restore();
    }
  }, 30_000);
});
