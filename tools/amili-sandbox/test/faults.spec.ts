import { call, createCreditor, creditorBody, orgNumber, registerCase, startSandbox, type Harness } from './helpers';

describe('injected faults', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startSandbox();
  });
  afterEach(() => h.dispose());

  const setFaults = async (faults: Record<string, unknown>) => {
    const res = await h.call('POST', '/_sandbox/faults', faults);
    expect(res.status).toBe(200);
    return res.body;
  };

  it('are off by default, shown by GET, and replaced as a whole by POST', async () => {
    expect((await h.call('GET', '/_sandbox/faults')).body).toEqual({ errorRate: 0, latencyMs: 0, duplicateRate: 0, reorder: false, loseResponseRate: 0 });
    await setFaults({ latencyMs: 10, reorder: true });
    expect(await setFaults({ errorRate: 0.5 })).toEqual({ errorRate: 0.5, latencyMs: 0, duplicateRate: 0, reorder: false, loseResponseRate: 0 });
    const bad = await h.call('POST', '/_sandbox/faults', { errorRate: 2, reorder: 'yes' });
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.body._issues).sort()).toEqual(['errorRate', 'reorder']);
  });

  it('errorRate 1: every API call fails with 503 (JSON) or 500 (HTML) and nothing is done', async () => {
    await setFaults({ errorRate: 1 });
    const seen = new Set<number>();
    for (let i = 0; i < 12; i++) {
      const res = await h.call('POST', '/creditors', creditorBody({ organization_number: orgNumber(String(556_703_700 + i)) }), { 'idempotency-key': `k-${i}` });
      seen.add(res.status);
      if (res.status === 503) {
        expect(res.body).toMatchObject({ _status: 'ERR', _error: { code: 503 } });
        expect(res.headers.get('retry-after')).toBe('1');
      } else {
        expect(res.status).toBe(500);
        expect(res.headers.get('content-type')).toMatch(/text\/html/);
        expect(res.text).toMatch(/<html>/);
      }
    }
    expect([...seen].every((s) => s === 500 || s === 503)).toBe(true);
    // The control API and /health stay reachable, so a test can always turn the faults off.
    expect((await call(h.url, 'GET', '/health')).status).toBe(200);
    await setFaults({});
    expect((await h.call('GET', '/creditors')).body._meta.total).toBe(0);
    // A failed answer was not kept for its Idempotency-Key: the retry does the work.
    const retry = await h.call('POST', '/creditors', creditorBody({ organization_number: orgNumber('556703700') }), { 'idempotency-key': 'k-0' });
    expect(retry.status).toBe(201);
  });

  it('loseResponseRate 1: the work is done and saved, but the connection drops without an answer', async () => {
    await setFaults({ loseResponseRate: 1 });
    await expect(call(h.url, 'POST', '/creditors', creditorBody(), { 'x-api-key': h.sandbox.apiKey, 'idempotency-key': 'lost-1' })).rejects.toThrow();
    await setFaults({});
    const where = encodeURIComponent(JSON.stringify({ organization_number: orgNumber() }));
    const found = await h.call('GET', `/creditors?where=${where}`);
    expect(found.body._meta.total).toBe(1);
    // The client retries with its key and gets the answer it missed.
    const retry = await h.call('POST', '/creditors', creditorBody(), { 'idempotency-key': 'lost-1' });
    expect(retry.status).toBe(201);
    expect(retry.body._id).toBe(found.body._items[0]._id);
  });

  it('latencyMs delays answers by up to that many ms', async () => {
    await setFaults({ latencyMs: 200 });
    const started = Date.now();
    const durations: number[] = [];
    for (let i = 0; i < 6; i++) {
      const t = Date.now();
      expect((await h.call('GET', '/cases')).status).toBe(200);
      durations.push(Date.now() - t);
    }
    expect(Date.now() - started).toBeGreaterThan(100);
    expect(Math.max(...durations)).toBeLessThan(200 + 150);
  });

  it('duplicateRate 1 repeats the last item of the previous page; reorder shuffles within a page only', async () => {
    const creditor = await createCreditor(h);
    for (let i = 1; i <= 6; i++) await registerCase(h, creditor, { invoiceNumber: String(i) });
    const ordered = (await h.call('GET', '/cases?sort=invoice_number')).body._items.map((c: any) => c.invoice_number);
    expect(ordered).toEqual(['1', '2', '3', '4', '5', '6']);

    await setFaults({ duplicateRate: 1 });
    const page2 = await h.call('GET', '/cases?sort=invoice_number&max_results=2&page=2');
    expect(page2.body._items.map((c: any) => c.invoice_number)).toEqual(['2', '3', '4']);
    expect(page2.body._meta.total).toBe(6);
    const page1 = await h.call('GET', '/cases?sort=invoice_number&max_results=2&page=1');
    expect(page1.body._items.map((c: any) => c.invoice_number)).toEqual(['1', '2']);

    await setFaults({ reorder: true });
    for (let i = 0; i < 5; i++) {
      const page = await h.call('GET', '/cases?sort=invoice_number&max_results=3&page=2');
      expect(page.body._items.map((c: any) => c.invoice_number).sort()).toEqual(['4', '5', '6']);
    }
  });
});
