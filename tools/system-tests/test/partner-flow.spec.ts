/**
 * The whole life of cases over real HTTP between separate API and sandbox processes (embedded store):
 * the partner moves each case and the invoice list shows every status as it happens.
 */
import { type System, activatedCompany, invoice, startSystem, until } from './support/processes';

const ORG = '556036-0793';

describe('Cases go to the partner and come back (API and sandbox as separate processes)', () => {
  let system: System;
  let token: string;

  beforeAll(async () => {
    system = await startSystem();
    token = await activatedCompany(system, ORG);
  });
  afterAll(async () => system?.stop());

  const invoiceStatus = async (number: string) => (await system.call('GET', `/api/invoices/${number}`, token)).body;
  const waitForStatus = (number: string, status: string, timeoutMs = 20_000) =>
    until(`invoice ${number} to be ${status}`, async () => ((await invoiceStatus(number)).status === status ? invoiceStatus(number) : null), timeoutMs);

  it('activation links the company as a creditor at the partner', async () => {
    const creditors = await until('the creditor at the partner', async () => {
      const list = await system.partner('GET', `/creditors?where=${encodeURIComponent(JSON.stringify({ organization_number: ORG }))}`);
      return list.body._items?.length ? list.body._items : null;
    });
    expect(creditors).toHaveLength(1);
    const company = await system.call('GET', '/api/company', token);
    expect(company.body.portalUrl).toBe(`${system.sandbox.url}/portal`);
  });

  it('send → reminder sent → inkasso → disputed → resolved → the debtor pays the partner → paid', async () => {
    await system.call('PUT', '/api/invoices/1001', token, invoice('1001'));
    const sent = await system.call('POST', '/api/invoices/1001/reminder-case', token);
    expect(sent.status).toBe(201);
    const caseId = sent.body.caseId;

    const reminded = await waitForStatus('1001', 'reminder_sent');
    const partnerCaseId = reminded.partnerCaseId;
    expect(partnerCaseId).toBeTruthy();
    const theCase = await system.call('GET', `/api/cases/${caseId}`, token);
    expect(theCase.body).toMatchObject({ partnerCaseId, portalUrl: `${system.sandbox.url}/portal/cases/${partnerCaseId}` });
    expect((await fetch(theCase.body.portalUrl)).status).toBe(200);

    await system.partner('POST', '/_sandbox/clock/advance', { days: 12 });
    await waitForStatus('1001', 'debt_collection');

    await system.partner('POST', `/_sandbox/cases/${partnerCaseId}/dispute`);
    await waitForStatus('1001', 'disputed');
    await system.partner('POST', `/_sandbox/cases/${partnerCaseId}/resolve-dispute`);
    await waitForStatus('1001', 'debt_collection');

    const partnerCase = (await system.partner('GET', `/cases/${partnerCaseId}`)).body;
    await system.partner('POST', `/_sandbox/cases/${partnerCaseId}/pay`, { amount: partnerCase.total_remaining });
    const paid = await waitForStatus('1001', 'paid');
    expect(paid).toMatchObject({ claimOre: 0, caseStatus: 'paid' });

    const trail = (await system.call('GET', `/api/cases/${caseId}/events`, token)).body.events;
    const partnerSteps = trail.filter((e: { actor: { kind: string } }) => e.actor.kind === 'partner');
    expect(partnerSteps.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(['ReminderCaseRegistered', 'ReminderCaseReminderSent', 'ReminderCaseDebtCollectionStarted', 'ReminderCaseDisputed', 'ReminderCaseDisputeResolved', 'ReminderCasePaid']),
    );
  });

  it('close in the API → cancelled at the partner', async () => {
    await system.call('PUT', '/api/invoices/1002', token, invoice('1002'));
    await system.call('POST', '/api/invoices/1002/reminder-case', token);
    const registered = await until('a partner case id', async () => (await invoiceStatus('1002')).partnerCaseId);
    const closed = await system.call('POST', '/api/invoices/1002/reminder-case/close', token, { reason: 'Vi kom överens om en avbetalning' });
    expect(closed.body.status).toBe('closed');
    const atPartner = await until('the partner case to be cancelled', async () => {
      const partnerCase = (await system.partner('GET', `/cases/${registered}`)).body;
      return partnerCase.status === 'cancelled' ? partnerCase : null;
    });
    expect(atPartner.closed).toBe(true);
    expect((await invoiceStatus('1002')).status).toBe('closed');
  });

  it('a direct payment registered in the API → reported to the partner → closed there too', async () => {
    await system.call('PUT', '/api/invoices/1003', token, invoice('1003'));
    await system.call('POST', '/api/invoices/1003/reminder-case', token);
    const partnerCaseId = await until('a partner case id', async () => (await invoiceStatus('1003')).partnerCaseId);
    const payment = await system.call('POST', '/api/invoices/1003/payments', token, { amountOre: 125000, paidOn: '2026-11-20', reference: 'SWISH-77' });
    expect(payment.body.invoice.status).toBe('paid');
    const atPartner = await until('the partner case to be paid', async () => {
      const partnerCase = (await system.partner('GET', `/cases/${partnerCaseId}`)).body;
      return partnerCase.closed ? partnerCase : null;
    });
    expect(atPartner.status).toBe('paid');
    expect(atPartner.payments).toEqual([expect.objectContaining({ origin: 'creditor', amount: 1250 })]);
    await new Promise((r) => setTimeout(r, 1000));
    expect((await invoiceStatus('1003')).status).toBe('paid');
  });

  it('a bankruptcy at the partner ends the case as written off', async () => {
    await system.call('PUT', '/api/invoices/1004', token, invoice('1004'));
    await system.call('POST', '/api/invoices/1004/reminder-case', token);
    const partnerCaseId = await until('a partner case id', async () => (await invoiceStatus('1004')).partnerCaseId);
    await system.partner('POST', `/_sandbox/cases/${partnerCaseId}/bankrupt`);
    await waitForStatus('1004', 'written_off');
  });
});

describe('A registration the partner refuses', () => {
  let system: System;
  let token: string;

  beforeAll(async () => {
    system = await startSystem();
    token = await activatedCompany(system, ORG);
  });
  afterAll(async () => system?.stop());

  it('ends our case as rejected with the partner\'s reason', async () => {
    const status = async () => (await system.call('GET', '/api/invoices/4001', token)).body;
    await system.call('PUT', '/api/invoices/4001', token, invoice('4001'));
    await system.call('POST', '/api/invoices/4001/reminder-case', token);
    const partnerCaseId = await until('a partner case id', async () => (await status()).partnerCaseId);
    await system.partner('POST', `/_sandbox/cases/${partnerCaseId}/pay`, { amount: (await system.partner('GET', `/cases/${partnerCaseId}`)).body.total_remaining });
    await until('paid', async () => (await status()).status === 'paid');
    // The invoice is corrected upwards and sent again: the partner will not take a debt it has closed as paid.
    expect((await system.call('PUT', '/api/invoices/4001', token, invoice('4001', { totalOre: 150000 }))).status).toBe(200);
    const again = await system.call('POST', '/api/invoices/4001/reminder-case', token);
    expect(again.status).toBe(201);
    const rejected = await until('the second case to be rejected', async () => ((await status()).status === 'rejected' ? status() : null));
    const theCase = (await system.call('GET', `/api/cases/${again.body.caseId}`, token)).body;
    expect(theCase).toMatchObject({ status: 'rejected', open: false });
    expect(theCase.endReason).toEqual(expect.any(String));
    expect(theCase.endReason.length).toBeGreaterThan(5);
    expect(rejected.allowedActions).toContain('credit_invoice');
  });
});

describe('Signed push notifications alone keep the list current', () => {
  let system: System;
  let token: string;

  beforeAll(async () => {
    // Polling and reconciliation are effectively off: only the partner's pushes can bring news.
    system = await startSystem({ apiEnv: { AMILI_POLL_INTERVAL_MS: '600000', AMILI_RECONCILE_INTERVAL_MS: '600000' } });
    token = await activatedCompany(system, ORG);
  });
  afterAll(async () => system?.stop());

  it('reminder sent and inkasso arrive by push', async () => {
    await system.call('PUT', '/api/invoices/2001', token, invoice('2001'));
    await system.call('POST', '/api/invoices/2001/reminder-case', token);
    const status = async () => (await system.call('GET', '/api/invoices/2001', token)).body;
    const reminded = await until('reminder sent by push', async () => ((await status()).status === 'reminder_sent' ? status() : null));
    await system.partner('POST', '/_sandbox/clock/advance', { days: 12 });
    await until('inkasso by push', async () => (await status()).status === 'debt_collection');
    expect(reminded.partnerCaseId).toBeTruthy();
  });

  it('refuses a notification with a bad signature', async () => {
    const response = await fetch(`${system.api.url}/api/partner/notifications`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-webhook-timestamp': String(Math.floor(Date.now() / 1000)),
        'x-idempotency-key': 'forged-1',
        'x-webhook-signature': 'sha256=' + '0'.repeat(64),
      },
      body: JSON.stringify({ event: 'case.updated', case: 'c_x' }),
    });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { code: string }).code).toBe('PARTNER.BAD_SIGNATURE');
  });
});

describe('Reconciliation heals what polling and pushes missed, and says so in the audit trail', () => {
  let system: System;
  let token: string;

  beforeAll(async () => {
    // No pushes and no polling: only the reconciliation job (every 2 s) compares with the partner.
    system = await startSystem({
      apiEnv: { AMILI_POLL_INTERVAL_MS: '600000', AMILI_RECONCILE_INTERVAL_MS: '1000' },
      sandboxEnv: { SANDBOX_WEBHOOK_URL: '' },
    });
    token = await activatedCompany(system, ORG);
  });
  afterAll(async () => system?.stop());

  it('finds the reminder and the inkasso the partner sent, and records its findings', async () => {
    await system.call('PUT', '/api/invoices/3001', token, invoice('3001'));
    const { caseId } = (await system.call('POST', '/api/invoices/3001/reminder-case', token)).body;
    await until('reminder found by reconciliation', async () => (await system.call('GET', '/api/invoices/3001', token)).body.status === 'reminder_sent', 30_000);
    await system.partner('POST', '/_sandbox/clock/advance', { days: 12 });
    await until('inkasso found by reconciliation', async () => (await system.call('GET', '/api/invoices/3001', token)).body.status === 'debt_collection', 30_000);
    const trail = (await system.call('GET', `/api/cases/${caseId}/events`, token)).body.events;
    const reconciled = trail.filter((e: { type: string }) => e.type === 'ReminderCaseReconciled');
    expect(reconciled.length).toBeGreaterThan(0);
    expect(reconciled[0]).toMatchObject({ actor: { kind: 'partner' }, data: { findings: expect.arrayContaining([expect.any(String)]) } });
  });
});
