/**
 * The partner outbox calls the partner for several invoices at once (AMILI_CONCURRENCY), never more than
 * that, still one call at a time and in order for one invoice, and links a company's creditor once however
 * many of its jobs need it at the same moment.
 */
import { AmiliAdapter } from '@pm/amili-adapter';
import { type Sandbox } from '@pm/amili-sandbox';
import { loadPartnerConfig } from '../src/config/app-config';
import { type Api, ORG, companyWithUser, invoiceBody, startApiWithSandbox, until } from './support/api-harness';

const CONCURRENCY = 3;
const INVOICES = 7;

describe('The partner outbox works on several invoices at once', () => {
  let api: Api;
  let sandbox: Sandbox;
  let token: string;

  beforeAll(async () => {
    ({ api, sandbox } = await startApiWithSandbox('outbox', { concurrency: CONCURRENCY }));
    // Activated in the test, once the partner calls are watched.
    token = await companyWithUser(api, ORG.main, false);
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await sandbox?.close();
  });

  it(`makes at most ${CONCURRENCY} calls at a time, links the creditor once, and keeps one invoice's calls in order`, async () => {
    const adapter = api.app.get(AmiliAdapter);
    const register = adapter.registerCase.bind(adapter);
    const cancel = adapter.cancelCase.bind(adapter);
    // The first creditor call fails (the partner is briefly away), so that the creditor is still unlinked when
    // the registrations start side by side: they must link it with one call between them, not one each.
    const ensureCreditor = jest.spyOn(adapter, 'ensureCreditor').mockRejectedValueOnce(new Error('connect ECONNREFUSED'));
    const order: string[] = [];
    let inFlight = 0;
    let mostInFlight = 0;
    const registering = jest.spyOn(adapter, 'registerCase').mockImplementation(async (input) => {
      inFlight++;
      mostInFlight = Math.max(mostInFlight, inFlight);
      try {
        // Hold each call until the others had their chance to start (or a second passed), so overlap shows.
        const deadline = Date.now() + 1000;
        while (inFlight < CONCURRENCY && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
        const number = input.invoice.invoiceNumber;
        // The first invoice is stopped while its registration is under way: the cancellation must wait for it.
        if (number === 'C-1') expect((await api.call('POST', '/api/invoices/C-1/reminder-case/close', { token, body: { reason: 'Betalt direkt till oss' } })).status).toBe(200);
        await new Promise((resolve) => setTimeout(resolve, 50));
        order.push(`register ${number}`);
        const answer = await register(input);
        order.push(`registered ${number}`);
        return answer;
      } finally {
        inFlight--;
      }
    });
    const cancelling = jest.spyOn(adapter, 'cancelCase').mockImplementation(async (input) => {
      order.push(`cancel ${input.invoiceNumber}`);
      return cancel(input);
    });
    try {
      expect((await api.call('POST', '/api/activation', { token, body: { termsVersion: '2026-1', accepted: true } })).status).toBe(201);
      const numbers = Array.from({ length: INVOICES }, (_, i) => `C-${i + 1}`);
      for (const number of numbers) expect((await api.call('PUT', `/api/invoices/${number}`, { token, body: invoiceBody({ ocr: undefined }) })).status).toBe(201);
      const sent = await Promise.all(numbers.map((number) => api.call('POST', `/api/invoices/${number}/reminder-case`, { token })));
      expect(sent.map((s) => s.status)).toEqual(numbers.map(() => 201));

      await until(async () => {
        const list = await api.call('GET', '/api/invoices?pageSize=100', { token });
        const registered = list.body.items.filter((i: { partnerCaseId?: string | null }) => i.partnerCaseId);
        return registered.length === INVOICES && order.includes('cancel C-1') ? registered : null;
      }, 30_000);

      expect(mostInFlight).toBe(CONCURRENCY);
      expect(ensureCreditor).toHaveBeenCalledTimes(2);
      expect(order.indexOf('registered C-1')).toBeGreaterThanOrEqual(0);
      expect(order.indexOf('cancel C-1')).toBeGreaterThan(order.indexOf('registered C-1'));
      expect(order.filter((o) => o.startsWith('register ')).sort()).toEqual(numbers.map((n) => `register ${n}`).sort());
    } finally {
      registering.mockRestore();
      cancelling.mockRestore();
      ensureCreditor.mockRestore();
    }
  }, 60_000);

  it('reads AMILI_CONCURRENCY (default 4) and refuses nonsense', () => {
    expect(loadPartnerConfig({ AMILI_API_KEY: 'k', AMILI_WEBHOOK_SECRET: 's' }, '/nonexistent')?.concurrency).toBe(4);
    expect(loadPartnerConfig({ AMILI_API_KEY: 'k', AMILI_WEBHOOK_SECRET: 's', AMILI_CONCURRENCY: '12' }, '/nonexistent')?.concurrency).toBe(12);
    for (const bad of ['0', '2.5', 'many', '65'])
      expect(() => loadPartnerConfig({ AMILI_API_KEY: 'k', AMILI_WEBHOOK_SECRET: 's', AMILI_CONCURRENCY: bad }, '/nonexistent')).toThrow(/AMILI_CONCURRENCY/);
  });
});
