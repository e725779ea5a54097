import { passesLuhn } from '../src/identity';
import { advance, call, createCreditor, DAY_MS, getCase, orgNumber, registerCase, rfcDay, startSandbox, type Harness } from './helpers';

const ore = (sek: number): number => Math.round(sek * 100);

/** To the next noon on the sandbox clock, so no test's payment and run straddle a real midnight. */
async function toNoon(h: Harness): Promise<void> {
  const now = h.sandbox.clock.now().getTime();
  await advance(h, ((DAY_MS * 1.5 - (now % DAY_MS)) % DAY_MS || DAY_MS) / DAY_MS);
}

describe('payouts (utbetalningar)', () => {
  let h: Harness;
  let creditor: string;
  beforeEach(async () => {
    h = await startSandbox();
    await toNoon(h);
    creditor = await createCreditor(h, { reminder_fee_agreed: true });
  });
  afterEach(() => h.dispose());

  const pay = async (id: string, amount: number) => {
    const res = await h.call('POST', `/_sandbox/cases/${id}/pay`, { amount });
    expect(res.status).toBe(200);
    return res.body.payments[res.body.payments.length - 1];
  };
  const run = async (headers?: Record<string, string>): Promise<any[]> => {
    const res = await h.call('POST', '/_sandbox/payouts/run', undefined, headers);
    expect(res.status).toBe(200);
    return res.body.payouts;
  };
  const listPayouts = async (query = ''): Promise<any> => {
    const res = await h.call('GET', `/payouts${query}`);
    expect(res.status).toBe(200);
    return res.body;
  };
  const today = () => rfcDay(h.sandbox.clock.now().getTime());

  it('pays out the capital and interest of a debtor payment, keeps the fees, and pays each payment once', async () => {
    const id = await registerCase(h, creditor, { capital: 1250, overdueDays: 10, invoiceNumber: 'F-1' });
    const payment = await pay(id, 500);
    expect(payment.allocation.costs).toBe(60);
    expect(payment.allocation.interest).toBeGreaterThan(0);

    const [payout, ...others] = await run();
    expect(others).toEqual([]);
    expect(payout).toEqual({
      _id: expect.stringMatching(/^po_/),
      _created: expect.stringMatching(/GMT$/),
      _updated: expect.stringMatching(/GMT$/),
      _etag: expect.any(String),
      creditor,
      payout_date: today(),
      currency: 'SEK',
      amount: (ore(payment.allocation.capital) + ore(payment.allocation.interest)) / 100,
      reference: expect.stringMatching(/^\d{10,16}$/),
      items: [{ case: id, invoice_number: 'F-1', payment: payment._id, capital: payment.allocation.capital, interest: payment.allocation.interest }],
    });
    expect(payout.amount).toBe(440);
    expect(passesLuhn(payout.reference)).toBe(true);
    expect((await h.call('GET', `/payouts/${payout._id}`)).body).toEqual(payout);

    // Taken once: neither another run nor the next midnight pays it again.
    expect(await run()).toEqual([]);
    await advance(h, 1);
    expect((await listPayouts())._items).toEqual([payout]);
    // Paying out does not change the case (no new _etag for the poller).
    expect((await getCase(h, id)).payments).toEqual([payment]);
  });

  it('pays out nothing for payments to the creditor or of fees only, and only the new payments later', async () => {
    const id = await registerCase(h, creditor, { capital: 1000, overdueDays: 0 });
    await h.call('POST', '/creditor--payments', { case: id, origin: 'creditor_system', amount: 100, payment_date: today() });
    const feeOnly = await pay(id, 60);
    expect(feeOnly.allocation).toEqual({ costs: 60, interest: 0, capital: 0 });
    expect(await run()).toEqual([]);
    expect((await listPayouts())._meta.total).toBe(0);

    const later = await pay(id, 100);
    const payouts = await run();
    expect(payouts.map((p) => p.items.map((i: any) => i.payment))).toEqual([[later._id]]);
    expect(payouts[0].amount).toBe(100);
  });

  it('makes one payout per creditor per run, with every case of that creditor in it', async () => {
    const other = await createCreditor(h, { organization_number: orgNumber('556036079'), name: 'Andra AB' });
    const a1 = await registerCase(h, creditor, { invoiceNumber: 'A-1', overdueDays: 0 });
    const a2 = await registerCase(h, creditor, { invoiceNumber: 'A-2', overdueDays: 0 });
    const b1 = await registerCase(h, other, { invoiceNumber: 'B-1', overdueDays: 0 });
    await h.call('GET', '/cases'); // the reminders (and their fees) first
    const p1 = await pay(a1, 100);
    const p2 = await pay(a2, 1310); // all of it: the case closes, and is still paid out
    const p3 = await pay(b1, 200);
    expect((await getCase(h, a2)).status).toBe('paid');

    const payouts = await run();
    expect(payouts).toHaveLength(2);
    const byCreditor = Object.fromEntries(payouts.map((p) => [p.creditor, p]));
    expect(byCreditor[creditor].items.map((i: any) => [i.case, i.payment])).toEqual([
      [a1, p1._id],
      [a2, p2._id],
    ]);
    expect(byCreditor[creditor].amount).toBe(40 + 1250);
    expect(byCreditor[other].items.map((i: any) => i.payment)).toEqual([p3._id]);
    expect(new Set(payouts.map((p) => p.reference)).size).toBe(2);
  });

  it('runs by itself at midnight, dated the day after the payment even when the clock jumps further', async () => {
    const id = await registerCase(h, creditor, { overdueDays: 0 });
    await h.call('GET', '/cases');
    const paidAt = h.sandbox.clock.now().getTime();
    await pay(id, 100);
    await advance(h, 0.4); // still the same day
    expect((await listPayouts())._meta.total).toBe(0);

    await advance(h, 3);
    const { _items } = await listPayouts();
    expect(_items).toHaveLength(1);
    expect(_items[0].payout_date).toBe(rfcDay(paidAt + DAY_MS));
    expect(Date.parse(_items[0]._created)).toBeGreaterThan(paidAt + 3 * DAY_MS);
    expect(_items[0].amount).toBe(40);

    // The next day's payment is the next midnight's payout.
    const secondAt = h.sandbox.clock.now().getTime();
    await pay(id, 50);
    await advance(h, 1);
    const dates = (await listPayouts('?sort=payout_date'))._items.map((p: any) => p.payout_date);
    expect(dates).toEqual([rfcDay(paidAt + DAY_MS), rfcDay(secondAt + DAY_MS)]);
  });

  it('lists payouts with where, sort and paging, as /cases', async () => {
    // Without fees or interest, so every krona paid is paid out.
    const [first, other] = [
      await createCreditor(h, { organization_number: orgNumber('556703700'), reminder_fee_agreed: false }),
      await createCreditor(h, { organization_number: orgNumber('556036079'), reminder_fee_agreed: false }),
    ];
    const ids = [await registerCase(h, first, { invoiceNumber: '1', overdueDays: 0 }), await registerCase(h, other, { invoiceNumber: '2', overdueDays: 0 })];
    await h.call('GET', '/cases');
    const created: any[] = [];
    for (let i = 0; i < 5; i++) {
      await pay(ids[i % 2], 1 + i);
      created.push(...(await run()));
      await advance(h, 0.01);
    }
    expect(created).toHaveLength(5);

    const all = await listPayouts('?max_results=500');
    expect(all._meta).toEqual({ page: 1, max_results: 500, total: 5 });
    expect(all._items.map((p: any) => p._id)).toEqual(created.map((p) => p._id));
    const pages = [await listPayouts('?max_results=2'), await listPayouts('?max_results=2&page=2'), await listPayouts('?max_results=2&page=3')];
    expect(pages.flatMap((p) => p._items.map((i: any) => i._id))).toEqual(created.map((p) => p._id));
    expect(pages[2]._meta).toEqual({ page: 3, max_results: 2, total: 5 });

    const where = (w: unknown) => `?where=${encodeURIComponent(JSON.stringify(w))}`;
    expect((await listPayouts(where({ creditor: other })))._items.map((p: any) => p._id)).toEqual([created[1]._id, created[3]._id]);
    expect((await listPayouts(where({ reference: created[2].reference })))._items.map((p: any) => p._id)).toEqual([created[2]._id]);
    expect((await listPayouts(where({ _updated: { $gt: created[2]._updated } })))._items.map((p: any) => p._id)).toEqual([created[3]._id, created[4]._id]);
    expect((await listPayouts(where({ _updated: { $gte: created[2]._updated } })))._meta.total).toBe(3);
    expect((await listPayouts('?sort=-amount'))._items.map((p: any) => p.amount)).toEqual([5, 4, 3, 2, 1]);
    expect((await h.call('GET', `/payouts${where({ amount: { $gt: 1 } })}`)).status).toBe(422);
    expect((await h.call('GET', '/payouts/po_missing')).status).toBe(404);
  });

  it('needs the API key, takes the faults like the other routes, and replays a run for its Idempotency-Key', async () => {
    expect((await call(h.url, 'GET', '/payouts')).status).toBe(401);
    expect((await call(h.url, 'POST', '/_sandbox/payouts/run')).status).toBe(401);
    const id = await registerCase(h, creditor, { overdueDays: 0 });
    await h.call('GET', '/cases');
    await pay(id, 100);

    await h.call('POST', '/_sandbox/faults', { errorRate: 1 });
    expect([500, 503]).toContain((await h.call('GET', '/payouts')).status);
    // The control API is not faulted.
    const first = await run({ 'idempotency-key': 'run-1' });
    expect(first).toHaveLength(1);
    await h.call('POST', '/_sandbox/faults', {});

    await pay(id, 10);
    expect(await run({ 'idempotency-key': 'run-1' })).toEqual(first);
    expect((await listPayouts())._meta.total).toBe(1);
    expect(await run()).toHaveLength(1);
  });

  it('shows the payouts in the portal', async () => {
    const id = await registerCase(h, creditor, { overdueDays: 0, invoiceNumber: 'P-7' });
    await h.call('GET', '/cases');
    expect((await call(h.url, 'GET', '/portal')).text).toContain('Inga utbetalningar ännu.');
    await pay(id, 100);
    const [payout] = await run();
    const overview = await call(h.url, 'GET', '/portal');
    expect(overview.text).toContain('<h2>Utbetalningar</h2>');
    expect(overview.text).toContain(payout.reference);
    expect(overview.text).toContain('40,00\u00a0kr');
    expect((await call(h.url, 'GET', `/portal/cases/${id}`)).text).toContain(`(ref. ${payout.reference})`);
  });
});

describe('payouts across a restart', () => {
  it('pays each debtor payment exactly once, also what was still waiting when the sandbox stopped', async () => {
    let h = await startSandbox();
    try {
      await toNoon(h);
      const creditor = await createCreditor(h);
      const [a, b] = [await registerCase(h, creditor, { invoiceNumber: 'R-1' }), await registerCase(h, creditor, { invoiceNumber: 'R-2' })];
      await h.call('GET', '/cases');
      const first = (await h.call('POST', `/_sandbox/cases/${a}/pay`, { amount: 100 })).body.payments[0];
      const [before] = (await h.call('POST', '/_sandbox/payouts/run')).body.payouts;
      const waiting = (await h.call('POST', `/_sandbox/cases/${b}/pay`, { amount: 200 })).body.payments[0];
      await h.stop();

      h = await startSandbox({ dataDir: h.dataDir });
      expect((await h.call('GET', `/payouts/${before._id}`)).body).toEqual(before);
      const [after, ...more] = (await h.call('POST', '/_sandbox/payouts/run')).body.payouts;
      expect(more).toEqual([]);
      expect(after.items.map((i: any) => i.payment)).toEqual([waiting._id]);
      expect(after.reference).not.toBe(before.reference);
      expect(before.items.map((i: any) => i.payment)).toEqual([first._id]);
      await advance(h, 2);
      expect((await h.call('GET', '/payouts')).body._meta.total).toBe(2);
    } finally {
      await h.dispose();
    }
  });
});
