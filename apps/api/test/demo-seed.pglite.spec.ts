import { INVOICE_STATUSES, type InvoiceStatus } from '@pm/domain';
import { DEMO_COMPANY, seedDemo } from '../src/demo/seed-demo';
import { type Api, pgliteStorage, startApi } from './support/api-harness';

describe('Demo data for `pnpm start`', () => {
  let api: Api;
  beforeAll(async () => {
    api = await startApi(pgliteStorage, '2026-11-23T10:00:00.000Z');
  });
  afterAll(async () => api?.close());

  it('seeds a company that still has to activate, with invoices showing every interesting case, once', async () => {
    const first = await seedDemo(api.app);
    expect(first.seeded).toBe(true);
    expect((await seedDemo(api.app)).seeded).toBe(false);
    const token = api.userToken(DEMO_COMPANY.organisationNumber, 'demo-user');
    expect((await api.call('GET', '/api/activation', { token })).body.active).toBe(false);
    const list = await api.call('GET', '/api/invoices?sort=invoiceNumber&pageSize=100', { token });
    const byNumber = Object.fromEntries(list.body.items.map((i: { invoiceNumber: string }) => [i.invoiceNumber, i]));
    expect(list.body.total).toBe(8);
    expect(byNumber['1001']).toMatchObject({ status: 'overdue', allowedActions: expect.arrayContaining(['send_to_reminder_handling']) });
    expect(byNumber['1003']).toMatchObject({ status: 'overdue', taxReduction: { type: 'ROT' }, claimOre: 33_000_00 });
    expect(byNumber['1005'].status).toBe('not_due');
    expect(byNumber['1007']).toMatchObject({ currency: 'EUR', status: 'overdue' });
    expect(byNumber['1007'].allowedActions).not.toContain('send_to_reminder_handling');
    expect(byNumber['1008'].customer.address.country).toBe('DK');
    expect(byNumber['1008'].allowedActions).not.toContain('send_to_reminder_handling');
    await api.call('POST', '/api/activation', { token, body: { termsVersion: '2026-1', accepted: true } });
    expect((await api.call('POST', '/api/invoices/1008/reminder-case', { token })).body.code).toBe('CUSTOMER.NOT_IN_SWEDEN');
    expect((await api.call('POST', '/api/invoices/1007/reminder-case', { token })).body.code).toBe('INVOICE.CURRENCY_NOT_SEK');
    expect((await api.call('POST', '/api/invoices/1005/reminder-case', { token })).body.code).toBe('INVOICE.NOT_OVERDUE');
    expect((await api.call('POST', '/api/invoices/1003/reminder-case', { token })).status).toBe(201);
  });

  it("sorts by status in the invoice's life order (not due, overdue, the case's stages, closed), both ways", async () => {
    const token = api.userToken(DEMO_COMPANY.organisationNumber, 'demo-user');
    // A credited invoice: 'credited' comes before 'not_due' by its code, after every open status in life order.
    expect((await api.call('POST', '/api/invoices/1005/credit', { token, body: {} })).status).toBeLessThan(300);
    const rank = (items: { status: InvoiceStatus }[]) => items.map((item) => INVOICE_STATUSES.indexOf(item.status));
    const asc = rank((await api.call('GET', '/api/invoices?sort=status&pageSize=100', { token })).body.items);
    const desc = rank((await api.call('GET', '/api/invoices?sort=status&order=desc&pageSize=100', { token })).body.items);
    expect(new Set(asc).size).toBeGreaterThanOrEqual(3);
    expect(asc).not.toContain(-1);
    expect(asc).toEqual([...asc].sort((a, b) => a - b));
    expect(desc).toEqual([...asc].reverse());
  });
});
