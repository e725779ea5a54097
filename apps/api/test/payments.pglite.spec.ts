/**
 * Bank files over HTTP on the embedded store: a camt.054 upload is matched (OCR, invoice number in the
 * text, amount and payer), partial payments reduce the claim, a payment that settles a case closes it as
 * paid, unknown payments wait in the queue for a person, a re-import books nothing twice, and a broken
 * file or one for another account imports nothing.
 */
import { type Api, ORG, address, invoiceBody, pgliteStorage, startApi } from './support/api-harness';
import { camt054 } from './support/camt054';
import { readSie } from '@pm/sie';

const BANKGIRO = '5677-5612';

describe('Importing bank files', () => {
  let api: Api;
  let token: string;

  beforeAll(async () => {
    api = await startApi(pgliteStorage);
    const created = await api.call('POST', '/api/companies', {
      token: api.adminToken,
      body: { organisationNumber: ORG.main, name: 'Bygg AB', country: 'SE', address: address(), bankgiro: BANKGIRO },
    });
    expect(created.status).toBe(201);
    token = api.userToken(ORG.main);
    await api.call('POST', '/api/activation', { token, body: { termsVersion: '2026-1', accepted: true } });
    await api.call('PUT', '/api/invoices/1001', { token, body: invoiceBody({ ocr: '10017' }) });
    await api.call('PUT', '/api/invoices/1002', { token, body: invoiceBody({ ocr: undefined, totalOre: 50_000, vatOre: 10_000 }) });
    await api.call('PUT', '/api/invoices/1003', { token, body: invoiceBody({ ocr: undefined, totalOre: 80_000, vatOre: 16_000, customer: { ...invoiceBody().customer, name: 'Anna Lind' } }) });
    await api.call('PUT', '/api/invoices/1004', { token, body: invoiceBody({ ocr: undefined, taxReduction: { type: 'ROT', amountOre: 30_000 } }) });
    // 1001 is in reminder handling: the bank payment must close its case as paid.
    expect((await api.call('POST', '/api/invoices/1001/reminder-case', { token })).status).toBe(201);
  });
  afterAll(async () => api?.close());

  const file = () =>
    camt054(BANKGIRO, [
      { reference: 'BANK-0001', amount: '1250.00', ocr: '10017', payer: 'Kalle Svensson' },
      { reference: 'BANK-0002', amount: '500.00', text: 'Betalning faktura 1002' },
      { reference: 'BANK-0003', amount: '300.00', text: 'delbetalning', payer: 'Okänd Person' },
      { reference: 'BANK-0004', amount: '950.00', text: 'Faktura 1004 ROT' },
      { reference: 'BANK-0005', amount: '800.00', payer: 'Lind Anna' },
    ]);

  it('refuses a broken file and a file for another account, importing nothing', async () => {
    const before = await api.eventCount();
    const broken = await api.upload('/api/payments/imports', token, file().replace('<Amt Ccy="SEK">500.00</Amt>', '<Amt Ccy="SEK">5x0.00</Amt>'));
    expect(broken).toMatchObject({ status: 422, body: { code: 'PAYMENT_FILE.INVALID' } });
    expect(broken.body.errors.length).toBeGreaterThan(0);
    expect(broken.body.errors[0]).toEqual(expect.objectContaining({ message: expect.any(String) }));
    const truncated = await api.upload('/api/payments/imports', token, file().slice(0, 900));
    expect(truncated).toMatchObject({ status: 422, body: { code: 'PAYMENT_FILE.INVALID' } });
    const other = await api.upload('/api/payments/imports', token, camt054('5050-1055', [{ reference: 'X-1', amount: '10.00', ocr: '10017' }]));
    expect(other).toMatchObject({ status: 422, body: { code: 'PAYMENT_FILE.WRONG_ACCOUNT' } });
    const notMultipart = await api.call('POST', '/api/payments/imports', { token, body: {} });
    expect(notMultipart).toMatchObject({ status: 400, body: { code: 'REQUEST.MULTIPART_REQUIRED' } });
    const wrongField = await api.upload('/api/payments/imports', token, file(), 'f.xml', 'document');
    expect(wrongField).toMatchObject({ status: 400, body: { code: 'REQUEST.FILE_REQUIRED' } });
    expect(await api.eventCount()).toBe(before);
  });

  it('matches, books and reports; the case paid in full closes as paid', async () => {
    const report = await api.upload('/api/payments/imports', token, file(), 'camt054-2026-11-23.xml');
    expect(report.status).toBe(201);
    expect(report.body).toMatchObject({ format: 'camt.054', payments: 5, matched: 4, partlyMatched: 0, unmatched: 1, duplicates: 0 });
    const invoice = async (n: string) => (await api.call('GET', `/api/invoices/${n}`, { token })).body;
    expect(await invoice('1001')).toMatchObject({ status: 'paid', caseStatus: 'paid', claimOre: 0 });
    expect(await invoice('1002')).toMatchObject({ status: 'paid', claimOre: 0 });
    expect(await invoice('1003')).toMatchObject({ status: 'paid', claimOre: 0 });
    expect(await invoice('1004')).toMatchObject({ status: 'paid', taxReduction: { readyForSkatteverket: true } });
  });

  it('importing the same file again, or an overlapping one, books nothing twice', async () => {
    const again = await api.upload('/api/payments/imports', token, file());
    expect(again.body).toMatchObject({ payments: 5, matched: 0, unmatched: 0, duplicates: 5 });
    const overlapping = await api.upload(
      '/api/payments/imports',
      token,
      camt054(BANKGIRO, [
        { reference: 'BANK-0002', amount: '500.00', text: 'Betalning faktura 1002' },
        { reference: 'BANK-0006', amount: '100.00', text: 'okänd' },
      ]),
    );
    expect(overlapping.body).toMatchObject({ payments: 2, duplicates: 1, unmatched: 1 });
  });

  it('keeps unknown payments in a queue where a person matches them, partly paying an invoice', async () => {
    await api.call('PUT', '/api/invoices/1005', { token, body: invoiceBody({ ocr: undefined, totalOre: 1_000_00, vatOre: 20_000 }) });
    const queue = await api.call('GET', '/api/payments/unmatched', { token });
    expect(queue.body.map((p: { bankReference: string }) => p.bankReference)).toEqual(['BANK-0003', 'BANK-0006']);
    expect(queue.body[0]).toMatchObject({ amountOre: 30_000, reason: 'no_match', payerName: 'Okänd Person' });
    const matched = await api.call('POST', `/api/payments/${queue.body[0].paymentId}/match`, { token, body: { invoiceNumber: '1005' } });
    expect(matched).toMatchObject({ status: 201, body: { invoiceNumber: '1005', outcome: 'partlyMatched' } });
    expect((await api.call('GET', '/api/invoices/1005', { token })).body).toMatchObject({ claimOre: 70_000, paidOre: 30_000 });
    const again = await api.call('POST', `/api/payments/${queue.body[0].paymentId}/match`, { token, body: { invoiceNumber: '1005' } });
    expect(again).toMatchObject({ status: 409, body: { code: 'PAYMENT.ALREADY_MATCHED' } });
    const tooMuch = await api.call('POST', `/api/payments/${queue.body[1].paymentId}/match`, { token, body: { invoiceNumber: '1001' } });
    expect(tooMuch).toMatchObject({ status: 422, body: { code: 'PAYMENT.EXCEEDS_REMAINING' } });
    expect((await api.call('GET', '/api/payments/unmatched', { token })).body).toHaveLength(1);
  });

  it('exports the bookings as SIE 4 (4I, codepage 437) that reads back balanced', async () => {
    const response = await fetch(`${api.url}/api/accounting/sie?from=2026-11-01&to=2026-11-30`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('IBM437');
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.toString('latin1')).toContain('#FORMAT PC8');
    const read = readSie(bytes);
    if (!read.ok) throw new Error(JSON.stringify(read.errors));
    expect(read.document.company).toMatchObject({ name: 'Bygg AB', organisationNumber: '556036-0793' });
    // Four payments matched by the import and one by hand.
    expect(read.document.vouchers).toHaveLength(5);
    for (const voucher of read.document.vouchers) {
      expect(voucher.transactions.reduce((sum, t) => sum + t.amountOre, 0)).toBe(0);
      expect(voucher.transactions.map((t) => t.account)).toEqual(['1930', '1510']);
    }
    expect(read.document.vouchers[0].transactions[0].amountOre).toBe(125_000);
    expect(read.document.accounts.map((a) => a.number)).toEqual(['1510', '1930']);
    const empty = await api.call('GET', '/api/accounting/sie?from=2025-01-01&to=2025-12-31', { token });
    expect(empty.status).toBe(200);
    const badPeriod = await api.call('GET', '/api/accounting/sie?from=2026-12-01&to=2026-01-01', { token });
    expect(badPeriod).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID_PERIOD' } });
  });

  it("another company's payments are not found", async () => {
    const queue = await api.call('GET', '/api/payments/unmatched', { token });
    const stranger = api.userToken(ORG.other);
    expect((await api.call('GET', '/api/payments/unmatched', { token: stranger })).body).toEqual([]);
    expect((await api.call('POST', `/api/payments/${queue.body[0].paymentId}/match`, { token: stranger, body: { invoiceNumber: '1005' } })).status).toBe(404);
  });
});
