/**
 * What the web app asks before and after sending: a preview of sending several invoices (the domain's
 * own verdict per invoice, the claim, the possible fees), and the report overview.
 */
import { type Api, ORG, companyWithUser, invoiceBody, pgliteStorage, startApi } from './support/api-harness';

describe('Preview of sending, and the report overview', () => {
  let api: Api;
  let token: string;
  beforeAll(async () => {
    api = await startApi(pgliteStorage, '2026-11-23T10:00:00.000Z');
    token = await companyWithUser(api, ORG.main);
    await api.call('PUT', '/api/invoices/P1', { token, body: invoiceBody({ ocr: undefined }) });
    await api.call('PUT', '/api/invoices/P2', { token, body: invoiceBody({ ocr: undefined, dueDate: '2026-12-31' }) });
    await api.call('PUT', '/api/invoices/P3', { token, body: invoiceBody({ ocr: undefined, taxReduction: { type: 'RUT', amountOre: 50_000 } }) });
    await api.call('PUT', '/api/invoices/P4', { token, body: invoiceBody({ ocr: undefined, currency: 'EUR' }) });
    await api.call('PUT', '/api/invoices/P5', { token, body: invoiceBody({ ocr: undefined, invoiceDate: '2026-07-01', dueDate: '2026-07-31', customer: { ...invoiceBody().customer, isCompany: true, identityNumber: '556036-0793', name: 'Byggare AB' } }) });
  });
  afterAll(async () => api?.close());

  it('says per invoice what would be sent and what refused, storing nothing', async () => {
    const before = await api.eventCount();
    const preview = await api.call('POST', '/api/reminder-cases/preview', { token, body: { invoiceNumbers: ['P1', 'P2', 'P3', 'P4', 'P5', 'NOPE', 'P1'] } });
    expect(preview.status).toBe(200);
    const byNumber = Object.fromEntries(preview.body.items.map((i: { invoiceNumber: string }) => [i.invoiceNumber, i]));
    expect(preview.body.items).toHaveLength(6);
    expect(byNumber.P1).toMatchObject({ found: true, canSend: true, refusal: null, claimOre: 125_000, customerName: 'Kalle Svensson', customerIsCompany: false, interestRateBasisPoints: 1200 });
    expect(byNumber.P1.interestSoFarOre).toBeGreaterThan(0);
    expect(byNumber.P1.possibleFees).toEqual([
      { kind: 'reminder_fee', amountOre: 6_000 },
      { kind: 'debt_collection_fee', amountOre: 18_000 },
    ]);
    expect(byNumber.P2).toMatchObject({ canSend: false, refusal: { code: 'INVOICE.NOT_OVERDUE', message: expect.stringContaining('2026-12-31') } });
    // The customer's share only: the RUT part is Skatteverket's.
    expect(byNumber.P3).toMatchObject({ canSend: true, taxReductionType: 'RUT', customerShareOre: 75_000, claimOre: 75_000 });
    expect(byNumber.P4).toMatchObject({ canSend: false, refusal: { code: 'INVOICE.CURRENCY_NOT_SEK' } });
    expect(byNumber.P5).toMatchObject({ canSend: true, customerIsCompany: true, possibleFees: [{ kind: 'late_payment_compensation', amountOre: 45_000 }] });
    expect(byNumber.NOPE).toMatchObject({ found: false, canSend: false, refusal: { code: 'INVOICE.NOT_FOUND' } });
    expect(await api.eventCount()).toBe(before);
    expect((await api.call('POST', '/api/reminder-cases/preview', { token, body: { invoiceNumbers: [] } })).status).toBe(400);
    expect((await api.call('POST', '/api/reminder-cases/preview', { token: api.userToken(ORG.other), body: { invoiceNumbers: ['P1'] } })).body.items[0]).toMatchObject({ found: false });
  });

  it('reports ageing, cases by status and what was collected', async () => {
    await api.call('POST', '/api/invoices/P1/reminder-case', { token });
    await api.call('POST', '/api/invoices/P3/payments', { token, body: { amountOre: 25_000, paidOn: '2026-11-20' } });
    await api.call('POST', '/api/invoices/P1/payments', { token, body: { amountOre: 5_000, paidOn: '2026-11-22' } });
    const report = (await api.call('GET', '/api/reports/overview', { token })).body;
    expect(report.asOf).toBe('2026-11-23');
    const bucket = (name: string) => report.ageing.find((b: { bucket: string }) => b.bucket === name);
    expect(bucket('not_due')).toEqual({ bucket: 'not_due', invoices: 1, remainingOre: 125_000 });
    expect(bucket('overdue_1_30')).toMatchObject({ invoices: 3 });
    expect(bucket('overdue_91_plus')).toMatchObject({ invoices: 1, remainingOre: 125_000 });
    expect(report.casesByStatus).toEqual([{ status: 'requested', cases: 1 }]);
    expect(report.collected).toHaveLength(12);
    expect(report.collected[11]).toEqual({ month: '2026-11', bankOre: 0, manualOre: 30_000, partnerOre: 0, duringCaseOre: 5_000, totalOre: 30_000 });
    expect(report.collected[0].month).toBe('2025-12');
  });
});
