import { advance, createCreditor, getCase, registerCase, registrationBody, startSandbox, type Harness } from './helpers';

describe('payments and creditor actions', () => {
  let h: Harness;
  let creditor: string;
  beforeEach(async () => {
    h = await startSandbox();
    creditor = await createCreditor(h, { reminder_fee_agreed: true });
  });
  afterEach(() => h.dispose());

  const action = (path: string, body: Record<string, unknown>) => h.call('POST', path, { origin: 'creditor_system', ...body });
  const paymentDate = 'Mon, 02 Nov 2026 00:00:00 GMT';

  describe('the debtor pays the partner', () => {
    it('allocates a partial payment to costs, then interest, then capital', async () => {
      const id = await registerCase(h, creditor, { capital: 1250, overdueDays: 40 });
      const before = await getCase(h, id);
      expect(before.remaining_costs).toBe(60);
      // 1 250 kr × 12 % × 40 / 365 = 16,438… kr
      expect(before.interest).toEqual({ rate: 12, accrued: 16.44, remaining: 16.44 });

      const paid = await h.call('POST', `/_sandbox/cases/${id}/pay`, { amount: 100 });
      expect(paid.status).toBe(200);
      expect(paid.body.payments).toEqual([
        { _id: expect.stringMatching(/^p_/), amount: 100, date: expect.any(String), origin: 'debtor', allocation: { costs: 60, interest: 16.44, capital: 23.56 } },
      ]);
      expect(paid.body).toMatchObject({ remaining_costs: 0, interest: { accrued: 16.44, remaining: 0 }, capital: { original: 1250, remaining: 1226.44 }, total_remaining: 1226.44 });
      expect(paid.body.closed).toBe(false);
      expect(paid.body.status).toBe('active');
      expect(paid.body._etag).not.toBe(before._etag);
      // Interest keeps running on the capital that is left.
      await advance(h, 10);
      expect((await getCase(h, id)).interest.remaining).toBe(Math.round((122_644 * 1_200 * 10) / 3_650_000) / 100);
    });

    it('closes the case as paid when the payment covers everything, and never accumulates rounding errors', async () => {
      const id = await registerCase(h, creditor, { capital: 1000.1, overdueDays: 7 });
      await advance(h, 12);
      let kase = await getCase(h, id);
      // Three awkward decimal payments, then exactly what is left.
      for (const amount of [0.1, 0.2, 0.7]) {
        kase = (await h.call('POST', `/_sandbox/cases/${id}/pay`, { amount })).body;
      }
      const paidSoFar = kase.payments.reduce((sum: number, p: any) => sum + Math.round(p.amount * 100), 0);
      expect(paidSoFar).toBe(100);
      const rest = kase.total_remaining;
      const last = await h.call('POST', `/_sandbox/cases/${id}/pay`, { amount: rest });
      expect(last.body).toMatchObject({ status: 'paid', closed: true, closed_reason: 'paid_in_full', total_remaining: 0, remaining_costs: 0 });
      expect(last.body.capital.remaining).toBe(0);
      expect(last.body.interest.remaining).toBe(0);
      // Closed: no more interest, no more steps, no more payments.
      await advance(h, 30);
      kase = await getCase(h, id);
      expect(kase.total_remaining).toBe(0);
      expect(kase.state).toBe('debt_collection');
      expect((await h.call('POST', `/_sandbox/cases/${id}/pay`, { amount: 1 })).status).toBe(409);
    });

    it('refuses a payment above what remains, and a malformed amount', async () => {
      const id = await registerCase(h, creditor, { capital: 100 });
      const kase = await getCase(h, id);
      expect((await h.call('POST', `/_sandbox/cases/${id}/pay`, { amount: kase.total_remaining + 1 })).status).toBe(409);
      expect((await h.call('POST', `/_sandbox/cases/${id}/pay`, { amount: 1.234 })).status).toBe(422);
      expect((await h.call('POST', '/_sandbox/cases/c_missing/pay', { amount: 1 })).status).toBe(404);
    });
  });

  describe('creditor payments', () => {
    it('reduce the capital only, and a payment of the remaining capital closes the case as paid', async () => {
      const id = await registerCase(h, creditor, { capital: 1000, invoiceNumber: 'P-1' });
      const partial = await action('/creditor--payments', { case: id, amount: 400, payment_date: paymentDate, reference: 'BG 123' });
      expect(partial.status).toBe(200);
      expect(partial.body).toEqual({ _id: expect.any(String), status: 'completed', messages: [] });
      let kase = await getCase(h, id);
      expect(kase.capital).toEqual({ original: 1000, remaining: 600 });
      expect(kase.payments[0]).toMatchObject({ amount: 400, origin: 'creditor', date: paymentDate, allocation: { costs: 0, interest: 0, capital: 400 } });
      expect(kase.remaining_costs).toBe(60);

      // By creditor + invoice number this time.
      const rest = await action('/creditor--payments', { creditor, invoice_number: 'P-1', amount: 600, payment_date: paymentDate });
      expect(rest.body.status).toBe('completed');
      kase = await getCase(h, id);
      expect(kase).toMatchObject({ status: 'paid', closed: true, closed_reason: 'paid_to_creditor', total_remaining: 0 });

      // The partner records the refusal: HTTP 200 with status "error".
      const late = await action('/creditor--payments', { case: id, amount: 1, payment_date: paymentDate });
      expect(late.status).toBe(200);
      expect(late.body).toEqual({ _id: expect.any(String), status: 'error', messages: [expect.stringMatching(/closed/)] });
    });

    it('warn about an amount above the remaining capital', async () => {
      const id = await registerCase(h, creditor, { capital: 100 });
      const res = await action('/creditor--payments', { case: id, amount: 150, payment_date: paymentDate });
      expect(res.body.status).toBe('warning');
      expect((await getCase(h, id)).status).toBe('paid');
    });

    it('refuse a malformed request with 422, and an unknown case with 404', async () => {
      const id = await registerCase(h, creditor);
      const noOrigin = await h.call('POST', '/creditor--payments', { case: id, amount: 1, payment_date: paymentDate });
      expect(noOrigin.status).toBe(422);
      expect(noOrigin.body._issues).toHaveProperty('origin');
      const bad = await action('/creditor--payments', { case: id, amount: -1, payment_date: 'yesterday' });
      expect(Object.keys(bad.body._issues).sort()).toEqual(['amount', 'payment_date']);
      const noTarget = await action('/creditor--payments', { amount: 1, payment_date: paymentDate });
      expect(noTarget.body._issues).toHaveProperty('case');
      expect((await action('/creditor--payments', { case: 'c_nope', amount: 1, payment_date: paymentDate })).status).toBe(404);
      expect((await action('/creditor--payments', { creditor, invoice_number: 'none', amount: 1, payment_date: paymentDate })).status).toBe(404);
      expect((await getCase(h, id)).payments).toEqual([]);
    });
  });

  describe('creditings and cancellations', () => {
    it('a crediting closes the case as credited, with nothing left to pay', async () => {
      const id = await registerCase(h, creditor, { capital: 500, invoiceNumber: 'K-1' });
      const res = await action('/creditor--creditings', { creditor, invoice_number: 'K-1' });
      expect(res.body.status).toBe('completed');
      expect(await getCase(h, id)).toMatchObject({ status: 'credited', closed: true, total_remaining: 0, capital: { original: 500, remaining: 0 } });
      const again = await action('/creditor--creditings', { case: id });
      expect(again.status).toBe(200);
      expect(again.body.status).toBe('error');
    });

    it('a crediting of another amount still credits all, with a warning', async () => {
      const id = await registerCase(h, creditor, { capital: 500 });
      const res = await action('/creditor--creditings', { case: id, amount: 200 });
      expect(res.body.status).toBe('warning');
      expect((await getCase(h, id)).status).toBe('credited');
    });

    it('a cancellation stops the case; a closed case refuses it with status error', async () => {
      const id = await registerCase(h, creditor);
      const res = await action('/creditor--cancellations', { case: id, reason: 'Kunden har betalat kontant' });
      expect(res.body.status).toBe('completed');
      const kase = await getCase(h, id);
      expect(kase).toMatchObject({ status: 'cancelled', closed: true, closed_reason: 'cancelled_by_creditor' });
      expect(kase.status_history.map((s: any) => s.status)).toEqual(['active', 'cancelled']);
      await advance(h, 20);
      expect((await getCase(h, id)).state).toBe('reminder');
      expect((await action('/creditor--cancellations', { case: id })).body.status).toBe('error');
    });
  });

  describe('registering an invoice again', () => {
    const register = () => h.call('POST', '/case--registrations', registrationBody(creditor, { now: h.sandbox.clock.now().getTime(), invoiceNumber: 'X-1' }));

    it('is refused with HTTP 200 and status "error" when the debt was closed as paid', async () => {
      const first = await register();
      const id = first.body.cases[0]._id;
      await action('/creditor--payments', { case: id, amount: 1250, payment_date: paymentDate });
      const again = await register();
      expect(again.status).toBe(200);
      expect(again.body).toEqual({ _id: expect.any(String), status: 'error', messages: [expect.stringMatching(/already closed as paid/)] });
      expect((await h.call('GET', '/cases')).body._meta.total).toBe(1);
    });

    it('opens a new case when the earlier one was cancelled', async () => {
      const first = await register();
      await action('/creditor--cancellations', { case: first.body.cases[0]._id });
      const again = await register();
      expect(again.status).toBe(201);
      expect(again.body.cases[0]._id).not.toBe(first.body.cases[0]._id);
    });
  });
});
