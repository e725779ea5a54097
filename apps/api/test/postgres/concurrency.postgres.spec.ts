/**
 * The cross-aggregate invariants under concurrent requests, against the real PostgreSQL server:
 * 50 parallel "send to reminder handling" and "credit" requests on one invoice leave exactly one valid
 * outcome, and every loser gets 409.
 */
import { createSandbox, type Sandbox } from '@pm/amili-sandbox';
import { type ReceivableEvent, customerShareOre, invoiceBaseStatus, openCase, receivableDecider, remainingClaimOre, streams } from '@pm/domain';
import { verifyStreamChain } from '@pm/event-store';
import { createHmac } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { companyIdFor } from '../../src/shared/auth/tokens';
import { type Api, ORG, companyWithUser, invoiceBody, postgresStorage, startApi, until } from '../support/api-harness';

const url = process.env.DATABASE_URL;

if (!url)
  describe('Concurrency on the PostgreSQL server', () => {
    it('is skipped: DATABASE_URL is not set (CI sets it)', () => {
      console.warn('DATABASE_URL not set: the PostgreSQL concurrency suite did not run');
    });
  });
else
  describe('Concurrency on the PostgreSQL server', () => {
    let api: Api;
    let token: string;
    beforeAll(async () => {
      api = await startApi(postgresStorage(url));
      token = await companyWithUser(api, ORG.main);
    });
    afterAll(async () => api?.close());

    async function race(invoiceNumber: string) {
      await api.call('PUT', `/api/invoices/${invoiceNumber}`, { token, body: invoiceBody({ ocr: undefined }) });
      const requests = Array.from({ length: 50 }, (_, i) =>
        i % 2 === 0
          ? api.call('POST', `/api/invoices/${invoiceNumber}/reminder-case`, { token })
          : api.call('POST', `/api/invoices/${invoiceNumber}/credit`, { token, body: {} }),
      );
      const answers = await Promise.all(requests);
      const winners = answers.filter((a) => a.status === 200 || a.status === 201);
      const losers = answers.filter((a) => a.status === 409);
      const invoice = (await api.call('GET', `/api/invoices/${invoiceNumber}`, { token })).body;
      const { rows } = await api.storage.sql.query<{ type: string }>(
        `SELECT type FROM es_events WHERE stream_id LIKE $1 ORDER BY stream_version`,
        [`%-${invoiceNumber}`],
      );
      return { answers, winners, losers, invoice, types: rows.map((r) => r.type) };
    }

    it('50 parallel send and credit requests on one invoice: one outcome, 49 answers of 409', async () => {
      const { answers, winners, losers, invoice, types } = await race('8001');
      expect(answers.filter((a) => a.status >= 500)).toEqual([]);
      expect(winners).toHaveLength(1);
      expect(losers).toHaveLength(49);
      for (const loser of losers)
        expect(['CASE.ALREADY_OPEN', 'INVOICE.CASE_OPEN', 'INVOICE.CREDITED', 'INVOICE.ALREADY_CREDITED', 'REQUEST.CONCURRENT_CHANGE']).toContain(loser.body.code);
      // Either a case is open and the invoice is not credited, or it is credited and no case exists.
      if (winners[0].status === 201) {
        expect(types).toEqual(['InvoiceReceived', 'ReminderCaseRequested']);
        expect(invoice).toMatchObject({ status: 'requested', creditedAt: null });
      } else {
        expect(types).toEqual(['InvoiceReceived', 'InvoiceCredited']);
        expect(invoice).toMatchObject({ status: 'credited', caseId: null });
      }
    });

    it('50 parallel sends of one invoice open exactly one case', async () => {
      await api.call('PUT', '/api/invoices/8002', { token, body: invoiceBody({ ocr: undefined }) });
      const answers = await Promise.all(Array.from({ length: 50 }, () => api.call('POST', '/api/invoices/8002/reminder-case', { token })));
      expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
      expect(answers.filter((a) => a.status === 409)).toHaveLength(49);
      const { rows } = await api.storage.sql.query<{ n: string }>(
        `SELECT count(*) AS n FROM es_events WHERE stream_id LIKE '%-8002' AND type = 'ReminderCaseRequested'`,
      );
      expect(Number(rows[0].n)).toBe(1);
    });

    it('repeats the race a few times without a single double outcome', async () => {
      for (let round = 0; round < 5; round++) {
        const { winners, losers } = await race(`81${round}0`);
        expect([winners.length, losers.length]).toEqual([1, 49]);
      }
    });
  });

/**
 * 100 parallel conflicting commands on one invoice and its open case, with the partner (the sandbox,
 * in-process) reporting its own changes meanwhile: users send, close, pause, resume, credit and register
 * payments; the partner's signed pushes arrive through HTTP; at the partner the debtor disputes and the
 * clock moves to the inkassokrav. Afterwards the domain's invariants hold over the whole stream.
 */
if (url)
  describe('100 parallel conflicting commands on one invoice and one case, with the partner reporting', () => {
    const SECRET = 'concurrency-push-secret';
    let api: Api;
    let sandbox: Sandbox;
    let sandboxUrl: string;
    let token: string;
    const invoiceNumber = 'RACE-1';
    const streamId = streams.receivable(companyIdFor(ORG.main), invoiceNumber);
    const partner = (method: string, path: string, body?: unknown) =>
      fetch(sandboxUrl + path, { method, headers: { 'x-api-key': 'sandbox-key', ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

    beforeAll(async () => {
      sandbox = await createSandbox({ dataDir: mkdtempSync(join(tmpdir(), 'pm-race-')), apiKey: 'sandbox-key', tickMs: 200 });
      sandboxUrl = await sandbox.listen(0, '127.0.0.1');
      // Real time: the partner signs its pushes with real timestamps, which the API checks against its clock.
      api = await startApi(postgresStorage(url), new Date().toISOString(), {
        partner: { url: sandboxUrl, apiKey: 'sandbox-key', portalUrl: `${sandboxUrl}/portal`, webhookSecret: SECRET, pollIntervalMs: 300, reconcileIntervalMs: 1500 },
      });
      expect((await partner('POST', '/_sandbox/webhook', { url: `${api.url}/api/partner/notifications`, secret: SECRET })).status).toBe(200);
      token = await companyWithUser(api, ORG.main);
      expect((await api.call('PUT', `/api/invoices/${invoiceNumber}`, { token, body: invoiceBody({ ocr: undefined }) })).status).toBe(201);
      expect((await api.call('POST', `/api/invoices/${invoiceNumber}/reminder-case`, { token })).status).toBe(201);
      // Registered, and the partner's reminder sent (a pausable stage).
      await until(async () => (await api.call('GET', `/api/invoices/${invoiceNumber}`, { token })).body.status === 'reminder_sent');
    }, 60_000);

    afterAll(async () => {
      await api?.close();
      await sandbox?.close();
    });

    it('no 5xx; every success is in the log and every refusal stored nothing; one open case at a time, no credit while open, never a negative claim; contiguous versions, an intact hash chain, and a read model equal to the fold', async () => {
      const partnerCaseId: string = (await api.call('GET', `/api/invoices/${invoiceNumber}`, { token })).body.partnerCaseId;
      const today = new Date().toISOString().slice(0, 10);
      type Kind = 'send' | 'close' | 'pause' | 'resume' | 'credit' | 'payment' | 'push';
      const kinds: Kind[] = [
        ...Array<Kind>(18).fill('send'),
        ...Array<Kind>(14).fill('close'),
        ...Array<Kind>(16).fill('pause'),
        ...Array<Kind>(16).fill('resume'),
        ...Array<Kind>(4).fill('credit'),
        ...Array<Kind>(20).fill('payment'),
        ...Array<Kind>(12).fill('push'),
      ];
      // Shuffled, so the kinds interleave (deterministically: a fixed permutation).
      const order = kinds.map((kind, i) => ({ kind, i, key: (i * 7919) % 101 })).sort((a, b) => a.key - b.key);
      const pushBody = JSON.stringify({ event: 'case.updated', case: partnerCaseId });
      const request = async ({ kind, i }: { kind: Kind; i: number }) => {
        // All in flight together, each let go within 400 ms, so the case goes through several states meanwhile
        // (pauses and resumes mostly early, while the first case is still in a pausable stage; closes later).
        const spread = (i * 7717) % 400;
        await new Promise((r) => setTimeout(r, kind === 'pause' || kind === 'resume' ? spread / 2 : kind === 'close' || kind === 'credit' ? 100 + (spread * 3) / 4 : spread));
        const correlationId = `race-${kind}-${i}`;
        const headers = { 'x-correlation-id': correlationId };
        const base = `/api/invoices/${invoiceNumber}`;
        let answer: { status: number; body: any };
        switch (kind) {
          case 'send':
            answer = await api.call('POST', `${base}/reminder-case`, { token, headers });
            break;
          case 'close':
            answer = await api.call('POST', `${base}/reminder-case/close`, { token, headers, body: { reason: `stäng ${i}` } });
            break;
          case 'pause':
            answer = await api.call('POST', `${base}/reminder-case/pause`, { token, headers, body: { until: '2027-03-01', reason: 'anstånd' } });
            break;
          case 'resume':
            answer = await api.call('POST', `${base}/reminder-case/resume`, { token, headers });
            break;
          case 'credit':
            answer = await api.call('POST', `${base}/credit`, { token, headers, body: { reason: `kredit ${i}` } });
            break;
          case 'payment':
            // Mostly 80 kr, a few large enough that they cannot all fit in what the customer owes (1 250 kr).
            answer = await api.call('POST', `${base}/payments`, { token, headers, body: { amountOre: i % 5 === 0 ? 60_000 : 8_000, paidOn: today, reference: `RACE-P-${i}` } });
            break;
          case 'push': {
            const timestamp = Math.floor(Date.now() / 1000);
            const signature = `sha256=${createHmac('sha256', SECRET).update(`${timestamp}.${pushBody}`).digest('hex')}`;
            answer = await api.call('POST', '/api/partner/notifications', {
              raw: pushBody,
              headers: { 'x-webhook-timestamp': String(timestamp), 'x-webhook-signature': signature, 'x-idempotency-key': correlationId },
            });
            break;
          }
        }
        return { kind, correlationId, ...answer };
      };
      // Meanwhile at the partner: the debtor disputes, it is resolved, and the clock runs on to the inkassokrav.
      const atThePartner = (async () => {
        await new Promise((r) => setTimeout(r, 150));
        await partner('POST', `/_sandbox/cases/${partnerCaseId}/dispute`);
        await partner('POST', `/_sandbox/cases/${partnerCaseId}/resolve-dispute`);
        await partner('POST', '/_sandbox/clock/advance', { days: 13 });
      })();
      const answers = await Promise.all(order.map(request));
      await atThePartner;

      const statuses = answers.reduce<Record<string, number>>((count, a) => ({ ...count, [`${a.kind} ${a.status}`]: (count[`${a.kind} ${a.status}`] ?? 0) + 1 }), {});
      console.log(`100 parallel commands on one invoice: ${JSON.stringify(statuses)}; refusals: ${JSON.stringify([...new Set(answers.filter((a) => a.status >= 400).map((a) => `${a.kind} ${a.body.code}`))])}`);
      expect(answers.filter((a) => a.status >= 500)).toEqual([]);
      for (const a of answers) {
        expect([a.kind, a.status >= 200 && a.status < 300 ? 'ok' : a.status >= 400 ? 'refused' : a.status]).toEqual([a.kind, expect.stringMatching(/ok|refused/)]);
        if (a.status >= 400) expect(typeof a.body.code).toBe('string');
      }
      const succeeded = answers.filter((a) => a.status < 300 && a.kind !== 'push');
      const refused = answers.filter((a) => a.status >= 400);
      expect(succeeded.length).toBeGreaterThan(0);
      expect(refused.length).toBeGreaterThan(0);

      // The log settles once the partner has heard of everything (the outbox) and come back (pushes, polling):
      // then the read model is a fold of the stream.
      const { events, readModel } = await until(async () => {
        const { events: stream } = await api.storage.store.readStream(streamId);
        const row = (await api.storage.sql.query<{ version: number; state: unknown; remaining_ore: string | number; base_status: string }>('SELECT version, state, remaining_ore, base_status FROM rm_invoices WHERE stream_id = $1', [streamId])).rows[0];
        return row && row.version === stream.length ? { events: stream, readModel: row } : undefined;
      }, 60_000);

      // Every success's effect is in the log under its correlation id; every refusal left nothing there.
      const expected: Record<Exclude<Kind, 'push'>, string> = {
        send: 'ReminderCaseRequested',
        close: 'ReminderCaseClosed',
        pause: 'ReminderCasePaused',
        resume: 'ReminderCaseResumed',
        credit: 'InvoiceCredited',
        payment: 'PaymentRegistered',
      };
      const byCorrelation = new Map<string, string[]>();
      for (const e of events) byCorrelation.set(e.metadata.correlationId, [...(byCorrelation.get(e.metadata.correlationId) ?? []), e.type]);
      for (const a of succeeded) expect({ request: a.correlationId, types: byCorrelation.get(a.correlationId) ?? [] }).toEqual({ request: a.correlationId, types: expect.arrayContaining([expected[a.kind as Exclude<Kind, 'push'>]]) });
      for (const a of refused) expect({ request: a.correlationId, code: a.body.code, types: byCorrelation.get(a.correlationId) ?? [] }).toEqual({ request: a.correlationId, code: a.body.code, types: [] });

      // Versions 1…n without a gap, and a hash chain that verifies.
      expect(events.map((e) => e.streamVersion)).toEqual(events.map((_, i) => i + 1));
      expect(verifyStreamChain(events)).toEqual([]);

      // The invariants, at every step of the stream.
      let state = receivableDecider.initialState();
      for (const event of events as unknown as ReceivableEvent[]) {
        const at = `${(event as unknown as { streamVersion: number }).streamVersion} ${event.type}`;
        if (event.type === 'ReminderCaseRequested') expect({ at, openCase: openCase(state)?.caseId ?? null }).toEqual({ at, openCase: null });
        if (event.type === 'InvoiceCredited') expect({ at, openCase: openCase(state)?.caseId ?? null }).toEqual({ at, openCase: null });
        if (event.type === 'PaymentRegistered') expect({ at, credited: state.credited }).toEqual({ at, credited: null });
        state = receivableDecider.evolve(state, event);
        expect({ at, remaining: state.paidOre <= customerShareOre(state.invoice!) }).toEqual({ at, remaining: true });
        expect(remainingClaimOre(state)).toBeGreaterThanOrEqual(0);
      }
      expect(readModel.state).toEqual(JSON.parse(JSON.stringify(state)));
      expect(Number(readModel.remaining_ore)).toBe(remainingClaimOre(state));
      expect(readModel.base_status).toBe(invoiceBaseStatus(state));
      const view = (await api.call('GET', `/api/invoices/${invoiceNumber}`, { token })).body;
      expect(view).toMatchObject({ claimOre: remainingClaimOre(state), caseId: state.currentCase?.caseId ?? null });

      // At the partner too: at most one open case for the invoice, once the outbox has caught up.
      await until(async () => {
        const list = await partner('GET', `/cases?max_results=50&where=${encodeURIComponent(JSON.stringify({ invoice_number: invoiceNumber }))}`);
        const open = list.body._items.filter((c: { closed: unknown }) => !c.closed);
        return open.length <= 1 ? open : undefined;
      }, 30_000);
    }, 180_000);
  });

