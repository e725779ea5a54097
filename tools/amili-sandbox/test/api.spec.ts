import { passesLuhn } from '../src/identity';
import { call, createCreditor, creditorBody, orgNumber, registrationBody, startSandbox, type Harness } from './helpers';

describe('partner API basics', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startSandbox();
  });
  afterEach(() => h.dispose());

  describe('auth', () => {
    it('refuses a missing or wrong X-API-Key with an Eve-style 401', async () => {
      const missing = await call(h.url, 'GET', '/cases');
      expect(missing.status).toBe(401);
      expect(missing.body).toEqual({ _status: 'ERR', _error: { code: 401, message: expect.any(String) } });
      const wrong = await call(h.url, 'GET', '/cases', undefined, { 'x-api-key': 'nope' });
      expect(wrong.status).toBe(401);
      const control = await call(h.url, 'POST', '/_sandbox/clock/advance', { days: 1 });
      expect(control.status).toBe(401);
    });

    it('serves /health and the portal without a key', async () => {
      const health = await call(h.url, 'GET', '/health');
      expect(health.status).toBe(200);
      expect(health.body).toEqual({ status: 'ok' });
      expect((await call(h.url, 'GET', '/portal')).status).toBe(200);
    });

    it('answers an unknown path with an Eve-style 404', async () => {
      const res = await h.call('GET', '/nothing-here');
      expect(res.status).toBe(404);
      expect(res.body._status).toBe('ERR');
    });
  });

  describe('creditors', () => {
    it('creates a creditor (201) and links the same organisation number idempotently (200)', async () => {
      const first = await h.call('POST', '/creditors', creditorBody());
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({
        _id: expect.stringMatching(/^cr_/),
        organization_number: orgNumber(),
        name: 'Byggfirman AB',
        reminder_fee_agreed: true,
        _created: expect.stringMatching(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/),
        _etag: expect.any(String),
      });
      const again = await h.call('POST', '/creditors', creditorBody({ name: 'Annat namn', organization_number: orgNumber().replace('-', '') }));
      expect(again.status).toBe(200);
      expect(again.body._id).toBe(first.body._id);
      expect(again.body.name).toBe('Byggfirman AB');

      const byId = await h.call('GET', `/creditors/${first.body._id}`);
      expect(byId.body).toEqual(first.body);
      const where = encodeURIComponent(JSON.stringify({ organization_number: orgNumber() }));
      const listed = await h.call('GET', `/creditors?where=${where}`);
      expect(listed.body._meta.total).toBe(1);
      expect(listed.body._items[0]._id).toBe(first.body._id);
    });

    it('refuses an invalid organisation number and a foreign address with 422 and _issues', async () => {
      const badNumber = await h.call('POST', '/creditors', creditorBody({ organization_number: '556703-7484' }));
      expect(badNumber.status).toBe(422);
      expect(badNumber.body._issues).toHaveProperty('organization_number');
      const foreign = await h.call('POST', '/creditors', creditorBody({ address: { address_line_1: 'Karl Johans gate 1', zip_code: '01234', city: 'Oslo', country: 'NO' } }));
      expect(foreign.status).toBe(422);
      expect(foreign.body._issues['address.country']).toMatch(/non-Swedish/);
      expect((await h.call('GET', '/creditors')).body._meta.total).toBe(0);
    });

    it('answers 404 for an unknown creditor', async () => {
      expect((await h.call('GET', '/creditors/cr_missing')).status).toBe(404);
    });
  });

  describe('case registration', () => {
    let creditor: string;
    const now = (): number => h.sandbox.clock.now().getTime();
    beforeEach(async () => {
      creditor = await createCreditor(h);
    });

    it('registers a debt as a case with a Luhn-checked OCR number', async () => {
      const res = await h.call('POST', '/case--registrations', registrationBody(creditor, { now: now() }));
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        _id: expect.stringMatching(/^r_/),
        status: 'completed',
        messages: [],
        cases: [{ _id: expect.stringMatching(/^c_/), invoice_number: '1001', ocr: expect.stringMatching(/^\d+$/) }],
      });
      expect(passesLuhn(res.body.cases[0].ocr)).toBe(true);
      const kase = (await h.call('GET', `/cases/${res.body.cases[0]._id}`)).body;
      expect(kase).toMatchObject({ creditor, invoice_number: '1001', ocr: res.body.cases[0].ocr, debtor: { name: 'Kalle Svensson', id_number: '198112189876', is_company: false } });
    });

    it.each([
      ['a missing address field', (b: any) => delete b.customer.address.zip_code, 'customer.address.zip_code'],
      ['a missing id_number', (b: any) => delete b.customer.id_number, 'customer.id_number'],
      ['a non-SEK currency', (b: any) => (b.currency = 'EUR'), 'currency'],
      ['an unknown creditor', (b: any) => (b.creditor = 'cr_unknown'), 'creditor'],
      ['a non-Swedish address', (b: any) => (b.customer.address.country = 'DK'), 'customer.address.country'],
      ['capital_to_claim of 0', (b: any) => (b.debts[0].capital_to_claim = 0), 'debts.0.capital_to_claim'],
      ['capital_to_claim with three decimals', (b: any) => (b.debts[0].capital_to_claim = 10.005), 'debts.0.capital_to_claim'],
      ['an invoice date that is not RFC 1123', (b: any) => (b.debts[0].invoice_date = '2026-10-01'), 'debts.0.invoice_date'],
    ])('refuses %s with 422 and _issues', async (_what, mutate, field) => {
      const body = registrationBody(creditor, { now: now() });
      mutate(body);
      const res = await h.call('POST', '/case--registrations', body);
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ _status: 'ERR', _error: { code: 422 } });
      expect(res.body._issues).toHaveProperty([field]);
      expect((await h.call('GET', '/cases')).body._meta.total).toBe(0);
    });

    it('collects every issue of a request at once', async () => {
      const body = registrationBody(creditor, { now: now() });
      body.currency = 'NOK';
      delete body.customer.address;
      body.debts[0].capital_to_claim = -5;
      const res = await h.call('POST', '/case--registrations', body);
      expect(Object.keys(res.body._issues).sort()).toEqual(['currency', 'customer.address', 'debts.0.capital_to_claim']);
    });

    it('answers the open case again for the same creditor + invoice number', async () => {
      const first = await h.call('POST', '/case--registrations', registrationBody(creditor, { now: now() }));
      const second = await h.call('POST', '/case--registrations', registrationBody(creditor, { now: now(), capital: 99 }));
      expect(second.status).toBe(200);
      expect(second.body.status).toBe('warning');
      expect(second.body.messages[0]).toMatch(/already has an open case/);
      expect(second.body.cases).toEqual(first.body.cases);
      expect((await h.call('GET', '/cases')).body._meta.total).toBe(1);

      // Another creditor's invoice 1001 is another debt.
      const other = await createCreditor(h, { organization_number: orgNumber('556036079') });
      const third = await h.call('POST', '/case--registrations', registrationBody(other, { now: now() }));
      expect(third.status).toBe(201);
      expect(third.body.cases[0]._id).not.toBe(first.body.cases[0]._id);
    });

    it('opens one case when the same invoice is registered many times at once (one group commit)', async () => {
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) => h.call('POST', '/case--registrations', registrationBody(creditor, { now: now(), invoiceNumber: 'SAME' }), { 'idempotency-key': `same-${i}` })),
      );
      expect(answers.map((a) => a.status).sort()).toEqual([...Array.from({ length: 11 }, () => 200), 201]);
      expect(new Set(answers.map((a) => a.body.cases[0]._id)).size).toBe(1);
      // Closed, the invoice takes a new case; the closed one is still found as its latest when no case is open.
      const [caseId] = answers.find((a) => a.status === 201)!.body.cases.map((c: any) => c._id);
      expect((await h.call('POST', '/creditor--cancellations', { origin: 'creditor_system', creditor, invoice_number: 'SAME' })).status).toBe(200);
      expect((await h.call('GET', `/cases/${caseId}`)).body.status).toBe('cancelled');
      const again = await h.call('POST', '/case--registrations', registrationBody(creditor, { now: now(), invoiceNumber: 'SAME' }));
      expect(again.status).toBe(201);
      expect(again.body.cases[0]._id).not.toBe(caseId);
    });

    it('replays the first answer for the same Idempotency-Key without doing the work again', async () => {
      const headers = { 'idempotency-key': 'reg-1' };
      const first = await h.call('POST', '/case--registrations', registrationBody(creditor, { now: now() }), headers);
      const second = await h.call('POST', '/case--registrations', registrationBody(creditor, { now: now() }), headers);
      expect(second.status).toBe(first.status);
      expect(second.text).toBe(first.text);
      expect((await h.call('GET', '/case--registrations')).body._meta.total).toBe(1);
      // A refusal is an answer too: the same key keeps answering it.
      const bad = await h.call('POST', '/creditors', creditorBody({ organization_number: 'x' }), { 'idempotency-key': 'cr-1' });
      const badAgain = await h.call('POST', '/creditors', creditorBody(), { 'idempotency-key': 'cr-1' });
      expect(bad.status).toBe(422);
      expect(badAgain.status).toBe(422);
      expect(badAgain.text).toBe(bad.text);
    });

    it('forgets an Idempotency-Key after 24 hours', async () => {
      const headers = { 'idempotency-key': 'reg-2' };
      await h.call('POST', '/case--registrations', registrationBody(creditor, { now: now(), invoiceNumber: 'A' }), headers);
      await h.call('POST', '/_sandbox/clock/advance', { days: 1.01 });
      const later = await h.call('POST', '/case--registrations', registrationBody(creditor, { now: now(), invoiceNumber: 'B' }), headers);
      expect(later.status).toBe(201);
      expect(later.body.cases[0].invoice_number).toBe('B');
    });

    it('registers several debts as several cases', async () => {
      const body = registrationBody(creditor, { now: now() });
      body.debts.push({ ...body.debts[0], invoice_number: '1002', capital_to_claim: 10.5 });
      const res = await h.call('POST', '/case--registrations', body);
      expect(res.status).toBe(201);
      expect(res.body.cases.map((c: any) => c.invoice_number)).toEqual(['1001', '1002']);
      expect(new Set(res.body.cases.map((c: any) => c.ocr)).size).toBe(2);
    });

    it('answers 400 for a body that is not JSON', async () => {
      const res = await fetch(`${h.url}/creditors`, { method: 'POST', headers: { 'x-api-key': h.sandbox.apiKey, 'content-type': 'application/json' }, body: '{nope' });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ _status: 'ERR', _error: { code: 400 } });
    });
  });
});
