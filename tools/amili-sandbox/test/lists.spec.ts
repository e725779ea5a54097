import { advance, createCreditor, registerCase, startSandbox, type Harness } from './helpers';

describe('Eve-style lists', () => {
  let h: Harness;
  let creditor: string;
  let ids: string[];
  beforeAll(async () => {
    h = await startSandbox();
    creditor = await createCreditor(h);
    ids = [];
    for (const invoiceNumber of ['103', '101', '105', '102', '104']) ids.push(await registerCase(h, creditor, { invoiceNumber }));
    await h.call('GET', '/cases'); // applies the first step to every case
  });
  afterAll(() => h.dispose());

  const list = (query: Record<string, unknown>) => {
    const params = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
    return h.call('GET', `/cases?${params}`);
  };

  it('pages with _meta and a stable default order (_updated, then _id)', async () => {
    const all = await list({ max_results: '500' });
    expect(all.body._meta).toEqual({ page: 1, max_results: 500, total: 5 });
    const first = await list({ max_results: '2' });
    const second = await list({ max_results: '2', page: '2' });
    const third = await list({ max_results: '2', page: '3' });
    expect(first.body._meta).toEqual({ page: 1, max_results: 2, total: 5 });
    const paged = [...first.body._items, ...second.body._items, ...third.body._items].map((c: any) => c._id);
    expect(paged).toEqual(all.body._items.map((c: any) => c._id));
    expect(new Set(paged).size).toBe(5);
    expect((await list({ max_results: '2', page: '9' })).body._items).toEqual([]);
    expect((await h.call('GET', '/cases')).body._meta.max_results).toBe(50);
  });

  it('sorts by a field, ascending or descending', async () => {
    const asc = await list({ sort: 'invoice_number' });
    expect(asc.body._items.map((c: any) => c.invoice_number)).toEqual(['101', '102', '103', '104', '105']);
    const desc = await list({ sort: '-invoice_number' });
    expect(desc.body._items.map((c: any) => c.invoice_number)).toEqual(['105', '104', '103', '102', '101']);
  });

  it('filters by equality on top-level fields and by _updated $gt/$gte', async () => {
    const all = (await list({})).body._items;
    const latest = all.map((c: any) => c._updated).sort((a: string, b: string) => Date.parse(a) - Date.parse(b))[4];
    await advance(h, 1);
    await h.call('POST', `/_sandbox/cases/${ids[2]}/dispute`);

    const disputed = await list({ where: { status: 'disputed' } });
    expect(disputed.body._items.map((c: any) => c._id)).toEqual([ids[2]]);
    const open = await list({ where: { closed: false, creditor } });
    expect(open.body._meta.total).toBe(5);
    const byInvoice = await list({ where: { invoice_number: '104' } });
    expect(byInvoice.body._items.map((c: any) => c._id)).toEqual([ids[4]]);

    const changed = await list({ where: { _updated: { $gt: latest } } });
    expect(changed.body._items.map((c: any) => c._id)).toEqual([ids[2]]);
    const since = await list({ where: { _updated: { $gte: latest } } });
    expect(since.body._meta.total).toBeGreaterThanOrEqual(2);
    expect(since.body._items.map((c: any) => c._id)).toContain(ids[2]);
  });

  it('refuses what it cannot do with 422', async () => {
    expect((await list({ where: 'not json' })).status).toBe(422);
    expect((await list({ where: { state: { $gt: 'a' } } })).status).toBe(422);
    expect((await list({ where: { _updated: { $lt: 'Mon, 07 Jul 2025 00:00:00 GMT' } } })).status).toBe(422);
    expect((await list({ where: { _updated: { $gt: '2025-07-07' } } })).status).toBe(422);
    expect((await list({ max_results: '501' })).status).toBe(422);
    expect((await list({ page: '0' })).status).toBe(422);
    expect((await list({ sort: 'a.b' })).status).toBe(422);
  });

  it('lists registrations too', async () => {
    const res = await h.call('GET', `/case--registrations?where=${encodeURIComponent(JSON.stringify({ creditor }))}`);
    expect(res.body._meta.total).toBe(5);
    expect(res.body._items[0]).toMatchObject({ _id: expect.stringMatching(/^r_/), status: 'completed', creditor });
    const one = await h.call('GET', `/case--registrations/${res.body._items[0]._id}`);
    expect(one.body._id).toBe(res.body._items[0]._id);
  });
});
