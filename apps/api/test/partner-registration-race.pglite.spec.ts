/**
 * A user closes a case while its registration is under way at the partner: the partner opens a case, and its
 * answer comes after ours has ended. The answer is still recorded (`ReminderCaseRegisteredAfterEnd`), so the audit
 * trail names the partner's case and the cancellation that follows names it too; the case stays closed.
 * Made deterministic by closing the case from inside the registration call, after the partner has answered.
 */
import { AmiliAdapter, PartnerUnavailableError } from '@pm/amili-adapter';
import { type Sandbox } from '@pm/amili-sandbox';
import { type SqlClient } from '@pm/event-store';
import { SQL_CLIENT } from '../src/infrastructure/database/tokens';
import { type Api, ORG, companyWithUser, invoiceBody, startApiWithSandbox, until } from './support/api-harness';

describe("A case closed while the partner registers it keeps the partner's reference", () => {
  let api: Api;
  let sandbox: Sandbox;
  let sandboxUrl: string;
  let token: string;

  beforeAll(async () => {
    ({ api, sandbox, sandboxUrl } = await startApiWithSandbox('race'));
    token = await companyWithUser(api, ORG.main);
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await sandbox?.close();
  });

  const partnerGet = async (path: string) => (await fetch(`${sandboxUrl}${path}`, { headers: { 'x-api-key': 'sandbox-key' } })).json() as Promise<any>;

  it('records the late answer on the closed case, and the cancellation names the partner case', async () => {
    const adapter = api.app.get(AmiliAdapter);
    const register = adapter.registerCase.bind(adapter);
    let answered: { partnerCaseId: string; partnerOcr?: string } | undefined;
    const spy = jest.spyOn(adapter, 'registerCase').mockImplementationOnce(async (input) => {
      const answer = await register(input);
      // The partner has opened its case; before its answer is recorded here, the user closes ours.
      const closed = await api.call('POST', '/api/invoices/R-1/reminder-case/close', { token, body: { reason: 'Kunden betalade direkt' } });
      expect(closed).toMatchObject({ status: 200, body: { status: 'closed' } });
      answered = answer;
      return answer;
    });
    try {
      expect((await api.call('PUT', '/api/invoices/R-1', { token, body: invoiceBody({ ocr: undefined }) })).status).toBe(201);
      const sent = await api.call('POST', '/api/invoices/R-1/reminder-case', { token });
      expect(sent.status).toBe(201);
      const caseId: string = sent.body.caseId;

      const trail = await until(async () => {
        const events = await api.call('GET', `/api/cases/${caseId}/events`, { token });
        const types: string[] = events.body.events.map((e: { type: string }) => e.type);
        return types.includes('ReminderCaseRegisteredAfterEnd') ? events.body.events : null;
      });
      expect(answered?.partnerCaseId).toEqual(expect.any(String));
      expect(trail.map((e: { type: string }) => e.type)).toEqual(['ReminderCaseRequested', 'ReminderCaseClosed', 'ReminderCaseRegisteredAfterEnd']);
      expect(trail[2]).toMatchObject({ actor: { kind: 'partner' }, data: { caseId, partnerCaseId: answered!.partnerCaseId } });

      // Still closed here, now with the partner's reference …
      const view = await api.call('GET', `/api/cases/${caseId}`, { token });
      expect(view.body).toMatchObject({ status: 'closed', partnerCaseId: answered!.partnerCaseId });
      // The invoice shows the closed case, with the reference too.
      expect((await api.call('GET', '/api/invoices/R-1', { token })).body).toMatchObject({ status: 'closed', partnerCaseId: answered!.partnerCaseId });
      // … and the partner's case cancelled, by a call that named it.
      await until(async () => {
        const theirs = await partnerGet(`/cases/${answered!.partnerCaseId}`);
        return theirs.closed === true ? theirs : null;
      });
      const calls = await partnerGet('/_sandbox/calls?method=POST');
      const cancellations = calls.calls.filter((c: { path: string }) => c.path === '/creditor--cancellations');
      expect(cancellations).toHaveLength(1);
      expect(cancellations[0].about).toEqual(expect.arrayContaining([answered!.partnerCaseId]));
    } finally {
      spy.mockRestore();
    }
  }, 60_000);

  it('finds the partner case of a registration whose answer was lost when the case has ended before the retry', async () => {
    const adapter = api.app.get(AmiliAdapter);
    const register = adapter.registerCase.bind(adapter);
    let created: { partnerCaseId: string } | undefined;
    // The partner registers the case, but its answer never arrives (the connection drops); before the retry, the
    // user closes the case, so the retry does not register again: it must still learn which case the partner opened.
    const spy = jest.spyOn(adapter, 'registerCase').mockImplementationOnce(async (input) => {
      created = await register(input);
      expect((await api.call('POST', '/api/invoices/R-2/reminder-case/close', { token, body: { reason: 'Betalt direkt till oss' } })).status).toBe(200);
      throw new PartnerUnavailableError({ operation: 'POST /case--registrations', reason: 'network', attempts: 1, detail: 'socket hang up' });
    });
    try {
      expect((await api.call('PUT', '/api/invoices/R-2', { token, body: invoiceBody({ ocr: undefined }) })).status).toBe(201);
      const sent = await api.call('POST', '/api/invoices/R-2/reminder-case', { token });
      expect(sent.status).toBe(201);
      const caseId: string = sent.body.caseId;

      const trail = await until(async () => {
        const events = await api.call('GET', `/api/cases/${caseId}/events`, { token });
        return events.body.events.some((e: { type: string }) => e.type === 'ReminderCaseRegisteredAfterEnd') ? events.body.events : null;
      });
      expect(trail.map((e: { type: string }) => e.type)).toEqual(['ReminderCaseRequested', 'ReminderCaseClosed', 'ReminderCaseRegisteredAfterEnd']);
      expect(trail[2]).toMatchObject({ data: { caseId, partnerCaseId: created!.partnerCaseId } });
      // Registered once: the retry looked the case up instead of registering again; the cancellation names it.
      expect(spy).toHaveBeenCalledTimes(1);
      await until(async () => ((await partnerGet(`/cases/${created!.partnerCaseId}`)).closed === true ? true : null));
      const calls = await partnerGet('/_sandbox/calls?method=POST');
      expect(calls.calls.filter((c: { path: string; about: string[] }) => c.path === '/case--registrations' && c.about.includes('R-2'))).toHaveLength(1);
      const cancellations = calls.calls.filter((c: { path: string; about: string[] }) => c.path === '/creditor--cancellations' && c.about.includes(created!.partnerCaseId));
      expect(cancellations).toHaveLength(1);
    } finally {
      spy.mockRestore();
    }
  }, 60_000);

  it('registers nothing and records nothing for a case closed before its registration was ever sent', async () => {
    const adapter = api.app.get(AmiliAdapter);
    // The partner cannot be reached at all until the case is closed.
    const spy = jest.spyOn(adapter, 'registerCase').mockImplementationOnce(async () => {
      expect((await api.call('POST', '/api/invoices/R-3/reminder-case/close', { token, body: { reason: 'Betalt direkt till oss' } })).status).toBe(200);
      throw new PartnerUnavailableError({ operation: 'POST /case--registrations', reason: 'network', attempts: 1, detail: 'connect ECONNREFUSED' });
    });
    try {
      expect((await api.call('PUT', '/api/invoices/R-3', { token, body: invoiceBody({ ocr: undefined }) })).status).toBe(201);
      const sent = await api.call('POST', '/api/invoices/R-3/reminder-case', { token });
      const caseId: string = sent.body.caseId;
      const sql = api.app.get<SqlClient>(SQL_CLIENT);
      const outcome = await until(async () => {
        const { rows } = await sql.query<{ outcome: string | null }>(`SELECT outcome FROM sync_outbox WHERE job->>'kind' = 'register_case' AND job->>'invoiceNumber' = 'R-3' AND status = 'done'`);
        return rows[0]?.outcome ?? null;
      });
      expect(outcome).toMatch(/^skipped: the case ended/);
      const events = await api.call('GET', `/api/cases/${caseId}/events`, { token });
      expect(events.body.events.map((e: { type: string }) => e.type)).toEqual(['ReminderCaseRequested', 'ReminderCaseClosed']);
      expect((await partnerGet('/cases?where=' + encodeURIComponent(JSON.stringify({ invoice_number: 'R-3' }))))._meta.total).toBe(0);
    } finally {
      spy.mockRestore();
    }
  }, 60_000);
});
