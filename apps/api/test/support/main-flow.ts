/**
 * The main flow over HTTP, run against every store: activate → upsert invoices → send an overdue
 * invoice → payments → close → credit, and every refusal with its status and code, checking that a
 * refused command stores no event.
 */
import { type Api, ORG, type StorageFactory, address, companyWithUser, invoiceBody, startApi } from './api-harness';

export function describeMainFlow(storeName: string, factory: StorageFactory): void {
  describe(`Main flow over HTTP on ${storeName}`, () => {
    let api: Api;
    let token: string;

    beforeAll(async () => {
      api = await startApi(factory);
      token = await companyWithUser(api, ORG.main, false);
    });
    afterAll(async () => api?.close());

    /** Asserts the call is refused with this status and code and that the event log did not grow. */
    async function refused(method: string, path: string, status: number, code: string, options: Parameters<Api['call']>[2] = {}) {
      const before = await api.eventCount();
      const response = await api.call(method, path, { token, ...options });
      expect({ status: response.status, code: response.body?.code }).toEqual({ status, code });
      expect(typeof response.body.message).toBe('string');
      expect(await api.eventCount()).toBe(before);
      return response.body;
    }

    it('registers invoices from the invoicing program, and refuses broken ones', async () => {
      const created = await api.call('PUT', '/api/invoices/1001', { token, body: invoiceBody() });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ invoiceNumber: '1001', status: 'overdue', claimOre: 125000, lastDayToPay: '2026-11-02' });
      expect(created.headers.get('etag')).toBe('"1"');
      const same = await api.call('PUT', '/api/invoices/1001', { token, body: invoiceBody() });
      expect(same.status).toBe(200);
      expect(same.body.version).toBe(1);

      await refused('PUT', '/api/invoices/1009', 422, 'INVOICE.INVALID_OCR', { body: invoiceBody({ ocr: '10018' }) });
      const unknown = await refused('PUT', '/api/invoices/1009', 400, 'REQUEST.INVALID', { body: { ...invoiceBody(), discount: 5 } });
      expect(unknown.errors).toEqual([{ field: 'discount', message: 'discount is not a known field' }]);
      const missing = await refused('PUT', '/api/invoices/1009', 400, 'REQUEST.INVALID', { body: invoiceBody({ totalOre: 12.5, customer: undefined }) });
      expect(missing.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['totalOre', 'customer']));
      await refused('PUT', '/api/invoices/1009', 400, 'REQUEST.MALFORMED_JSON', { raw: '{"invoiceDate": "2026-' });
      await refused('PUT', '/api/invoices/bad%20number', 400, 'REQUEST.INVALID_INVOICE_NUMBER', { body: invoiceBody() });
    });

    it('refuses to send before the company has activated the service', async () => {
      const activation = await api.call('GET', '/api/activation', { token });
      expect(activation.body).toMatchObject({ active: false, termsVersion: '2026-1', activationNeeded: 'never_activated' });
      await refused('POST', '/api/invoices/1001/reminder-case', 422, 'COMPANY.NOT_ACTIVATED');
    });

    it('activates with explicit acceptance of the terms in force, recording who and when', async () => {
      await refused('POST', '/api/activation', 422, 'ACTIVATION.TERMS_NOT_ACCEPTED', { body: { termsVersion: '2026-1', accepted: false } });
      await refused('POST', '/api/activation', 409, 'ACTIVATION.TERMS_VERSION_OUTDATED', { body: { termsVersion: '2025-2', accepted: true } });
      const activated = await api.call('POST', '/api/activation', { token, body: { termsVersion: '2026-1', accepted: true } });
      expect(activated.status).toBe(201);
      expect(activated.body).toMatchObject({
        active: true,
        acceptedTermsVersion: '2026-1',
        acceptedBy: { kind: 'user', id: 'anna' },
        acceptedAt: '2026-11-23T10:00:00.000Z',
      });
      const company = await api.call('GET', '/api/company', { token });
      expect(company.body).toMatchObject({ organisationNumber: '556036-0793', country: 'SE', activation: { active: true } });
    });

    it('refuses invoices that cannot be sent, each with its reason', async () => {
      await api.call('PUT', '/api/invoices/2001', { token, body: invoiceBody({ currency: 'EUR', ocr: undefined }) });
      await refused('POST', '/api/invoices/2001/reminder-case', 422, 'INVOICE.CURRENCY_NOT_SEK');
      await api.call('PUT', '/api/invoices/2002', { token, body: invoiceBody({ invoiceDate: '2026-11-20', dueDate: '2026-12-20', ocr: undefined }) });
      await refused('POST', '/api/invoices/2002/reminder-case', 422, 'INVOICE.NOT_OVERDUE');
      const abroad = invoiceBody({ ocr: undefined, customer: { ...invoiceBody().customer, address: address('NO') } });
      await api.call('PUT', '/api/invoices/2003', { token, body: abroad });
      await refused('POST', '/api/invoices/2003/reminder-case', 422, 'CUSTOMER.NOT_IN_SWEDEN');
      await refused('POST', '/api/invoices/9999/reminder-case', 404, 'INVOICE.NOT_FOUND');
      const list = await api.call('GET', '/api/invoices?sort=invoiceNumber', { token });
      const byNumber = Object.fromEntries(list.body.items.map((i: { invoiceNumber: string }) => [i.invoiceNumber, i]));
      expect(byNumber['2001'].allowedActions).not.toContain('send_to_reminder_handling');
      expect(byNumber['2002'].status).toBe('not_due');
    });

    it('waits for the next bank day when the due date falls on a weekend before a public holiday', async () => {
      // Due Saturday 26 Dec 2026 (annandag jul), then Sunday: Monday 28 Dec is the last day to pay on time.
      await api.call('PUT', '/api/invoices/3001', { token, body: invoiceBody({ invoiceDate: '2026-11-26', dueDate: '2026-12-26', ocr: undefined }) });
      api.clock.set('2026-12-28T20:00:00.000Z'); // 21:00 in Stockholm, still 28 Dec
      const body = await refused('POST', '/api/invoices/3001/reminder-case', 422, 'INVOICE.NOT_OVERDUE');
      expect(body.details).toEqual({ dueDate: '2026-12-26', lastDayToPay: '2026-12-28' });
      api.clock.set('2026-12-28T23:30:00.000Z'); // 00:30 on 29 Dec in Stockholm
      const sent = await api.call('POST', '/api/invoices/3001/reminder-case', { token });
      expect(sent.status).toBe(201);
      api.clock.set('2026-11-23T10:00:00.000Z');
    });

    let caseId: string;

    it('sends an overdue invoice: one case, visible at once in the list and the invoice', async () => {
      await refused('POST', '/api/invoices/1001/reminder-case', 409, 'CASE.CLAIM_CHANGED', { body: { confirmedClaimOre: 100000 } });
      const sent = await api.call('POST', '/api/invoices/1001/reminder-case', { token, body: { confirmedClaimOre: 125000 } });
      expect(sent.status).toBe(201);
      caseId = sent.body.caseId;
      const invoice = await api.call('GET', '/api/invoices/1001', { token });
      expect(invoice.body).toMatchObject({
        status: 'requested',
        caseId,
        caseStatus: 'requested',
        sentAt: '2026-11-23T10:00:00.000Z',
        allowedActions: ['close_case', 'register_payment'],
      });
      const filtered = await api.call('GET', '/api/invoices?status=requested', { token });
      expect(filtered.body.items.map((i: { invoiceNumber: string }) => i.invoiceNumber)).toEqual(['1001', '3001']);
      const overdue = await api.call('GET', '/api/invoices?overdue=true&sort=invoiceNumber', { token });
      expect(overdue.body.items.map((i: { invoiceNumber: string }) => i.invoiceNumber)).toEqual(['1001', '2001', '2003']);
      const theCase = await api.call('GET', `/api/cases/${caseId}`, { token });
      expect(theCase.body).toMatchObject({ caseId, status: 'requested', open: true, initialClaimOre: 125000, nextStep: { step: 'registration' } });
      expect(theCase.body.expectedClaim.capitalOre).toBe(125000);
      expect(theCase.body.expectedClaim.interestOre).toBeGreaterThan(0);
    });

    it('refuses a second case and crediting while the case is open', async () => {
      await refused('POST', '/api/invoices/1001/reminder-case', 409, 'CASE.ALREADY_OPEN');
      await refused('POST', '/api/invoices/1001/credit', 409, 'INVOICE.CASE_OPEN', { body: {} });
      await refused('PUT', '/api/invoices/1001', 409, 'INVOICE.LOCKED_BY_CASE', { body: invoiceBody({ totalOre: 99000 }) });
    });

    it('a partial payment reduces the claim; a stale If-Match is refused', async () => {
      const paid = await api.call('POST', '/api/invoices/1001/payments', { token, body: { amountOre: 25000, paidOn: '2026-11-22', reference: 'KVITTO-1' } });
      expect(paid.status).toBe(201);
      expect(paid.body.invoice).toMatchObject({ claimOre: 100000, paidOre: 25000, status: 'requested' });
      await refused('POST', '/api/invoices/1001/payments', 409, 'PAYMENT.DUPLICATE', { body: { amountOre: 25000, paidOn: '2026-11-22', reference: 'KVITTO-1' } });
      await refused('POST', '/api/invoices/1001/payments', 422, 'PAYMENT.EXCEEDS_REMAINING', { body: { amountOre: 100001, paidOn: '2026-11-22' } });
      await refused('POST', '/api/invoices/1001/reminder-case/close', 409, 'REQUEST.STALE_VERSION', {
        body: { reason: 'x' },
        headers: { 'if-match': '"2"' },
      });
    });

    it('closes the case with a reason, then the invoice may be credited, and then nothing more is sent', async () => {
      await refused('POST', '/api/invoices/1001/reminder-case/close', 400, 'REQUEST.INVALID', { body: {} });
      const version = (await api.call('GET', '/api/invoices/1001', { token })).body.version;
      const closed = await api.call('POST', '/api/invoices/1001/reminder-case/close', {
        token,
        body: { reason: 'Kunden betalade direkt till oss' },
        headers: { 'if-match': `"${version}"` },
      });
      expect(closed.status).toBe(200);
      expect(closed.body).toMatchObject({ status: 'closed', caseStatus: 'closed' });
      expect(closed.body.allowedActions).toContain('credit_invoice');
      const credited = await api.call('POST', '/api/invoices/1001/credit', { token, body: { reason: 'Kreditfaktura 1001-K' } });
      expect(credited.status).toBe(200);
      expect(credited.body).toMatchObject({ status: 'credited', allowedActions: [] });
      await refused('POST', '/api/invoices/1001/reminder-case', 409, 'INVOICE.CREDITED');
      await refused('POST', '/api/invoices/1001/credit', 409, 'INVOICE.ALREADY_CREDITED', { body: {} });
    });

    it('keeps the audit trail of the case: who, when, what, why, chained by hashes', async () => {
      const trail = await api.call('GET', `/api/cases/${caseId}/events`, { token, headers: { 'x-correlation-id': 'ignored-for-reads' } });
      expect(trail.status).toBe(200);
      expect(trail.body.events.map((e: { type: string }) => e.type)).toEqual([
        'ReminderCaseRequested',
        'PaymentRegistered',
        'ReminderCasePartlyPaid',
        'ReminderCaseClosed',
      ]);
      const closed = trail.body.events[3];
      expect(closed).toMatchObject({ actor: { kind: 'user', id: 'anna' }, reason: 'Kunden betalade direkt till oss', occurredAt: '2026-11-23T10:00:00.000Z' });
      expect(closed.correlationId).toBeTruthy();
      expect(closed.causationId).toBeTruthy();
      expect(trail.body.events[1].correlationId).toBe(trail.body.events[2].correlationId);
      for (let i = 1; i < trail.body.events.length; i++) expect(trail.body.events[i].hash).toMatch(/^[0-9a-f]{64}$/);
      expect(trail.body.events[2].previousHash).toBe(trail.body.events[1].hash);
    });

    it('a payment covering the remaining claim closes the case as paid', async () => {
      await api.call('PUT', '/api/invoices/4001', { token, body: invoiceBody({ ocr: undefined, taxReduction: { type: 'ROT', amountOre: 30000 } }) });
      const sent = await api.call('POST', '/api/invoices/4001/reminder-case', { token, headers: { 'x-correlation-id': 'host-req-42' } });
      const theCase = await api.call('GET', `/api/cases/${sent.body.caseId}`, { token });
      expect(theCase.body.initialClaimOre).toBe(95000); // the customer's share: total minus the ROT reduction
      const paid = await api.call('POST', '/api/invoices/4001/payments', { token, body: { amountOre: 95000, paidOn: '2026-11-23' } });
      expect(paid.body.invoice).toMatchObject({ status: 'paid', claimOre: 0, caseStatus: 'paid', taxReduction: { readyForSkatteverket: true } });
      const trail = await api.call('GET', `/api/cases/${sent.body.caseId}/events`, { token });
      expect(trail.body.events[0].correlationId).toBe('host-req-42');
      expect(trail.body.events.map((e: { type: string }) => e.type)).toEqual(['ReminderCaseRequested', 'PaymentRegistered', 'ReminderCasePaid']);
    });

    it("never shows another company's data: 404", async () => {
      await companyWithUser(api, ORG.other);
      const other = api.userToken(ORG.other, 'bertil');
      expect((await api.call('GET', '/api/invoices/4001', { token: other })).status).toBe(404);
      expect((await api.call('POST', '/api/invoices/4001/credit', { token: other, body: {} })).status).toBe(404);
      expect((await api.call('GET', `/api/cases/${caseId}`, { token: other })).status).toBe(404);
      expect((await api.call('GET', `/api/cases/${caseId}/events`, { token: other })).status).toBe(404);
      expect((await api.call('GET', '/api/invoices', { token: other })).body.total).toBe(0);
    });
  });
}
