import { ResumeExpiredPausesJob } from '../src/receivables/resume-expired-pauses/resume-expired-pauses.job';
import { ReceivableCommands } from '../src/receivables/receivable-commands';
import { companyIdFor } from '../src/shared/auth/tokens';
import { type Api, ORG, companyWithUser, invoiceBody, pgliteStorage, startApi } from './support/api-harness';

describe('Pausing a case (anstånd) and resuming it', () => {
  let api: Api;
  let token: string;
  let caseId: string;
  beforeAll(async () => {
    api = await startApi(pgliteStorage);
    token = await companyWithUser(api, ORG.main);
    await api.call('PUT', '/api/invoices/6001', { token, body: invoiceBody({ ocr: undefined }) });
    caseId = (await api.call('POST', '/api/invoices/6001/reminder-case', { token })).body.caseId;
    // The partner's registration arrives through the partner sync (next issue); here it is fed directly.
    await api.app.get(ReceivableCommands).run(
      companyIdFor(ORG.main),
      '6001',
      (base) => ({ type: 'RecordPartnerRegistration', ...base, data: { caseId, partnerCaseId: 'P-6001' } }),
      { actor: { kind: 'partner', id: 'amili' }, correlationId: 'sync-1', causationId: 'sync-1' },
    );
  });
  afterAll(async () => api?.close());

  it('refuses a pause that ends today or earlier', async () => {
    const response = await api.call('POST', '/api/invoices/6001/reminder-case/pause', { token, body: { until: '2026-11-23' } });
    expect(response).toMatchObject({ status: 422, body: { code: 'CASE.PAUSE_END_IN_PAST' } });
  });

  it('pauses until a date, shows the planned resumption, and the system resumes it when the date has come', async () => {
    const paused = await api.call('POST', '/api/invoices/6001/reminder-case/pause', { token, body: { until: '2026-12-01', reason: 'Anstånd till lön' } });
    expect(paused.body).toMatchObject({ status: 'paused', allowedActions: ['close_case', 'resume_case', 'register_payment', 'open_in_portal'] });
    expect((await api.call('GET', `/api/cases/${caseId}`, { token })).body).toMatchObject({
      status: 'paused',
      pausedUntil: '2026-12-01',
      nextStep: { step: 'resume', expectedOn: '2026-12-01' },
    });
    const job = api.app.get(ResumeExpiredPausesJob);
    api.clock.set('2026-11-30T22:59:00.000Z'); // 23:59 on 30 Nov in Stockholm
    expect(await job.runOnce()).toBe(0);
    api.clock.set('2026-11-30T23:00:00.000Z'); // midnight: 1 Dec in Stockholm
    expect(await job.runOnce()).toBe(1);
    expect((await api.call('GET', '/api/invoices/6001', { token })).body.status).toBe('registered');
    const trail = await api.call('GET', `/api/cases/${caseId}/events`, { token });
    expect(trail.body.events.at(-1)).toMatchObject({ type: 'ReminderCaseResumed', actor: { kind: 'system', id: 'pause-expiry' }, data: { automatic: true } });
    expect(trail.body.events.at(-2)).toMatchObject({ type: 'ReminderCasePaused', reason: 'Anstånd till lön' });
  });

  it('a user may resume early', async () => {
    api.clock.set('2026-12-02T10:00:00.000Z');
    await api.call('POST', '/api/invoices/6001/reminder-case/pause', { token, body: { until: '2026-12-20' } });
    const resumed = await api.call('POST', '/api/invoices/6001/reminder-case/resume', { token });
    expect(resumed.body.status).toBe('registered');
    const again = await api.call('POST', '/api/invoices/6001/reminder-case/resume', { token });
    expect(again).toMatchObject({ status: 409, body: { code: 'CASE.INVALID_TRANSITION' } });
  });

  it('deactivation accepts a request without a body', async () => {
    const response = await api.call('DELETE', '/api/activation', { token });
    expect(response).toMatchObject({ status: 200, body: { active: false } });
  });
});
